"""Board locks across processes: holder info, waiting, failing with the holder named, release on crash."""
import os
import signal
import subprocess
import sys
import time

import pytest

from sailbench.harness.errors import BoardBusyError
from sailbench.harness.board.locks import BoardLock, lock_path, read_holder

HOLD = """
import sys, time
from sailbench.harness.board.locks import BoardLock
lock = BoardLock(sys.argv[1], "sim", wait_s=5, command="holder-test").acquire()
print("held", flush=True)
time.sleep(float(sys.argv[2]))
"""


def hold_in_child(directory, seconds):
    p = subprocess.Popen([sys.executable, "-c", HOLD, str(directory), str(seconds)], stdout=subprocess.PIPE,
                         text=True, cwd=os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(__file__)))))
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
