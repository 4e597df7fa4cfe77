"""The history database: every run's records, board health and quarantine, in SQLite.

One file (lab.yaml `history.path`, default `<results.dir>/history.sqlite`)
shared by every run on this bench PC. Records are written as they are
measured, keyed by run, board, probe, direction, pattern, size, build hash
and time, with the whole record kept as JSON beside the key. The schema is
versioned with `PRAGMA user_version` and migrated forward on open; a file
from a newer sailbench is refused rather than guessed at.

Concurrent writers are safe: WAL journal (readers never block the writer),
a busy timeout (a writer waits for another instead of failing), and each
write is one short transaction. Keep the file on a local disk: WAL needs
shared memory, which network filesystems do not give.
"""
from __future__ import annotations

import json
import sqlite3
import statistics
import time
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, Iterator

from sailbench.harness.errors import HistoryError
from sailbench.harness.judge.regression import FigureKey, figure_key, record_size

SCHEMA_VERSION = 2

# Index i holds the statements that take the schema from version i to i + 1.
_MIGRATIONS: list[list[str]] = [
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
]
assert len(_MIGRATIONS) == SCHEMA_VERSION


def _flag(value: Any) -> int | None:
    return int(value) if isinstance(value, bool) else None


def _iso(t: float) -> str:
    return datetime.fromtimestamp(t).astimezone().isoformat(timespec="seconds")


