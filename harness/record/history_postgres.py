"""The history's PostgreSQL backend: one database for the whole lab (lab.yaml `history.url`).

psycopg 3, imported only when a URL is configured, so a bench PC on the SQLite default needs
neither the driver nor a server. The password never comes from lab.yaml: libpq reads it from
PGPASSWORD, ~/.pgpass or a service file (PGSERVICE / `?service=`).

The queries in history.py are written once with `?` placeholders and `IS ?` (SQLite's spelling);
`translate` turns them into `%s` and `IS NOT DISTINCT FROM %s`. The schema version lives in the
one-row table `sailbench_schema`; migrations run in one transaction under an advisory lock, so two
hosts opening a fresh database at once migrate it once. Reading the version needs no write
privilege, so a reader role opens an up-to-date database as well as a writer does.
"""
from __future__ import annotations

import re
from contextlib import contextmanager
from typing import Any, Iterator

from sailbench.harness.errors import HistoryError
from sailbench.harness.record.history_schema import SCHEMA_VERSION, newer_schema

CONNECT_TIMEOUT_S = 10
LOCK_TIMEOUT_MS = 30_000          # a writer waits this long for a row another writer holds
_MIGRATION_LOCK = 0x5a11_be7c      # pg_advisory_xact_lock key: one migrating process at a time
# A server or network that goes silent mid-query is noticed within about a minute (TCP keepalives and
# an unacknowledged-data timeout), instead of a nightly waiting forever.
NEVER_HANG = {"keepalives": 1, "keepalives_idle": 30, "keepalives_interval": 10, "keepalives_count": 3,
              "tcp_user_timeout": 60_000}

# Index i holds the statements that take the schema from version i to i + 1 (as history_sqlite.MIGRATIONS).
MIGRATIONS: list[list[str]] = [
    [
        """CREATE TABLE runs (
            run_id TEXT PRIMARY KEY, board TEXT NOT NULL, kind TEXT NOT NULL, night_id TEXT,
            profile TEXT, build_hash TEXT, started TEXT, finished TEXT, status TEXT,
            git TEXT, host TEXT, results_path TEXT, updated DOUBLE PRECISION NOT NULL)""",
        """CREATE TABLE records (
            id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, run_id TEXT NOT NULL REFERENCES runs(run_id),
            board TEXT NOT NULL, probe TEXT, direction TEXT, pattern TEXT, size_bytes BIGINT,
            build_hash TEXT, time DOUBLE PRECISION NOT NULL, time_iso TEXT NOT NULL, figure INTEGER NOT NULL,
            rate_bytes_per_s DOUBLE PRECISION, data TEXT NOT NULL)""",
        "CREATE INDEX records_by_key ON records (board, probe, direction, pattern, size_bytes, build_hash, time)",
        "CREATE INDEX records_by_run ON records (run_id)",
        """CREATE TABLE health (
            id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, board TEXT NOT NULL,
            time DOUBLE PRECISION NOT NULL, time_iso TEXT NOT NULL, source TEXT NOT NULL,
            passed INTEGER NOT NULL, stage TEXT, category TEXT, message TEXT, run_id TEXT)""",
        "CREATE INDEX health_by_board ON health (board, id)",
        """CREATE TABLE quarantine (
            board TEXT PRIMARY KEY, since TEXT NOT NULL, reason TEXT NOT NULL, failures INTEGER NOT NULL)""",
    ],
    [
        "ALTER TABLE records ADD COLUMN simulated INTEGER",
        """UPDATE records SET simulated = CASE (data::jsonb ->> 'simulated') WHEN 'true' THEN 1 WHEN 'false' THEN 0
                                          ELSE NULL END""",
        "DROP INDEX records_by_key",
        """CREATE INDEX records_by_key ON records (board, probe, direction, pattern, size_bytes, simulated,
                                                   build_hash, time)""",
    ],
    [
        "ALTER TABLE runs ADD COLUMN complete INTEGER NOT NULL DEFAULT 0",
        "UPDATE runs SET complete = 1 WHERE status IS DISTINCT FROM 'running' AND finished IS NOT NULL",
        "ALTER TABLE records ADD COLUMN record_key TEXT",
        """UPDATE records SET record_key = CASE
             WHEN (data::jsonb ->> 'id') IS NOT NULL AND (SELECT COUNT(*) FROM records o
                  WHERE o.run_id = records.run_id AND (o.data::jsonb ->> 'id') = (records.data::jsonb ->> 'id')) = 1
             THEN data::jsonb ->> 'id' ELSE '#' || id END""",
        "CREATE UNIQUE INDEX records_by_figure ON records (run_id, record_key)",
        "ALTER TABLE health ADD COLUMN host TEXT",
    ],
]
assert len(MIGRATIONS) == SCHEMA_VERSION

