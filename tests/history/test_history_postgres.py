"""The lab-wide history against a real PostgreSQL server (tests/history/pg_server.py): many writers at
once, a writer killed mid-run, importing a bench PC's SQLite history twice, a schema newer than the code.

Every writer and reader is its own Python process, as the nightlies of several hosts are. The password
reaches them through PGPASSWORD; the URLs carry none. Cost: the server starts once (about 2 s), each
test takes about a second or two.
"""
import json
import os
import signal
import subprocess
import sys
import time

import pytest

from sailbench.harness.errors import HistoryError
from sailbench.harness.judge.regression import FigureKey
from sailbench.harness.record.history import SCHEMA_VERSION, History

from history_cli import REPO, lab_file, sailbench
from unit.fakes.history_runs import bench_pc_history
KEY = FigureKey("sim", "ddr", "write", "sequential", 65536)
RUNS, RECORDS = 8, 5

COMMON = """
import json, sys
from sailbench.harness.record.history import History
def fig(rate, rid):
    return {"board": "sim", "probe": "ddr", "direction": "write", "pattern": "sequential", "summary": True,
            "bytes": 65536, "rate_bytes_per_s": rate, "id": rid}
"""

# A writer: RUNS runs, each written as the sink does (run row, records as measured, then the end that
# makes it complete); every record is written twice, as a retry after a lost answer would.
WRITER = COMMON + """
url, host, runs, records = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
with History(url=url) as h:
    for i in range(runs):
        run = f"{host}-run{i}"
        h.upsert_run(run, "sim", build_hash="aaa", host=host, started=f"2026-12-06T0{i}", status="running")
        for j in range(records):
            for _ in range(2):
                h.add_record(run, "sim", "aaa", fig(500e6 + j, f"r{j + 1}"))
        h.upsert_run(run, "sim", build_hash="aaa", host=host, started=f"2026-12-06T0{i}", status="passed",
                     finished=f"2026-12-06T0{i}")
"""

# A reader at the same time: until every writer's runs are complete (bounded in count), each look at the
# lab's history must show only whole runs: every complete run has all its records, none twice. It says
# "reading" after its first look (an empty history); the writers start only then, so its looks span
# the writers' whole run.
READER = COMMON + """
from sailbench.harness.judge.regression import FigureKey
KEY = FigureKey("sim", "ddr", "write", "sequential", 65536)
url, expected, records = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
looks, partial_seen, bad = 0, 0, []
with History(url=url) as h:
    first = len(h.runs(complete_only=False))
    print("reading", first, flush=True)
    for looks in range(1, 20001):
        base = {run for run, _ in h.baseline(KEY, "aaa", "none", 1000)}
        runs = h.runs()          # read after the baseline: a run only ever becomes complete, never the reverse
        if not base <= {r["run_id"] for r in runs}:
            bad.append(("baseline counts an incomplete run", sorted(base)))
        for run in runs:
            keys = [r["id"] for r in h.records(run["run_id"])]
            if sorted(keys) != sorted(f"r{j + 1}" for j in range(records)):
                bad.append((run["run_id"], keys))
        if 0 < len(runs) < expected:
            partial_seen += 1
        if bad or len(runs) == expected:
            break
print(json.dumps({"looks": looks, "complete": len(runs), "partial_seen": partial_seen, "bad": bad[:5]}))
"""

# A writer that stops mid-run: some records committed, more inside an open transaction, then it waits
# for a line on stdin that never comes; the test kills it with SIGKILL.
STALLING = COMMON + """
url = sys.argv[1]
with History(url=url) as h:
    h.upsert_run("killed-run", "sim", build_hash="aaa", host="pc-killed", status="running")
    h.add_record("killed-run", "sim", "aaa", fig(100e6, "r1"))
    with h.transaction("write more"):
        h.add_record("killed-run", "sim", "aaa", fig(100e6, "r2"))
        print("ready", flush=True)
        sys.stdin.readline()
"""

# Two hosts that drew one run id (improbable: time, board and random digits) start their runs at the same
# moment: the first holds its new run uncommitted until the test says go; the second writes meanwhile.
HOLDING = COMMON + """
url = sys.argv[1]
with History(url=url) as h:
    with h.transaction("start a run"):
        h.upsert_run("one-id", "sim", build_hash="aaa", host="pc-a", status="running")
        print("ready", flush=True)
        sys.stdin.readline()
"""
SECOND = COMMON + """
from sailbench.harness.errors import HistoryError
with History(url=sys.argv[1]) as h:
    try:
        h.upsert_run("one-id", "sim", build_hash="bbb", host="pc-b", status="passed", finished="t1")
        print("accepted")
    except HistoryError as e:
        print(e)
"""


def run_script(script: str, *args: str, **kw) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", script, *map(str, args)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=REPO, **kw)


def finish(proc: subprocess.Popen, timeout: float = 60) -> str:
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        pytest.fail(f"a history process did not finish in {timeout} s: {err[-2000:]}")
    assert proc.returncode == 0, err[-2000:]
    return out


