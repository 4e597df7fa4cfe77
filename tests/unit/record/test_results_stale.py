"""No stale "running": a results file whose process is gone reads "interrupted (process gone)".

The writer is a real child process killed with SIGKILL (it cannot record how it ended); a live
writer, a writer on another host and a reused pid are told apart by pid, host and start time.
"""
import json
import os
import signal
import socket
import subprocess
import sys

from sailbench.harness.record.liveness import process_gone, start_ticks, this_process
from sailbench.harness.record.results import ResultsFile, mark_stale_runs, settled, status_text
from sailbench.harness.report.model import load_results

WRITER = """
import sys, time
from sailbench.harness.record.results import ResultsFile
r = ResultsFile("killed-run", sys.argv[1], {"board": "sim"})
r.add_record({"probe": "ddr", "rate_bytes_per_s": 1.0})
print(r.path, flush=True)
time.sleep(600)
"""


class Sink:
    def __init__(self):
        self.statuses = []

    def run_updated(self, results):
        self.statuses.append((results.run_id, results.status))

    def record_added(self, results, record):
        pass


def killed_run(directory):
    child = subprocess.Popen([sys.executable, "-c", WRITER, str(directory)], stdout=subprocess.PIPE, text=True)
    path = child.stdout.readline().strip()
    assert json.loads(open(path).read())["process"]["pid"] == child.pid
    child.send_signal(signal.SIGKILL)
    child.wait()
    return path


def test_a_killed_runs_file_reads_interrupted_and_the_next_run_writes_it(tmp_path):
    path = killed_run(tmp_path)
    data = json.loads(open(path).read())
    assert data["status"] == "running"                                   # what the killed run left
    seen = load_results(path)                                             # any reader on this host
    assert status_text(seen) == "interrupted (process gone)"
    assert "process gone" in seen["errors"][-1]["message"] and "SIGKILL" in seen["errors"][-1]["message"]
    sink = Sink()
    with ResultsFile("next-run", tmp_path, {"board": "sim"}, sinks=[sink]) as following:
        assert following.marked_stale == [tmp_path / "killed-run.json"]
    after = json.loads(open(path).read())
    assert after["status"] == "interrupted" and after["status_detail"] == "process gone" and after["finished"]
    assert after["records"] == data["records"]                            # what was measured is kept
    assert ("killed-run", "interrupted") in sink.statuses                 # the history hears it too
    assert mark_stale_runs(tmp_path) == []                                # once


def test_a_live_run_and_another_hosts_run_stay_running(tmp_path):
    with ResultsFile("live", tmp_path, {"board": "sim"}) as live:
        other = dict(live.data, run_id="elsewhere", process={**this_process(), "host": "another-host", "pid": 1})
        (tmp_path / "elsewhere.json").write_text(json.dumps(other))
        assert mark_stale_runs(tmp_path) == []
        assert settled(live.data) is live.data and status_text(live.data) == "running"


def test_a_reused_pid_or_a_reboot_is_a_gone_process():
    me = this_process()
    assert process_gone(me) is False
    assert process_gone({**me, "start_ticks": me["start_ticks"] + 1}) is True          # same pid, another process
    assert process_gone({**me, "boot_id": "another-boot"}) is True
    assert process_gone({**me, "host": socket.gethostname() + "-x"}) is None         # cannot tell from here
    assert process_gone({"host": me["host"]}) is None
    assert start_ticks(os.getpid()) == me["start_ticks"]