HINT = ("check history.url in lab.yaml, that the server answers, and the role's password "
        "(PGPASSWORD, ~/.pgpass or a libpq service file)")

_IS_NOT = re.compile(r"\bIS NOT \?")
_IS = re.compile(r"\bIS \?")


def translate(sql: str) -> str:
    """SQLite's placeholder spelling to psycopg's (no query here has a literal `%` or `?`)."""
    sql = _IS_NOT.sub("IS DISTINCT FROM ?", sql)
    sql = _IS.sub("IS NOT DISTINCT FROM ?", sql)
    return sql.replace("?", "%s")


class PostgresBackend:
    dialect = "postgresql"

    def __init__(self, url: str, shown: str):
        """`url` as lab.yaml gives it (never with a password); `shown` is how errors name it."""
        try:
            import psycopg
            from psycopg.rows import dict_row
        except ImportError as e:
            raise HistoryError(f"history.url {shown}: the PostgreSQL driver is missing ({e}); "
                               "install sailbench with its dependencies (scripts/setup.sh)") from None
        self.errors: tuple[type[BaseException], ...] = (psycopg.Error,)
        self.where = f"history database {shown}"
        self.hint = HINT
        self.db = psycopg.connect(url, autocommit=True, row_factory=dict_row, connect_timeout=CONNECT_TIMEOUT_S,
                                  application_name="sailbench", **NEVER_HANG)
        self.db.execute(f"SET lock_timeout = {LOCK_TIMEOUT_MS}")

    def query(self, sql: str, args: tuple = ()) -> list[dict[str, Any]]:
        return self.db.execute(translate(sql), args).fetchall()

    def execute(self, sql: str, args: tuple = ()) -> int:
        return self.db.execute(translate(sql), args).rowcount

    @contextmanager
    def transaction(self) -> Iterator[None]:
        with self.db.transaction():
            yield

    def schema_version(self) -> int:
        rows = self.db.execute("SELECT to_regclass('sailbench_schema') IS NOT NULL AS present").fetchall()
        if not rows[0]["present"]:
            return 0
        rows = self.db.execute("SELECT version FROM sailbench_schema").fetchall()
        return int(rows[0]["version"]) if rows else 0

    def migrate(self) -> None:
        version = self.schema_version()
        if version > SCHEMA_VERSION:
            raise newer_schema(self.where, version, "history.url")
        if version == SCHEMA_VERSION:
            return
        with self.db.transaction():
            self.db.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATION_LOCK,))
            self.db.execute("CREATE TABLE IF NOT EXISTS sailbench_schema (version INTEGER NOT NULL)")
            version = self.schema_version()     # another host may have migrated while we waited
            if version > SCHEMA_VERSION:
                raise newer_schema(self.where, version, "history.url")
            for step in range(version, SCHEMA_VERSION):
                for sql in MIGRATIONS[step]:
                    self.db.execute(sql)
            self.db.execute("DELETE FROM sailbench_schema")
            self.db.execute("INSERT INTO sailbench_schema (version) VALUES (%s)", (SCHEMA_VERSION,))

    def close(self) -> None:
        self.db.close()