def test_three_writers_and_a_reader_at_once(pg_url):
    History(url=pg_url).close()          # the schema exists before they start (they would race to migrate)
    reader = run_script(READER, pg_url, 3 * RUNS, RECORDS)
    assert reader.stdout.readline().split() == ["reading", "0"], reader.stderr.read()   # before any writer
    writers = [run_script(WRITER, pg_url, f"pc{w}", RUNS, RECORDS) for w in range(3)]
    for w in writers:
        finish(w)
    seen = json.loads(finish(reader))
    # it read from before the first writer started until every run was complete: all of it while they wrote
    assert seen["bad"] == [] and seen["complete"] == 3 * RUNS, seen
    with History(url=pg_url) as h:
        assert len(h.runs()) == 3 * RUNS
        assert h.db.execute("SELECT COUNT(*) AS n FROM records").fetchone()["n"] == 3 * RUNS * RECORDS
        assert {r["host"] for r in h.runs()} == {"pc0", "pc1", "pc2"}
        assert len(h.baseline(KEY, "aaa", "none", 1000)) == 3 * RUNS


def test_writers_racing_on_a_fresh_database_migrate_it_once(pg_url):
    writers = [run_script(WRITER, pg_url, f"pc{w}", 1, 1) for w in range(3)]
    for w in writers:
        finish(w)
    with History(url=pg_url) as h:
        assert h.schema_version == SCHEMA_VERSION and len(h.runs()) == 3


def test_a_writer_killed_mid_run_is_not_counted(pg_url):
    History(url=pg_url).close()
    stalling = run_script(STALLING, pg_url, stdin=subprocess.PIPE)
    assert stalling.stdout.readline().strip() == "ready", stalling.stderr.read()
    stalling.send_signal(signal.SIGKILL)
    stalling.wait(30)
    finish(run_script(WRITER, pg_url, "pc-next", 1, 2))        # the next writer is not held up
    with History(url=pg_url) as h:
        assert [r["run_id"] for r in h.runs()] == ["pc-next-run0"]
        killed = h.run("killed-run")
        assert killed["complete"] == 0 and killed["host"] == "pc-killed"
        assert [r["id"] for r in h.records("killed-run")] == ["r1"], "the open transaction left nothing"
        assert [run for run, _ in h.baseline(KEY, "aaa", "none", 10)] == ["pc-next-run0"]
        assert {p["run_id"] for p in h.trend("sim")} == {"pc-next-run0"}


def test_import_twice_adds_nothing_the_second_time(pg_url, tmp_path):
    source = tmp_path / "bench-pc.sqlite"
    bench_pc_history(source)
    lab = lab_file(tmp_path, pg_url)
    first = sailbench(lab, "history", "import", str(source))
    assert first.returncode == 0, first.stderr
    assert "3 runs read, 12 new records, 1 new health check" in first.stdout
    second = sailbench(lab, "history", "import", str(source))
    assert second.returncode == 0, second.stderr
    assert "0 new records, 0 new health checks (everything was there already)" in second.stdout
    with History(url=pg_url) as h:
        assert h.db.execute("SELECT COUNT(*) AS n FROM records").fetchone()["n"] == 12
        assert [r["run_id"] for r in h.runs()] == ["20261200-sim-old0", "20261201-sim-old1"]
        assert len(h.health("sim")) == 1 and h.health("sim")[0]["message"] == "ok"
    info = sailbench(lab, "history", "info")
    assert "(postgresql, schema 3): 2 complete runs and 1 incomplete from host bench-pc" in info.stdout


def test_a_newer_schema_is_refused_in_one_line(pg_url, pg_server, tmp_path):
    History(url=pg_url).close()
    pg_server.sql("UPDATE sailbench_schema SET version = 99", database=pg_url.rsplit("/", 1)[1])
    with pytest.raises(HistoryError, match=rf"has schema 99, newer than this sailbench's {SCHEMA_VERSION}; "
                                           r"update sailbench or point history.url elsewhere"):
        History(url=pg_url)
    done = sailbench(lab_file(tmp_path, pg_url), "history", "info")
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and "schema 99" in done.stderr and "127.0.0.1" in done.stderr


def test_a_wrong_password_is_one_line_naming_where_to_look(pg_url, tmp_path):
    done = sailbench(lab_file(tmp_path, pg_url), "history", "info", env={**os.environ, "PGPASSWORD": "wrong"})
    assert done.returncode == 2 and done.stderr.count("\n") == 1
    assert "password authentication failed" in done.stderr and "PGPASSWORD" in done.stderr


def waiting_on_a_lock(pg_server, database: str, within_s: float = 30.0) -> None:
    """Until a session of `database` waits for a row lock (bounded); the server's own view, not a sleep."""
    deadline = time.monotonic() + within_s
    query = (f"SELECT COUNT(*) FROM pg_stat_activity WHERE datname = '{database}' AND wait_event_type = 'Lock'")
    while pg_server.sql(query)[0][0] == 0:
        if time.monotonic() > deadline:
            pytest.fail(f"no session of {database} waited for a lock within {within_s:.0f} s")
        time.sleep(0.05)


def test_one_run_id_from_two_hosts_at_once_is_refused_not_merged(pg_url, pg_server):
    History(url=pg_url).close()
    holder = run_script(HOLDING, pg_url, stdin=subprocess.PIPE)
    assert holder.stdout.readline().strip() == "ready", holder.stderr.read()
    second = run_script(SECOND, pg_url)
    waiting_on_a_lock(pg_server, pg_url.rsplit("/", 1)[1])      # pc-b's write waits for pc-a's run
    holder.stdin.write("\n")
    holder.stdin.flush()
    finish(holder)
    said = finish(second)
    assert "run id one-id is already recorded by host 'pc-a', not 'pc-b'; run ids must be unique" in said, said
    with History(url=pg_url) as h:
        run = h.run("one-id")
        assert (run["host"], run["build_hash"], run["status"], run["complete"]) == ("pc-a", "aaa", "running", 0)