class History:
    """One connection to the history database. Use as a context manager or call close()."""

    def __init__(self, path: Path | str, busy_timeout_s: float = 30.0):
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(self.path, timeout=busy_timeout_s, isolation_level=None)
        except (OSError, sqlite3.Error) as e:
            raise self._error("cannot open", e) from e
        self.db.row_factory = sqlite3.Row
        with self._guard("cannot open"):
            self.db.execute(f"PRAGMA busy_timeout = {int(busy_timeout_s * 1000)}")
            self.db.execute("PRAGMA journal_mode = WAL")
            self.db.execute("PRAGMA synchronous = NORMAL")
            self._migrate()

    # -- plumbing ------------------------------------------------------------------------------
    def _error(self, what: str, e: BaseException) -> HistoryError:
        detail = getattr(e, "strerror", None) or str(e)
        return HistoryError(f"history database {self.path}: {what}: {detail}; check history.path in "
                            "lab.yaml (a writable file on a local disk)")

    @contextmanager
    def _guard(self, what: str) -> Iterator[None]:
        try:
            yield
        except sqlite3.Error as e:
            raise self._error(what, e) from e

    def _write(self, what: str, statements: list[tuple[str, tuple]]) -> None:
        """Run statements in one write transaction (BEGIN IMMEDIATE: wait for other writers up front)."""
        with self._guard(f"cannot {what}"):
            self.db.execute("BEGIN IMMEDIATE")
            try:
                for sql, args in statements:
                    self.db.execute(sql, args)
                self.db.execute("COMMIT")
            except BaseException:
                self.db.execute("ROLLBACK")
                raise

    def _query(self, sql: str, args: tuple = ()) -> list[sqlite3.Row]:
        with self._guard("cannot read"):
            return self.db.execute(sql, args).fetchall()

    def _migrate(self) -> None:
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise HistoryError(f"history database {self.path} has schema {version}, newer than this "
                               f"sailbench's {SCHEMA_VERSION}; update sailbench or point history.path elsewhere")
        if version == SCHEMA_VERSION:
            return
        self.db.execute("BEGIN IMMEDIATE")
        try:
            version = self.db.execute("PRAGMA user_version").fetchone()[0]   # another process may have migrated
            for step in range(version, SCHEMA_VERSION):
                for sql in _MIGRATIONS[step]:
                    self.db.execute(sql)
            self.db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise

    @property
    def schema_version(self) -> int:
        return self._query("PRAGMA user_version")[0][0]

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> "History":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # -- runs and records ------------------------------------------------------------------------
    def upsert_run(self, run_id: str, board: str, *, kind: str = "bench", night_id: str | None = None,
                   profile: str | None = None, build_hash: str | None = None, started: str | None = None,
                   finished: str | None = None, status: str | None = None, git: str | None = None,
                   host: str | None = None, results_path: str | None = None) -> None:
        self._write("record the run", [(
            """INSERT INTO runs (run_id, board, kind, night_id, profile, build_hash, started, finished, status,
                                 git, host, results_path, updated)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT (run_id) DO UPDATE SET
                 build_hash = excluded.build_hash, finished = excluded.finished, status = excluded.status,
                 profile = excluded.profile, updated = excluded.updated""",
            (run_id, board, kind, night_id, profile, build_hash, started, finished, status, git, host,
             results_path, time.time()))])

    def add_record(self, run_id: str, board: str, build_hash: str | None, record: dict[str, Any],
                   at: float | None = None) -> None:
        """Store one record as measured. `at` (epoch seconds) is for importing old runs."""
        t = time.time() if at is None else at
        rate = record.get("rate_bytes_per_s")
        key = figure_key(record, board)
        self._write("record a measurement", [(
            """INSERT INTO records (run_id, board, probe, direction, pattern, size_bytes, build_hash, time,
                                    time_iso, figure, rate_bytes_per_s, data, simulated)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            (run_id, record.get("board") or board, record.get("probe"), record.get("direction"),
             key.pattern if key else record.get("pattern"), record_size(record), build_hash, t, _iso(t),
             int(key is not None), rate if isinstance(rate, (int, float)) else None,
             json.dumps(record, allow_nan=False), _flag(record.get("simulated"))))])

    def run(self, run_id: str) -> dict[str, Any] | None:
        rows = self._query("SELECT * FROM runs WHERE run_id = ?", (run_id,))
        return dict(rows[0]) if rows else None

    def records(self, run_id: str) -> list[dict[str, Any]]:
        return [json.loads(r["data"]) for r in
                self._query("SELECT data FROM records WHERE run_id = ? ORDER BY id", (run_id,))]

    def _key_rows(self, key: FigureKey, exclude_run: str, build_clause: str, args: tuple) -> list[sqlite3.Row]:
        return self._query(
            f"""SELECT run_id, build_hash, rate_bytes_per_s FROM records
                WHERE figure = 1 AND board = ? AND probe = ? AND direction IS ? AND pattern IS ?
                  AND size_bytes IS ? AND simulated IS ? AND run_id != ? {build_clause}
                ORDER BY time DESC, id DESC""",
            (key.board, key.probe, key.direction, key.pattern, key.size_bytes, _flag(key.simulated), exclude_run,
             *args))

    def baseline(self, key: FigureKey, build_hash: str | None, exclude_run: str,
                 runs: int) -> list[tuple[str, float]]:
        """(run id, figure) of the last `runs` runs that measured `key` on `build_hash`, newest first
        (a run with several figures for one key counts once, with their median)."""
        per_run: dict[str, list[float]] = {}
        for row in self._key_rows(key, exclude_run, "AND build_hash IS ?", (build_hash,)):
            if row["run_id"] not in per_run and len(per_run) == runs:
                break
            per_run.setdefault(row["run_id"], []).append(row["rate_bytes_per_s"])
        return [(run, statistics.median(rates)) for run, rates in per_run.items()]

    def previous_build(self, key: FigureKey, build_hash: str | None, exclude_run: str) -> str | None:
        """The most recent other build hash that measured `key`, if any."""
        rows = self._key_rows(key, exclude_run, "AND build_hash IS NOT ?", (build_hash,))
        return rows[0]["build_hash"] if rows else None

    def trend(self, board: str, runs: int = 30) -> list[dict[str, Any]]:
        """Figures of the board's last `runs` runs, oldest first: the history plot's points."""
        rows = self._query(
            """SELECT r.run_id, r.time_iso, r.build_hash, r.probe, r.direction, r.pattern, r.size_bytes,
                      r.rate_bytes_per_s, r.simulated FROM records r
               WHERE r.figure = 1 AND r.board = ? AND r.run_id IN
                 (SELECT run_id FROM runs WHERE board = ? ORDER BY started DESC, updated DESC LIMIT ?)
               ORDER BY r.time, r.id""", (board, board, runs))
        return [dict(r) for r in rows]

    # -- health and quarantine -----------------------------------------------------------------
    def add_health(self, board: str, *, source: str, passed: bool, stage: str | None = None,
                   category: str | None = None, message: str = "", run_id: str | None = None) -> None:
        t = time.time()
        self._write("record a health check", [(
            """INSERT INTO health (board, time, time_iso, source, passed, stage, category, message, run_id)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            (board, t, _iso(t), source, int(passed), stage, category, message, run_id))])

    def health(self, board: str, limit: int = 20) -> list[dict[str, Any]]:
        """The board's latest health checks, newest first."""
        return [dict(r) for r in self._query(
            "SELECT * FROM health WHERE board = ? ORDER BY id DESC LIMIT ?", (board, limit))]

    def consecutive_failures(self, board: str, source: str = "nightly") -> list[dict[str, Any]]:
        """The `source` health checks that failed since the board last passed one (any source), newest first."""
        failed: list[dict[str, Any]] = []
        for row in self._query("SELECT * FROM health WHERE board = ? ORDER BY id DESC", (board,)):
            if row["passed"]:
                break
            if row["source"] == source:
                failed.append(dict(row))
        return failed

    def quarantine(self, board: str, reason: str, failures: int) -> None:
        self._write("quarantine a board", [(
            """INSERT INTO quarantine (board, since, reason, failures) VALUES (?, ?, ?, ?)
               ON CONFLICT (board) DO UPDATE SET reason = excluded.reason, failures = excluded.failures""",
            (board, _iso(time.time()), reason, failures))])

    def quarantined(self, board: str) -> dict[str, Any] | None:
        rows = self._query("SELECT * FROM quarantine WHERE board = ?", (board,))
        return dict(rows[0]) if rows else None

    def clear_quarantine(self, board: str) -> bool:
        """True if the board was quarantined."""
        was = self.quarantined(board) is not None
        self._write("clear a quarantine", [("DELETE FROM quarantine WHERE board = ?", (board,))])
        return was

    def boards(self) -> Iterator[str]:
        for row in self._query("SELECT DISTINCT board FROM runs ORDER BY board"):
            yield row["board"]
