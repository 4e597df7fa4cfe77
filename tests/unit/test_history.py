"""The history database: schema, records as measured, baselines, health and quarantine, concurrent writers."""
import sqlite3
import subprocess
import sys

import pytest

from sailbench.harness.errors import HistoryError
from sailbench.harness.record.history import SCHEMA_VERSION, History
from sailbench.harness.judge.regression import FigureKey


def fig(rate, direction="write", size=65536, board="sim"):
    return {"board": board, "probe": "ddr", "direction": direction, "pattern": "sequential", "summary": True,
            "bytes": size, "rate_bytes_per_s": rate}


KEY = FigureKey("sim", "ddr", "write", "sequential", 65536)


@pytest.fixture
def history(tmp_path):
    with History(tmp_path / "h" / "history.sqlite") as h:
        yield h


def test_schema_is_versioned_and_wal(history, tmp_path):
    assert history.schema_version == SCHEMA_VERSION
    assert history.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    history.close()
    with History(history.path) as again:       # reopening does not migrate twice
        assert again.schema_version == SCHEMA_VERSION


def test_newer_schema_is_refused(tmp_path):
    path = tmp_path / "h.sqlite"
    db = sqlite3.connect(path)
    db.execute("PRAGMA user_version = 99")
    db.close()
    with pytest.raises(HistoryError, match=rf"schema 99, newer than this sailbench's {SCHEMA_VERSION}"):
        History(path)


def test_unwritable_path_is_a_history_error(tmp_path):
    (tmp_path / "file").write_text("")
    with pytest.raises(HistoryError, match="history.path"):
        History(tmp_path / "file" / "h.sqlite")


def test_records_and_runs(history):
    history.upsert_run("r1", "sim", build_hash="aaa", status="running", started="t0")
    history.add_record("r1", "sim", "aaa", {"board": "sim", "probe": "clock", "used_hz": 75e6})
    history.add_record("r1", "sim", "aaa", fig(500e6))
    history.upsert_run("r1", "sim", build_hash="aaa", status="failed", started="t0", finished="t1")
    assert history.run("r1")["status"] == "failed" and history.run("r1")["finished"] == "t1"
    assert [r["probe"] for r in history.records("r1")] == ["clock", "ddr"]
    trend = history.trend("sim")
    assert len(trend) == 1 and trend[0]["rate_bytes_per_s"] == 500e6 and trend[0]["build_hash"] == "aaa"


def test_baseline_is_the_last_n_runs_of_the_same_build(history):
    for i, (build, rate) in enumerate([("old", 900e6), ("aaa", 400e6), ("aaa", 500e6), ("aaa", 510e6),
                                       ("aaa", 520e6)]):
        history.upsert_run(f"r{i}", "sim", build_hash=build, complete=True)
        history.add_record(f"r{i}", "sim", build, fig(rate))
        history.add_record(f"r{i}", "sim", build, fig(1e6, direction="read"))    # another key: ignored
    base = history.baseline(KEY, "aaa", exclude_run="now", runs=3)
    assert base == [("r4", 520e6), ("r3", 510e6), ("r2", 500e6)]              # newest first, r1 beyond N
    assert history.baseline(KEY, "aaa", exclude_run="r4", runs=1) == [("r3", 510e6)]
    assert history.baseline(KEY, "new", exclude_run="now", runs=3) == []
    assert history.previous_build(KEY, "new", exclude_run="now") == "aaa"
    assert history.previous_build(FigureKey("sim", "ddr", "write", "sequential", 1 << 20), "new", "now") is None


def test_consecutive_failures_and_quarantine(history):
    history.add_health("hw", source="nightly", passed=False, message="silent")
    history.add_health("hw", source="bringup", passed=True)
    history.add_health("hw", source="nightly", passed=False, message="silent 1")
    history.add_health("hw", source="bringup", passed=False, message="still")     # bring-up fails don't count
    history.add_health("hw", source="nightly", passed=False, message="silent 2")
    assert [r["message"] for r in history.consecutive_failures("hw")] == ["silent 2", "silent 1"]
    assert history.quarantined("hw") is None
    history.quarantine("hw", "silent 2", 2)
    q = history.quarantined("hw")
    assert q["reason"] == "silent 2" and q["failures"] == 2 and q["since"]
    assert history.clear_quarantine("hw") is True and history.quarantined("hw") is None
    assert history.clear_quarantine("hw") is False
    history.add_health("hw", source="nightly", passed=True)
    assert history.consecutive_failures("hw") == []


# Each writer is its own Python process, as the nightly's boards and pairs are (not a fork of this
# one: once the session has labgrid's gRPC threads, a forked Python child can crash in its
# after-fork handlers).
WRITER = """
import sys
from sailbench.harness.record.history import History
path, worker, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
with History(path) as h:
    for i in range(count):
        run = f"w{worker}-{i}"
        h.upsert_run(run, "sim", build_hash="aaa")
        h.add_record(run, "sim", "aaa", {"board": "sim", "probe": "ddr", "direction": "write",
                     "pattern": "sequential", "summary": True, "bytes": 65536, "rate_bytes_per_s": 100e6 + i})
"""


def test_concurrent_writers_lose_nothing(tmp_path):
    path = tmp_path / "history.sqlite"
    History(path).close()
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(path), str(w), "60"]) for w in range(4)]
    codes = []
    for p in procs:
        try:
            codes.append(p.wait(60))
        except subprocess.TimeoutExpired:
            p.kill()
            codes.append(None)
    assert codes == [0, 0, 0, 0]
    with History(path) as h:
        assert h.db.execute("SELECT COUNT(*) FROM records").fetchone()[0] == 240
        assert h.db.execute("SELECT COUNT(*) FROM runs").fetchone()[0] == 240
