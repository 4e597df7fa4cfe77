"""Board locks across processes: holder info, waiting, failing with the holder named, release on crash."""
import os
import signal
import subprocess
import sys
import time

import pytest

from sailbench.harness.errors import BoardBusyError
from sailbench.harness.board.locks import BoardLock, WaitNotice, checkout_scope, lock_path, read_holder
from sailbench.harness.board.place_lock import lock_for_board
from sailbench.harness.config import load_lab
from sailbench.harness.paths import REPO_ROOT

HOLD = """
import sys, time
from sailbench.harness.board.locks import BoardLock
lock = BoardLock(sys.argv[1], "sim", wait_s=5, command="holder-test").acquire()
print("held", flush=True)
time.sleep(float(sys.argv[2]))
"""


def hold_in_child(directory, seconds):
    p = subprocess.Popen([sys.executable, "-c", HOLD, str(directory), str(seconds)], stdout=subprocess.PIPE,
                         text=True, cwd=os.path.dirname(os.path.dirname(os.path.dirname(__file__))))
    assert p.stdout.readline().strip() == "held"
    return p


def test_holder_info_is_written_and_cleared(tmp_path):
    with BoardLock(tmp_path, "sim", command="sailbench nightly") as lock:
        holder = read_holder(lock.path)
        assert holder["pid"] == os.getpid() and holder["command"] == "sailbench nightly"
        assert holder["host"] and holder["since"] and holder["board"] == "sim"
    assert read_holder(lock_path(tmp_path, "sim")) == {}
    assert not lock.held


def test_second_run_fails_naming_the_holder(tmp_path):
    child = hold_in_child(tmp_path, 30)
    try:
        said = []
        t0 = time.monotonic()
        with pytest.raises(BoardBusyError) as e:
            BoardLock(tmp_path, "sim", wait_s=0.5, progress=said.append).acquire()
        assert 0.5 <= time.monotonic() - t0 < 30     # waited its wait_s (a floor load cannot break); never hangs
        msg = str(e.value)
        assert f"pid {child.pid}" in msg and "holder-test" in msg and "board 'sim'" in msg
        assert e.value.holder["pid"] == child.pid
        assert said and "waiting" in said[0]
        with BoardLock(tmp_path, "other", wait_s=0):      # another board is free
            pass
    finally:
        child.kill()
        child.wait()


def test_waits_for_the_holder_to_finish(tmp_path):
    child = hold_in_child(tmp_path, 1.0)
    with BoardLock(tmp_path, "sim", wait_s=30, progress=lambda m: None) as lock:
        assert lock.waited_s > 0.3
        assert read_holder(lock.path)["pid"] == os.getpid()
    child.wait()


def test_released_when_the_holder_is_killed(tmp_path):
    child = hold_in_child(tmp_path, 60)
    child.send_signal(signal.SIGKILL)
    child.wait()
    with BoardLock(tmp_path, "sim", wait_s=2) as lock:   # the kernel dropped the flock
        assert lock.waited_s < 1.5


def test_a_simulated_boards_lock_is_scoped_to_its_checkout_and_a_hardware_boards_is_not(tmp_path):
    """Two checkouts' simulated boards never wait for each other; one checkout's runs take turns."""
    lab_file = tmp_path / "lab.yaml"
    lab_file.write_text("default_board: sim\nboards:\n  sim: {kind: sim}\n"
                        "  versa: {kind: hardware, profile: versa-ecp5, serial: /dev/ttyUSB1, cable: ft2232}\n"
                        f"locks: {{dir: {tmp_path / 'locks'}, wait_s: 0}}\n")
    lab = load_lab(lab_file)
    assert lock_for_board(lab, "versa").path == tmp_path / "locks" / "versa.lock"
    here = lock_for_board(lab, "sim")
    assert here.path != tmp_path / "locks" / "sim.lock" and here.path.name.startswith("sim@")
    with here:
        assert read_holder(here.path)["checkout"] == str(REPO_ROOT.resolve())
        other = tmp_path / "other-checkout"
        with BoardLock(lab.lock_dir, "sim", wait_s=0, scope=checkout_scope(True, other)) as theirs:
            assert theirs.held                          # another checkout's simulator: no wait
        with pytest.raises(BoardBusyError):             # this checkout's second run waits its turn
            lock_for_board(lab, "sim", wait_s=0).acquire()


def test_a_waiting_run_names_the_holder_once_then_counts_down_once_a_minute():
    said = []
    notice = WaitNotice("board 'sim'", 600, said.append)
    for tenth in range(0, 1300):                        # 130 s of polls, every 0.1 s
        notice.tick("pid 7 on bench (sailbench nightly) since 01:00", tenth / 10)
    assert said == ["board 'sim' is held by pid 7 on bench (sailbench nightly) since 01:00; waiting (up to 600 s)",
                    "still waiting for board 'sim': 60 s waited, 540 s left",
                    "still waiting for board 'sim': 120 s waited, 480 s left"]
    notice.tick("pid 8 on bench (pytest) since 01:02", 130.5)       # a new holder is named at once
    assert said[-1].startswith("board 'sim' is held by pid 8")
