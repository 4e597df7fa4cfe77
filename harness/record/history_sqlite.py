"""The history's SQLite backend: one file on this bench PC, the default when lab.yaml has no history.url.

WAL journal (readers never block the writer), a busy timeout (a writer waits for another instead of
failing), each write one short `BEGIN IMMEDIATE` transaction. The schema version is
`PRAGMA user_version`. Keep the file on a local disk: WAL needs shared memory, which network
filesystems do not give.
"""
from __future__ import annotations

import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from sailbench.harness.record.history_schema import SCHEMA_VERSION, newer_schema

# Index i holds the statements that take the schema from version i to i + 1.
MIGRATIONS: list[list[str]] = [
    [
        """CREATE TABLE runs (
            run_id TEXT PRIMARY KEY, board TEXT NOT NULL, kind TEXT NOT NULL, night_id TEXT,
            profile TEXT, build_hash TEXT, started TEXT, finished TEXT, status TEXT,
            git TEXT, host TEXT, results_path TEXT, updated REAL NOT NULL)""",
        """CREATE TABLE records (
            id INTEGER PRIMARY KEY, run_id TEXT NOT NULL REFERENCES runs(run_id),
            board TEXT NOT NULL, probe TEXT, direction TEXT, pattern TEXT, size_bytes INTEGER,
            build_hash TEXT, time REAL NOT NULL, time_iso TEXT NOT NULL, figure INTEGER NOT NULL,
            rate_bytes_per_s REAL, data TEXT NOT NULL)""",
        "CREATE INDEX records_by_key ON records (board, probe, direction, pattern, size_bytes, build_hash, time)",
        "CREATE INDEX records_by_run ON records (run_id)",
        """CREATE TABLE health (
            id INTEGER PRIMARY KEY, board TEXT NOT NULL, time REAL NOT NULL, time_iso TEXT NOT NULL,
            source TEXT NOT NULL, passed INTEGER NOT NULL, stage TEXT, category TEXT, message TEXT,
            run_id TEXT)""",
        "CREATE INDEX health_by_board ON health (board, id)",
        """CREATE TABLE quarantine (
            board TEXT PRIMARY KEY, since TEXT NOT NULL, reason TEXT NOT NULL, failures INTEGER NOT NULL)""",
    ],
    [   # 2: simulated (1) and hardware (0) figures kept apart; NULL for records that did not say
        "ALTER TABLE records ADD COLUMN simulated INTEGER",
        """UPDATE records SET simulated = CASE json_extract(data, '$.simulated') WHEN 1 THEN 1 WHEN 0 THEN 0
                                          ELSE NULL END""",
        "DROP INDEX records_by_key",
        """CREATE INDEX records_by_key ON records (board, probe, direction, pattern, size_bytes, simulated,
                                                   build_hash, time)""",
    ],
    [   # 3: many writers: a run counts once complete; each record once per run; health says its host
        "ALTER TABLE runs ADD COLUMN complete INTEGER NOT NULL DEFAULT 0",
        "UPDATE runs SET complete = 1 WHERE status IS NOT 'running' AND finished IS NOT NULL",
        "ALTER TABLE records ADD COLUMN record_key TEXT",
        # the record's own id ("r3") where it is unique in its run, else the row's id: stable keys either way
        """UPDATE records SET record_key = CASE
             WHEN json_extract(data, '$.id') IS NOT NULL AND (SELECT COUNT(*) FROM records o
                  WHERE o.run_id = records.run_id AND json_extract(o.data, '$.id') = json_extract(records.data, '$.id')) = 1
             THEN json_extract(data, '$.id') ELSE '#' || id END""",
        "CREATE UNIQUE INDEX records_by_figure ON records (run_id, record_key)",
        "ALTER TABLE health ADD COLUMN host TEXT",
    ],
]
assert len(MIGRATIONS) == SCHEMA_VERSION

HINT = "check history.path in lab.yaml (a writable file on a local disk)"


class SqliteBackend:
    """One connection to a history file. SQL is written with `?` placeholders and `IS ?`."""

    dialect = "sqlite"
    errors: tuple[type[BaseException], ...] = (sqlite3.Error,)

    def __init__(self, path: Path | str, busy_timeout_s: float = 30.0):
        self.path = Path(path)
        self.where = f"history database {self.path}"
        self.hint = HINT
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(self.path, timeout=busy_timeout_s, isolation_level=None)
        self.db.row_factory = sqlite3.Row
        self._depth = 0
        self.db.execute(f"PRAGMA busy_timeout = {int(busy_timeout_s * 1000)}")
        self.db.execute("PRAGMA journal_mode = WAL")
        self.db.execute("PRAGMA synchronous = NORMAL")

    def query(self, sql: str, args: tuple = ()) -> list[dict[str, Any]]:
        return [dict(r) for r in self.db.execute(sql, args).fetchall()]

    def execute(self, sql: str, args: tuple = ()) -> int:
        """Run one statement; the number of rows it changed."""
        return self.db.execute(sql, args).rowcount

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One write transaction (BEGIN IMMEDIATE: wait for other writers up front); a transaction
        opened inside another is part of it."""
        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        self.db.execute("BEGIN IMMEDIATE")
        self._depth = 1
        try:
            yield
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        finally:
            self._depth = 0

    def schema_version(self) -> int:
        return self.db.execute("PRAGMA user_version").fetchone()[0]

    def migrate(self) -> None:
        version = self.schema_version()
        if version > SCHEMA_VERSION:
            raise newer_schema(self.where, version, "history.path")
        if version == SCHEMA_VERSION:
            return
        with self.transaction():
            version = self.schema_version()     # another process may have migrated meanwhile
            for step in range(version, SCHEMA_VERSION):
                for sql in MIGRATIONS[step]:
                    self.db.execute(sql)
            self.db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def close(self) -> None:
        self.db.close()
