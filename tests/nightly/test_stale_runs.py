"""A `sailbench bench` killed with SIGKILL leaves "running" in its results file; the next bench on the
simulated board (same results directory) makes it read "interrupted (process gone)", in the file and in
the history. Costs two short benches on the simulated board (its build is the session's, cached)."""
from __future__ import annotations

import signal
from pathlib import Path

from sailbench.harness.record.history import History
from sailbench.harness.record.results import status_text
from helpers import SMALL, load_json, sailbench, sailbench_popen, write_lab

SIM = """\
  sim:
    kind: sim
"""


def _running_file(proc) -> Path:
    """The killed-to-be run's results file, once it has a record (the board is open): the bench prints the
    file's path when it opens it and its clock line right after the first record (events, no polling)."""
    path = None
    for line in proc.stdout:
        if ": results -> " in line:
            path = Path(line.split(": results -> ", 1)[1].strip())
        if line.startswith("sys clock"):
            break
    assert path is not None and proc.poll() is None, proc.communicate()
    return path


def test_a_sigkilled_bench_reads_interrupted_after_the_next_bench(tmp_path):
    lab = write_lab(tmp_path, SIM)
    first = sailbench_popen(lab, "bench", "--board", "sim", *SMALL)
    killed = _running_file(first)
    first.send_signal(signal.SIGKILL)
    first.communicate(timeout=60)
    assert load_json(killed)["status"] == "running"           # it could not record how it ended
    second = sailbench(lab, "bench", "--board", "sim", *SMALL)
    assert second.returncode == 1, second.stdout + second.stderr      # measured; LOCAL_DDR does not hold
    assert f"earlier run {killed.stem}: interrupted (process gone)" in second.stdout
    data = load_json(killed)
    assert status_text(data) == "interrupted (process gone)", data["status"]
    assert f"pid {first.pid}" in data["errors"][-1]["message"] and data["records"]
    with History(tmp_path / "results" / "history.sqlite") as h:
        assert h.run(data["run_id"])["status"] == "interrupted"
