"""Board locks between real runs, and bring-up stages, on the simulated board with a temporary lab.yaml."""
from __future__ import annotations

import os
import time

import pytest

from sailbench.harness.record.history import History
from sailbench.harness.board.locks import BoardLock, checkout_scope, lock_path, read_holder
from helpers import SMALL, load_json, sailbench, sailbench_popen, write_lab

SIM = """\
  sim:
    kind: sim
    tags: [sim]
"""
NO_DRAM = """\
  sim:
    kind: sim
    sim: {dram: false}
"""


def test_two_concurrent_runs_on_one_board_serialise(tmp_path):
    lab = write_lab(tmp_path, SIM)
    first = sailbench_popen(lab, "bench", "--board", "sim", "--no-history", *SMALL)
    lock_file = lock_path(tmp_path / "locks", "sim", checkout_scope(True))     # this checkout's simulated board
    for line in first.stdout:           # printed once the board is held and the results file opened: the event
        if ": results -> " in line:
            break
    assert read_holder(lock_file).get("pid") == first.pid, first.communicate()     # the first run holds the board
    second = sailbench_popen(lab, "bench", "--board", "sim", "--no-history", *SMALL)
    out1, err1 = first.communicate(timeout=600)
    out2, err2 = second.communicate(timeout=600)
    assert first.returncode == 1 and second.returncode == 1, err1 + err2   # both measured (verdicts: exit 1)
    assert f"board 'sim' is held by pid {first.pid}" in out2 and "waiting" in out2
    runs = sorted((load_json(p) for p in (tmp_path / "results").glob("*-sim-*.json")), key=lambda d: d["started"])
    assert len(runs) == 2 and all(r["status"] == "failed" for r in runs)
    assert runs[0]["finished"] <= runs[1]["started"], "the second run measured while the first held the board"


def test_a_held_board_fails_after_the_wait_naming_the_holder(tmp_path):
    lab = write_lab(tmp_path, SIM)
    with BoardLock(tmp_path / "locks", "sim", command="pytest holding sim", scope=checkout_scope(True)):
        t0 = time.monotonic()
        r = sailbench(lab, "bench", "--board", "sim", "--lock-wait", "0.5", *SMALL, timeout=60)
        assert time.monotonic() - t0 < 30
    assert r.returncode == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    assert f"board 'sim': held by pid {os.getpid()}" in lines[0] and "(pytest holding sim)" in lines[0]
    assert "--lock-wait" in lines[0]
    assert not list((tmp_path / "results").glob("*.json")), "nothing is measured without the lock"


def test_bringup_passes_on_the_simulated_board_and_clears_its_quarantine(tmp_path):
    lab = write_lab(tmp_path, SIM)
    with History(tmp_path / "results" / "history.sqlite") as h:
        h.quarantine("sim", "silent on three nights", 3)
    r = sailbench(lab, "bringup", "--board", "sim")
    assert r.returncode == 0, r.stdout + r.stderr
    out = r.stdout
    order = [out.index(f"] {stage} ...") for stage in ("tool present", "cable detects", "load", "identifier",
                                                        "scratch", "DRAM BIST small", "Ethernet link", "SerDes lock")]
    assert order == sorted(order)
    assert out.count("not applicable: the simulated board") == 4      # cable and load: progress line and summary
    assert "not applicable (simulated)" not in out
    assert "64 KiB write" in out and "0 errors" in out
    assert "Etherbone at udp://" in out
    assert "bring-up passed" in out and "the quarantine is cleared" in out
    with History(tmp_path / "results" / "history.sqlite") as h:
        assert h.quarantined("sim") is None
        assert h.health("sim")[0]["source"] == "bringup" and h.health("sim")[0]["passed"] == 1


@pytest.mark.timeout(1800)       # the first run builds the no-DRAM simulation (about a minute, more when busy)
def test_bringup_stops_at_dram_when_the_sim_has_no_dram(tmp_path):
    lab = write_lab(tmp_path, NO_DRAM)
    r = sailbench(lab, "bringup", "--board", "sim", timeout=900)   # first run builds the no-DRAM sim (~45 s)
    assert r.returncode == 1, r.stdout + r.stderr
    out = r.stdout
    assert "identifier" in out and "scratch" in out
    assert "stopped at 'DRAM leveling'" in out and "has no DRAM controller" in out   # the first DRAM stage
    assert "check next: set boards.sim.sim.dram: true in lab.yaml" in out
    summary = out[out.index("bring-up of board"):]
    for stage in ("Ethernet link", "SerDes lock"):
        line = next(ln for ln in summary.splitlines() if ln.strip().startswith(stage))
        assert "not run" in line
    for stage in ("identifier", "scratch"):
        line = next(ln for ln in summary.splitlines() if ln.strip().startswith(stage))
        assert "passed" in line


def test_bringup_of_a_real_board_without_its_cable_stops_at_cable_detects(tmp_path):
    """openFPGALoader is driven for real (harness/board/loader.py); no board is attached to this machine."""
    lab = write_lab(tmp_path, """\
  versa:
    kind: hardware
    profile: versa-ecp5
    serial: /dev/ttyUSB1
    cable: ft2232
""")
    r = sailbench(lab, "bringup", "--board", "versa", timeout=120)
    assert r.returncode == 1, r.stdout + r.stderr
    assert "tool present     passed" in r.stdout
    assert "stopped at 'cable detects'" in r.stdout and "cable 'ft2232'" in r.stdout
    assert "check next: check the USB cable and power, and boards.versa.cable in lab.yaml" in r.stdout
    assert "load             not run" in r.stdout
