"""The roles and GRANTs of docs/history.md on a real server: the owner creates and migrates the schema,
the writer records runs (and clears a quarantine) but cannot change the schema, the reader draws the lab
page but writes nothing. Each refusal is one HistoryError line."""
import pytest

from sailbench.harness.errors import HistoryError
from sailbench.harness.record.history import History

SETUP = """
CREATE ROLE {p}_owner LOGIN PASSWORD '{pw}';
CREATE ROLE {p}_writer LOGIN PASSWORD '{pw}';
CREATE ROLE {p}_reader LOGIN PASSWORD '{pw}';
CREATE DATABASE {p} OWNER {p}_owner;
"""
# As in docs/history.md, run inside the new database.
GRANTS = """
REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO {p}_writer, {p}_reader;
ALTER DEFAULT PRIVILEGES FOR ROLE {p}_owner IN SCHEMA public GRANT SELECT, INSERT, UPDATE ON TABLES TO {p}_writer;
ALTER DEFAULT PRIVILEGES FOR ROLE {p}_owner IN SCHEMA public GRANT DELETE ON TABLES TO {p}_writer;
ALTER DEFAULT PRIVILEGES FOR ROLE {p}_owner IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {p}_writer;
ALTER DEFAULT PRIVILEGES FOR ROLE {p}_owner IN SCHEMA public GRANT SELECT ON TABLES TO {p}_reader;
"""


def fig(rid):
    return {"board": "sim", "probe": "ddr", "direction": "write", "pattern": "sequential", "summary": True,
            "bytes": 65536, "rate_bytes_per_s": 5e8, "id": rid}


def test_owner_writer_and_reader_roles(pg_server):
    p = "roles"
    for statement in SETUP.format(p=p, pw=pg_server.password).strip().split(";\n"):
        pg_server.sql(statement.strip().rstrip(";"))
    for statement in GRANTS.format(p=p).strip().split(";\n"):
        pg_server.sql(statement.strip().rstrip(";"), database=p)
    url = {role: pg_server.url(p, user=f"{p}_{role}") for role in ("owner", "writer", "reader")}

    with pytest.raises(HistoryError, match=r"cannot open: permission denied"):
        History(url=url["writer"])                     # an empty database: only the owner creates the schema
    History(url=url["owner"]).close()

    with History(url=url["writer"]) as h:
        h.upsert_run("r1", "sim", build_hash="aaa", host="pc1")
        h.add_record("r1", "sim", "aaa", fig("r1"))
        h.upsert_run("r1", "sim", build_hash="aaa", host="pc1", status="passed", finished="t1")
        h.add_health("sim", source="nightly", passed=False, message="silent")
        h.quarantine("sim", "silent", 3)
        assert h.clear_quarantine("sim")
        with pytest.raises(HistoryError, match="cannot read: must be owner of table runs"):
            h._query("ALTER TABLE runs ADD COLUMN x INTEGER")

    with History(url=url["reader"]) as h:
        assert [r["run_id"] for r in h.runs()] == ["r1"] and len(h.trend("sim")) == 1
        with pytest.raises(HistoryError, match=r"cannot record the run: permission denied for table runs"):
            h.upsert_run("r2", "sim", host="pc2")
