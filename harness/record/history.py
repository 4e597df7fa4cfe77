"""The history database: every run's records, board health and quarantine.

By default one SQLite file on this bench PC (lab.yaml `history.path`, default
`<results.dir>/history.sqlite`, harness/record/history_sqlite.py); with lab.yaml `history.url` one
PostgreSQL database the whole lab shares (history_postgres.py). Both hold the same schema,
versioned and migrated forward on open; a database from a newer sailbench is refused rather than
guessed at (history_schema.py).

Records are written as they are measured, keyed by run, board, probe, direction, pattern, size,
build hash and time, with the whole record kept as JSON beside the key. Many writers at once (the
nightlies of several hosts, people's benches) are safe:
- run ids carry time, board and random digits, and a run id another host already recorded is
  refused rather than merged;
- each record is stored once per (run, record id): a retried write changes nothing;
- a run counts for readers (baselines, trends, invariants, proposals) only once its writer marked it
  complete, in the write that stamps its end; a writer killed mid-run leaves an incomplete run that
  no reader counts.
"""
from __future__ import annotations

import json
import socket
import statistics
import time
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, Iterator

from sailbench.harness.config.history_url import shown_url
from sailbench.harness.errors import HistoryError
from sailbench.harness.judge.regression import FigureKey, figure_key, record_size
from sailbench.harness.record.history_schema import SCHEMA_VERSION

__all__ = ["History", "SCHEMA_VERSION", "open_history", "history_location"]

_RUN_COLUMNS = ("run_id", "board", "kind", "night_id", "profile", "build_hash", "started", "finished", "status",
                "git", "host", "results_path", "updated", "complete")
_RECORD_COLUMNS = ("run_id", "board", "probe", "direction", "pattern", "size_bytes", "build_hash", "time",
                   "time_iso", "figure", "rate_bytes_per_s", "data", "simulated", "record_key")

_HEALTH_COLUMNS = ("board", "time", "time_iso", "source", "passed", "stage", "category", "message", "run_id", "host")


def _flag(value: Any) -> int | None:
    return int(value) if isinstance(value, bool) else None


def _iso(t: float) -> str:
    return datetime.fromtimestamp(t).astimezone().isoformat(timespec="seconds")


def _insert(table: str, columns: tuple[str, ...], conflict: str) -> str:
    return (f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))}) "
            f"ON CONFLICT {conflict}")


INSERT_RECORD = _insert("records", _RECORD_COLUMNS, "(run_id, record_key) DO NOTHING")
INSERT_RUN = _insert("runs", _RUN_COLUMNS, "(run_id) DO NOTHING")


