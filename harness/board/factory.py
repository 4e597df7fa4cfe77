"""The one way runners get a board: lock it, open it, release both.

`open_locked_board(lab, name)` is a context manager: it takes the board's lock
(its labgrid place if lab.yaml gives it one, else the local flock:
harness/board/place_lock.py), moves the board through its lifecycle
(harness/board/lifecycle.py) to the state asked for, and on leaving closes the
board (stopping a simulator it started) and releases the lock, on success,
failure and Ctrl-C alike. `hold_board` is the same without the open, for a
caller that opens later or walks the states itself (bring-up, a bench run
that records an open failure in its results file).

Who locks what (`LockPolicy`):
- ALWAYS: a command run by name (bench, nightly, bring-up) locks any board, so two
  runs on one board, simulated or not, take turns;
- SHARED: a test session locks real boards only; a simulated board is its own private
  instance, and locking it would keep the session's own `sailbench` children waiting;
- CALLER_HOLDS: a pair pod, whose runner already holds the pair's reservation.
"""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from enum import Enum
from typing import Callable, Iterator

from sailbench.harness.board.board import Board
from sailbench.harness.board.lifecycle import BoardState, BoardStrategy, strategy_for
from sailbench.harness.board.locks import BoardLock
from sailbench.harness.board.place_lock import PlaceLock, lock_for_board
from sailbench.harness.config import Lab


class LockPolicy(Enum):
    ALWAYS = "always"
    SHARED = "shared"
    CALLER_HOLDS = "caller holds"


@dataclass
class HeldBoard:
    """A board under this run's lock: its strategy (the state it is in) and the lock (None when the
    policy took none)."""
    strategy: BoardStrategy
    lock: BoardLock | PlaceLock | None

    @property
    def state(self) -> BoardState:
        return self.strategy.state

    @property
    def board(self) -> Board:
        """The connected board (IDENTIFIED or later)."""
        if self.strategy.board is None:
            raise RuntimeError(f"board '{self.strategy.config.name}' is not connected yet ({self.state.label})")
        return self.strategy.board

    def open(self, upto: BoardState = BoardState.DRAM_READY) -> Board:
        return self.strategy.open(upto)


@contextmanager
def hold_board(lab: Lab, name: str, progress: Callable[[str], None] = print, *, wait_s: float | None = None,
               command: str | None = None, lock: LockPolicy = LockPolicy.ALWAYS,
               reload: bool = False) -> Iterator[HeldBoard]:
    """Lock board `name` (by `lock`), yield it unopened; close and release on leaving.
    `reload` loads a real board even if it already runs this build."""
    config = lab.board(name)                  # unknown board: clear error before any lock
    held_lock = None
    if lock is LockPolicy.ALWAYS or (lock is LockPolicy.SHARED and config.kind.shared):
        held_lock = lock_for_board(lab, name, progress, wait_s, command).acquire()
    held = HeldBoard(strategy_for(config, progress, reload=reload), held_lock)
    try:
        yield held
    finally:
        try:
            held.strategy.close()
        finally:
            if held_lock is not None:
                held_lock.release()


@contextmanager
def open_locked_board(lab: Lab, name: str, progress: Callable[[str], None] = print, *,
                      upto: BoardState = BoardState.DRAM_READY, wait_s: float | None = None,
                      command: str | None = None, lock: LockPolicy = LockPolicy.ALWAYS) -> Iterator[HeldBoard]:
    """Lock board `name`, open it to `upto` (default: identified, DRAM ready), yield it; close and
    release on leaving. `held.board` is the board, `held.lock` the lock (for HoldCheck)."""
    with hold_board(lab, name, progress, wait_s=wait_s, command=command, lock=lock) as held:
        held.open(upto)
        yield held
