"""The lab-wide history on SQLite: history.url in lab.yaml, complete runs only, each record once.

The same behaviour against a real PostgreSQL server is in tests/history/."""
import pytest

from sailbench.harness.config import load_lab
from sailbench.harness.errors import ConfigError, HistoryError
from sailbench.harness.judge.regression import FigureKey
from sailbench.harness.record.history import History, history_location, open_history
from sailbench.harness.record.history_postgres import translate
from unit.fakes.history_runs import ddr_figure

LAB = """\
boards:
  sim: {kind: sim, profile: versa-ecp5}
history:
  url: %s
"""
KEY = FigureKey("sim", "ddr", "write", "sequential", 65536)


def lab_with(tmp_path, url):
    path = tmp_path / "lab.yaml"
    path.write_text(LAB % url)
    return load_lab(path)


def test_a_url_without_password_is_the_history(tmp_path):
    lab = lab_with(tmp_path, "postgresql://sailbench_writer@db.lab:5432/sailbench")
    assert lab.history.url == "postgresql://sailbench_writer@db.lab:5432/sailbench"
    assert history_location(lab) == lab.history.url


def test_no_url_keeps_the_sqlite_file(tmp_path):
    path = tmp_path / "lab.yaml"
    path.write_text("boards:\n  sim: {kind: sim, profile: versa-ecp5}\n")
    lab = load_lab(path)
    assert lab.history.url is None
    with open_history(lab) as h:
        assert h.dialect == "sqlite" and h.path == lab.history_path


def test_the_repository_lab_keeps_the_sqlite_default_and_needs_no_driver(tmp_path):
    """The README's two commands use the repository's lab.yaml: its history is a file, no server, and
    opening it never imports the PostgreSQL driver."""
    import subprocess
    import sys
    from sailbench.harness.paths import REPO_ROOT
    lab = load_lab(REPO_ROOT / "lab.yaml")
    assert lab.history.url is None and lab.history_path.name == "history.sqlite"
    probe = ("import sys; from sailbench.harness.record.history import History; "
             f"History({str(tmp_path / 'h.sqlite')!r}).close(); print('psycopg' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "False", done.stderr


@pytest.mark.parametrize("url", ["postgresql://w:s3cret@db.lab/sailbench",
                                 "postgresql://w@db.lab/sailbench?password=s3cret"])
def test_a_password_in_the_url_is_refused_naming_key_and_line(tmp_path, url):
    with pytest.raises(ConfigError) as info:
        lab_with(tmp_path, url)
    text = str(info.value)
    assert "history.url" in text and "(line 4)" in text and "PGPASSWORD" in text
    assert "s3cret" not in text, "the refusal never repeats the password"
    assert len(text.splitlines()) == 1


def test_a_url_of_another_kind_is_refused(tmp_path):
    with pytest.raises(ConfigError, match=r"history\.url: expected a URL starting postgresql://"):
        lab_with(tmp_path, "mysql://w@db.lab/sailbench")


def test_placeholders_translate_for_psycopg():
    assert translate("SELECT a FROM t WHERE b IS ? AND c IS NOT ? AND d = ?") == \
        "SELECT a FROM t WHERE b IS NOT DISTINCT FROM %s AND c IS DISTINCT FROM %s AND d = %s"


def test_a_retried_record_is_stored_once(tmp_path):
    with History(tmp_path / "h.sqlite") as h:
        h.upsert_run("r1", "sim", build_hash="aaa", host="pc1")
        for _ in range(3):
            h.add_record("r1", "sim", "aaa", ddr_figure(500e6, "r1"))
        h.add_record("r1", "sim", "aaa", ddr_figure(510e6, "r2"))
        assert [r["rate_bytes_per_s"] for r in h.records("r1")] == [500e6, 510e6]


def test_readers_count_complete_runs_only(tmp_path):
    with History(tmp_path / "h.sqlite") as h:
        h.upsert_run("done", "sim", build_hash="aaa", host="pc1", started="t0")
        h.add_record("done", "sim", "aaa", ddr_figure(500e6, "r1"))
        h.upsert_run("done", "sim", build_hash="aaa", host="pc1", started="t0", status="passed", finished="t1")
        h.upsert_run("killed", "sim", build_hash="aaa", host="pc2", started="t2", status="running")
        h.add_record("killed", "sim", "aaa", ddr_figure(100e6, "r1"))
        assert h.baseline(KEY, "aaa", "other", 5) == [("done", 500e6)]
        assert {p["run_id"] for p in h.trend("sim")} == {"done"}
        assert [r["run_id"] for r in h.runs()] == ["done"]
        assert {r["run_id"] for r in h.runs(complete_only=False)} == {"done", "killed"}
        h.upsert_run("done", "sim", host="pc1", status="running")      # once complete, it stays so
        assert h.run("done")["complete"] == 1


def test_a_run_id_of_another_host_is_refused(tmp_path):
    with History(tmp_path / "h.sqlite") as h:
        h.upsert_run("r1", "sim", host="pc1")
        with pytest.raises(HistoryError, match="run id r1 is already recorded by host 'pc1', not 'pc2'"):
            h.upsert_run("r1", "sim", host="pc2")
        assert h.run("r1")["host"] == "pc1"
        h.upsert_run("r1", "sim", status="passed", finished="t1")      # a writer that does not say its host
        assert (h.run("r1")["host"], h.run("r1")["complete"]) == ("pc1", 1)


def test_a_finished_run_is_recorded_whole(tmp_path):
    from sailbench.harness.config import HistoryConfig
    from sailbench.harness.record.history_sink import store_finished_run
    data = {"run_id": "p1", "started": "t0", "finished": "t1", "status": "passed",
            "provenance": {"board": "sim", "gateware_hash": "aaa", "host": "pc1"},
            "records": [ddr_figure(500e6, "r1"), ddr_figure(501e6, "r2")]}
    with History(tmp_path / "h.sqlite") as h:
        store_finished_run(h, HistoryConfig(), data, "p1.json", kind="nightly-pair")
        store_finished_run(h, HistoryConfig(), data, "p1.json", kind="nightly-pair")     # again: nothing new
        assert len(h.records("p1")) == 2 and h.run("p1")["complete"] == 1


def test_a_finished_run_whose_records_have_no_ids_is_recorded_once_by_position(tmp_path):
    """An older results file's records carry no id: each is known by its place in the file."""
    from sailbench.harness.config import HistoryConfig
    from sailbench.harness.record.history_sink import store_finished_run
    bare = [{k: v for k, v in ddr_figure(rate, "x").items() if k != "id"} for rate in (500e6, 501e6)]
    data = {"run_id": "p1", "started": "t0", "finished": "t1", "status": "passed",
            "provenance": {"board": "sim", "gateware_hash": "aaa", "host": "pc1"}, "records": bare}
    with History(tmp_path / "h.sqlite") as h:
        for _ in range(2):
            store_finished_run(h, HistoryConfig(), data, "p1.json", kind="nightly-pair")
        assert [r["record_key"] for r in h.record_rows("p1")] == ["#1", "#2"]