class History:
    """One connection to the history database. Use as a context manager or call close().

    `History(path)` opens (or creates) a SQLite file; `History(url=...)` a PostgreSQL database."""

    def __init__(self, path: Path | str | None = None, busy_timeout_s: float = 30.0, *, url: str | None = None):
        if (path is None) == (url is None):
            raise ValueError("History takes a path or a url")
        self.path = Path(path) if path is not None else None
        self.url = url
        where = f"history database {shown_url(url) if url else self.path}"
        from sailbench.harness.record import history_postgres, history_sqlite
        try:
            if url is not None:
                self.backend: Any = history_postgres.PostgresBackend(url, shown_url(url))
            else:
                self.backend = history_sqlite.SqliteBackend(self.path, busy_timeout_s)
        except HistoryError:
            raise
        except Exception as e:       # noqa: BLE001 - the driver's errors (OSError, sqlite3, psycopg), named
            hint = history_postgres.HINT if url else history_sqlite.HINT
            detail = (getattr(e, "strerror", None) or str(e)).strip().splitlines()
            raise HistoryError(f"{where}: cannot open: {detail[0] if detail else type(e).__name__}; {hint}") from e
        with self._guard("cannot open"):
            self.backend.migrate()

    @property
    def db(self) -> Any:
        """The driver's connection (sqlite3 or psycopg), for tests that look at the tables directly."""
        return self.backend.db

    @property
    def dialect(self) -> str:
        return self.backend.dialect

    # -- plumbing ------------------------------------------------------------------------------
    @contextmanager
    def _guard(self, what: str) -> Iterator[None]:
        try:
            yield
        except self.backend.errors as e:
            detail = str(e).strip().splitlines()
            raise HistoryError(f"{self.backend.where}: {what}: {detail[0] if detail else type(e).__name__}; "
                               f"{self.backend.hint}") from e

    def _write(self, what: str, statements: list[tuple[str, tuple]]) -> None:
        """Run statements in one write transaction."""
        with self._guard(f"cannot {what}"), self.backend.transaction():
            for sql, args in statements:
                self.backend.execute(sql, args)

    @contextmanager
    def transaction(self, what: str) -> Iterator["History"]:
        """Several writes as one: all of them or none (e.g. a finished run and all its records)."""
        with self._guard(f"cannot {what}"), self.backend.transaction():
            yield self

    def _query(self, sql: str, args: tuple = ()) -> list[dict[str, Any]]:
        with self._guard("cannot read"):
            return self.backend.query(sql, args)

    @property
    def schema_version(self) -> int:
        with self._guard("cannot read"):
            return self.backend.schema_version()

    def close(self) -> None:
        self.backend.close()

    def __enter__(self) -> "History":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # -- runs and records ------------------------------------------------------------------------
    def upsert_run(self, run_id: str, board: str, *, kind: str = "bench", night_id: str | None = None,
                   profile: str | None = None, build_hash: str | None = None, started: str | None = None,
                   finished: str | None = None, status: str | None = None, git: str | None = None,
                   host: str | None = None, results_path: str | None = None, complete: bool | None = None) -> None:
        """Create or update a run. It is complete (counted by readers) once it has a final status and an
        end (`complete` None), or when told; once complete it stays so. A run id another host recorded
        is refused."""
        if complete is None:
            complete = finished is not None and status not in (None, "running")
        with self.transaction("record the run"):
            # The host test is in the statement itself: a run id another host inserts at the same moment
            # is seen once its transaction commits (PostgreSQL waits for it) and is left as it is.
            changed = self.backend.execute(
                """INSERT INTO runs (run_id, board, kind, night_id, profile, build_hash, started, finished, status,
                                     git, host, results_path, updated, complete)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                   ON CONFLICT (run_id) DO UPDATE SET
                     build_hash = excluded.build_hash, finished = excluded.finished, status = excluded.status,
                     profile = excluded.profile, updated = excluded.updated,
                     complete = CASE WHEN runs.complete = 1 THEN 1 ELSE excluded.complete END
                   WHERE excluded.host IS NULL OR runs.host IS NULL OR runs.host = excluded.host""",
                (run_id, board, kind, night_id, profile, build_hash, started, finished, status, git, host,
                 results_path, time.time(), int(complete)))
            if not changed:
                self._refuse_run_id(run_id, host)

    def add_record(self, run_id: str, board: str, build_hash: str | None, record: dict[str, Any],
                   at: float | None = None, key: str | None = None) -> None:
        """Store one record as measured, once: `key` (default the record's id in its results file,
        "r3") is unique in the run, so writing it again changes nothing. `at` (epoch seconds) is for
        importing old runs."""
        t = time.time() if at is None else at
        rate = record.get("rate_bytes_per_s")
        fkey = figure_key(record, board)
        key = key or record.get("id")
        args = (run_id, record.get("board") or board, record.get("probe"), record.get("direction"),
                fkey.pattern if fkey else record.get("pattern"), record_size(record), build_hash, t, _iso(t),
                int(fkey is not None), rate if isinstance(rate, (int, float)) else None,
                json.dumps(record, allow_nan=False), _flag(record.get("simulated")))
        with self.transaction("record a measurement"):
            if key is None:      # a record without an id: the next number in its run
                rows = self.backend.query("SELECT COUNT(*) AS n FROM records WHERE run_id = ?", (run_id,))
                key = f"#{rows[0]['n'] + 1}"
            self.backend.execute(INSERT_RECORD, (*args, key))

    def insert_rows(self, run: dict[str, Any], records: list[dict[str, Any]]) -> int:
        """Copy one run and its records as stored in another history (`sailbench history import`), in
        one transaction; rows already there are kept. The number of records added."""
        added = 0
        with self.transaction("import a run"):
            self.backend.execute(INSERT_RUN, tuple(run.get(c) for c in _RUN_COLUMNS))
            rows = self.backend.query("SELECT host FROM runs WHERE run_id = ?", (run["run_id"],))
            if rows[0]["host"] != run.get("host"):      # read after the insert: a concurrent one is seen
                self._refuse_run_id(run["run_id"], run.get("host"))
            if run.get("complete"):
                self.backend.execute("UPDATE runs SET complete = 1 WHERE run_id = ? AND complete = 0",
                                     (run["run_id"],))
            for rec in records:
                added += self.backend.execute(INSERT_RECORD, tuple(rec.get(c) for c in _RECORD_COLUMNS))
        return added

    def _refuse_run_id(self, run_id: str, host: str | None) -> None:
        rows = self.backend.query("SELECT host FROM runs WHERE run_id = ?", (run_id,))
        raise HistoryError(f"{self.backend.where}: run id {run_id} is already recorded by host "
                           f"'{rows[0]['host'] if rows else '?'}', not '{host}'; run ids must be unique across the lab")

    def run(self, run_id: str) -> dict[str, Any] | None:
        rows = self._query("SELECT * FROM runs WHERE run_id = ?", (run_id,))
        return rows[0] if rows else None

    def runs(self, complete_only: bool = True) -> list[dict[str, Any]]:
        """Every (complete) run, oldest first."""
        where = "WHERE complete = 1" if complete_only else ""
        return self._query(f"SELECT * FROM runs {where} ORDER BY started, updated, run_id")

    def records(self, run_id: str) -> list[dict[str, Any]]:
        return [json.loads(r["data"]) for r in
                self._query("SELECT data FROM records WHERE run_id = ? ORDER BY id", (run_id,))]

    def record_rows(self, run_id: str) -> list[dict[str, Any]]:
        """The run's records as stored (every column but the row id), in the order written."""
        return self._query(f"SELECT {', '.join(_RECORD_COLUMNS)} FROM records WHERE run_id = ? ORDER BY id",
                           (run_id,))

    def _key_rows(self, key: FigureKey, exclude_run: str, build_clause: str, args: tuple) -> list[dict[str, Any]]:
        return self._query(
            f"""SELECT r.run_id, r.build_hash, r.rate_bytes_per_s FROM records r JOIN runs u ON u.run_id = r.run_id
                WHERE u.complete = 1 AND r.figure = 1 AND r.board = ? AND r.probe = ? AND r.direction IS ?
                  AND r.pattern IS ? AND r.size_bytes IS ? AND r.simulated IS ? AND r.run_id != ? {build_clause}
                ORDER BY r.time DESC, r.id DESC""",
            (key.board, key.probe, key.direction, key.pattern, key.size_bytes, _flag(key.simulated), exclude_run,
             *args))

    def baseline(self, key: FigureKey, build_hash: str | None, exclude_run: str,
                 runs: int) -> list[tuple[str, float]]:
        """(run id, figure) of the last `runs` complete runs that measured `key` on `build_hash`, newest
        first (a run with several figures for one key counts once, with their median)."""
        per_run: dict[str, list[float]] = {}
        for row in self._key_rows(key, exclude_run, "AND r.build_hash IS ?", (build_hash,)):
            if row["run_id"] not in per_run and len(per_run) == runs:
                break
            per_run.setdefault(row["run_id"], []).append(row["rate_bytes_per_s"])
        return [(run, statistics.median(rates)) for run, rates in per_run.items()]

    def previous_build(self, key: FigureKey, build_hash: str | None, exclude_run: str) -> str | None:
        """The most recent other build hash that measured `key` in a complete run, if any."""
        rows = self._key_rows(key, exclude_run, "AND r.build_hash IS NOT ?", (build_hash,))
        return rows[0]["build_hash"] if rows else None

    def trend(self, board: str, runs: int = 30, host: str | None = None) -> list[dict[str, Any]]:
        """Figures of the board's last `runs` complete runs (on `host`, or any), oldest first: the
        history plot's points."""
        on_host = "AND host = ?" if host is not None else ""
        return self._query(
            f"""SELECT r.run_id, r.time_iso, r.build_hash, r.probe, r.direction, r.pattern, r.size_bytes,
                       r.rate_bytes_per_s, r.simulated FROM records r
                WHERE r.figure = 1 AND r.board = ? AND r.run_id IN
                  (SELECT run_id FROM runs WHERE board = ? AND complete = 1 {on_host}
                   ORDER BY started DESC, updated DESC LIMIT ?)
                ORDER BY r.time, r.id""", (board, board, *((host,) if host is not None else ()), runs))

    def latest_nights(self) -> list[dict[str, Any]]:
        """Per host, its latest night: the nightly's id of its newest complete run or failed nightly
        health check (host, night_id, started), by host."""
        rows = self._query(
            """SELECT host, night_id, MAX(started) AS started FROM runs
               WHERE complete = 1 AND night_id IS NOT NULL GROUP BY host, night_id""")
        rows += self._query(
            """SELECT host, run_id AS night_id, MAX(time_iso) AS started FROM health
               WHERE source = 'nightly' AND passed = 0 AND run_id IS NOT NULL GROUP BY host, run_id""")
        latest: dict[Any, dict[str, Any]] = {}
        for row in sorted(rows, key=lambda r: (r["started"] or "", r["night_id"])):
            latest[row["host"]] = row
        return [latest[h] for h in sorted(latest, key=lambda h: h or "")]

    def night_runs(self, night_id: str) -> list[dict[str, Any]]:
        """Every run of one night, complete or not, in the order they started."""
        return self._query("SELECT * FROM runs WHERE night_id = ? ORDER BY started, updated, run_id", (night_id,))

    def night_health_failures(self, night_id: str) -> list[dict[str, Any]]:
        """The nightly health checks that failed in one night (their boards were not measured)."""
        return self._query("SELECT * FROM health WHERE run_id = ? AND source = 'nightly' AND passed = 0 ORDER BY id",
                           (night_id,))

    def quarantines(self) -> list[dict[str, Any]]:
        return self._query("SELECT * FROM quarantine ORDER BY board")

    def profile_rows(self, profile: str, simulated: bool, probe: str) -> list[dict[str, Any]]:
        """Records of `probe` from complete runs of `profile`, newest first (with their run's host)."""
        return self._query(
            """SELECT r.run_id, r.build_hash, r.time, r.time_iso, r.data, u.host FROM records r
               JOIN runs u ON u.run_id = r.run_id
               WHERE u.complete = 1 AND u.profile = ? AND r.probe = ? AND r.simulated IS ?
               ORDER BY r.time DESC, r.id DESC""", (profile, probe, int(simulated)))

    # -- health and quarantine -----------------------------------------------------------------
    def add_health(self, board: str, *, source: str, passed: bool, stage: str | None = None,
                   category: str | None = None, message: str = "", run_id: str | None = None,
                   host: str | None = None) -> None:
        """Record a health check made on `host` (default: this one)."""
        t = time.time()
        self._write("record a health check", [(
            """INSERT INTO health (board, time, time_iso, source, passed, stage, category, message, run_id, host)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            (board, t, _iso(t), source, int(passed), stage, category, message, run_id, host or socket.gethostname()))])

    def all_health(self) -> list[dict[str, Any]]:
        return self._query(f"SELECT {', '.join(_HEALTH_COLUMNS)} FROM health ORDER BY id")

    def insert_health(self, rows: list[dict[str, Any]]) -> int:
        """Copy health checks from another history, each once (known by board, time and source)."""
        added = 0
        with self.transaction("import health checks"):
            for row in rows:
                if not self.backend.query("SELECT 1 AS x FROM health WHERE board = ? AND time = ? AND source = ?",
                                          (row["board"], row["time"], row["source"])):
                    added += self.backend.execute(
                        f"INSERT INTO health ({', '.join(_HEALTH_COLUMNS)}) VALUES "
                        f"({', '.join('?' * len(_HEALTH_COLUMNS))})", tuple(row.get(c) for c in _HEALTH_COLUMNS))
        return added

    def health(self, board: str, limit: int = 20) -> list[dict[str, Any]]:
        """The board's latest health checks, newest first."""
        return self._query("SELECT * FROM health WHERE board = ? ORDER BY id DESC LIMIT ?", (board, limit))

    def consecutive_failures(self, board: str, source: str = "nightly") -> list[dict[str, Any]]:
        """The `source` health checks that failed since the board last passed one (any source), newest first."""
        failed: list[dict[str, Any]] = []
        for row in self._query("SELECT * FROM health WHERE board = ? ORDER BY id DESC", (board,)):
            if row["passed"]:
                break
            if row["source"] == source:
                failed.append(row)
        return failed

    def quarantine(self, board: str, reason: str, failures: int) -> None:
        self._write("quarantine a board", [(
            """INSERT INTO quarantine (board, since, reason, failures) VALUES (?, ?, ?, ?)
               ON CONFLICT (board) DO UPDATE SET reason = excluded.reason, failures = excluded.failures""",
            (board, _iso(time.time()), reason, failures))])

    def quarantined(self, board: str) -> dict[str, Any] | None:
        rows = self._query("SELECT * FROM quarantine WHERE board = ?", (board,))
        return rows[0] if rows else None

    def clear_quarantine(self, board: str) -> bool:
        """True if the board was quarantined."""
        was = self.quarantined(board) is not None
        self._write("clear a quarantine", [("DELETE FROM quarantine WHERE board = ?", (board,))])
        return was

    def boards(self) -> Iterator[str]:
        for row in self._query("SELECT DISTINCT board FROM runs ORDER BY board"):
            yield row["board"]


def open_history(lab: Any) -> History:
    """The lab's history: its PostgreSQL database if lab.yaml has history.url, else the SQLite file."""
    return History(url=lab.history.url) if lab.history.url else History(lab.history_path)


def history_location(lab: Any) -> str:
    """Where the lab's history is, for progress lines (a URL never shows a password: lab.yaml has none)."""
    return shown_url(lab.history.url) if lab.history.url else str(lab.history_path)
