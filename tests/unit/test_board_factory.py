"""open_locked_board / hold_board (harness/board/factory.py): lock by policy, open, close and release on
success and on failure. The board's open is a stand-in here (tests/board/ opens the simulated board)."""
import pytest

import sailbench.harness.board.factory as factory
from sailbench.harness.board.factory import LockPolicy, hold_board, open_locked_board
from sailbench.harness.board.lifecycle import BoardState
from sailbench.harness.board.locks import BoardLock, checkout_scope
from sailbench.harness.config import load_lab
from sailbench.harness.errors import BoardBusyError, CableError


class Strategy:
    def __init__(self, config, progress=print, reload=False):
        self.config, self.reload, self.state, self.board, self.closed = config, reload, BoardState.CONFIGURED, None, 0
        Strategy.made.append(self)

    def open(self, upto):
        if self.config.kind.needs_cable:
            raise CableError("cable 'ft2232' not found", board=self.config.name)
        self.state, self.board = upto, f"board {self.config.name}"
        return self.board

    def close(self):
        self.closed += 1


@pytest.fixture
def lab(tmp_path, monkeypatch):
    Strategy.made = []
    monkeypatch.setattr(factory, "strategy_for", Strategy)
    path = tmp_path / "lab.yaml"
    path.write_text("default_board: sim\nboards:\n  sim: {kind: sim}\n"
                    "  versa: {kind: hardware, profile: versa-ecp5, serial: /dev/ttyUSB1, cable: ft2232}\n"
                    f"locks: {{dir: {tmp_path / 'locks'}, wait_s: 0}}\n")
    return load_lab(path)


def _free(lab, name):
    with BoardLock(lab.lock_dir, name, wait_s=0, scope=checkout_scope(lab.board(name).kind.simulated)):
        return True


def test_open_locked_board_holds_the_lock_while_open_and_releases_it(lab):
    with open_locked_board(lab, "sim", progress=lambda m: None) as held:
        assert held.board == "board sim" and held.state == BoardState.DRAM_READY and held.lock.held
        with pytest.raises(BoardBusyError):
            BoardLock(lab.lock_dir, "sim", wait_s=0, scope=checkout_scope(True)).acquire()
    assert Strategy.made[0].closed == 1 and _free(lab, "sim")


def test_a_failing_open_releases_the_lock(lab):
    with pytest.raises(CableError):
        with open_locked_board(lab, "versa", progress=lambda m: None):
            pytest.fail("not reached")
    assert Strategy.made[0].closed == 1 and _free(lab, "versa")


def test_lock_policies(lab):
    with hold_board(lab, "sim", lambda m: None, lock=LockPolicy.SHARED) as held:
        assert held.lock is None                   # a private simulated instance: a session does not lock it
    with hold_board(lab, "versa", lambda m: None, lock=LockPolicy.SHARED) as held:
        assert held.lock.held
    with hold_board(lab, "versa", lambda m: None, lock=LockPolicy.CALLER_HOLDS) as held:
        assert held.lock is None and _free(lab, "versa")


def test_hold_board_leaves_the_open_to_the_caller(lab):
    with hold_board(lab, "sim", lambda m: None, reload=True) as held:
        assert held.state == BoardState.CONFIGURED and Strategy.made[0].reload
        with pytest.raises(RuntimeError, match="not connected yet"):
            held.board
        assert held.open() == "board sim"
