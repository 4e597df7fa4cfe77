"""Reserve a bench pair atomically: both boards or neither.

Each board has its ordinary board lock (harness/board/locks.py, flock on
`<lock dir>/<board>.lock`). A pair is taken by locking its boards
non-blocking in one fixed order (sorted by name); if any is held, every lock
already taken is released before anything waits. Waiting happens only while
holding nothing, with a growing, jittered back-off, so two runs asking for
overlapping pairs (a-b and b-a, or a-b and b-c) never deadlock and never
keep half a pair.

With `lab`, boards in labgrid places are taken through their places, and a pair
with a pair place (lab.yaml `pairs.NAME.place`) is taken as that one place: the
coordinator acquires both boards all or nothing (harness/board/place_lock.py).
"""
from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

from sailbench.harness.config import Lab, PairConfig
from sailbench.harness.errors import BoardBusyError, PairBusyError
from sailbench.harness.board.locks import BoardLock, checkout_scope, holder_text
from sailbench.harness.board.place_lock import PlaceLock, lock_for_board, lock_for_pair_place

BACKOFF_START_S = 0.05
BACKOFF_MAX_S = 1.0


@dataclass
class Busy:
    """Why a pair could not be taken just now: which board, who holds it."""
    pair: str
    board: str
    holder: dict

    @property
    def reason(self) -> str:
        return f"pair '{self.pair}' is busy: board '{self.board}' is held by {holder_text(self.holder)}"


@dataclass
class PairReservation:
    pair: PairConfig
    locks: list[BoardLock | PlaceLock] = field(default_factory=list)
    waited_s: float = 0.0

    @property
    def held(self) -> bool:
        return bool(self.locks) and all(lock.held for lock in self.locks)

    def release(self) -> None:
        for lock in reversed(self.locks):
            lock.release()
        self.locks.clear()

    def __enter__(self) -> "PairReservation":
        return self

    def __exit__(self, *exc) -> None:
        self.release()


def try_reserve(lock_dir: Path | str, pair: PairConfig, command: str | None = None,
                lab: Lab | None = None) -> PairReservation | Busy:
    """Both boards of `pair` now, or a `Busy` saying which board is held (holding nothing)."""
    quiet = lambda _m: None  # noqa: E731
    if lab is not None and pair.place is not None:
        place = lock_for_pair_place(lab, pair.name, quiet, wait_s=0.0, command=command)
        try:
            place.acquire()
        except BoardBusyError as e:
            return Busy(pair.name, pair.place, e.holder)
        return PairReservation(pair, [place])
    taken: list[BoardLock | PlaceLock] = []
    try:
        for board in sorted(pair.boards):
            lock = (lock_for_board(lab, board, quiet, wait_s=0.0, command=command)
                    if lab is not None and board in lab.boards      # a simulated pair's roles are not lab boards
                    else BoardLock(lock_dir, board, wait_s=0.0, progress=quiet, command=command,
                                   scope=checkout_scope(pair.kind.simulated)))
            try:
                lock.acquire()
            except BoardBusyError as e:
                for held in reversed(taken):
                    held.release()
                taken.clear()
                return Busy(pair.name, board, e.holder)
            taken.append(lock)
    except BaseException:
        for held in reversed(taken):
            held.release()
        raise
    return PairReservation(pair, taken)


def reserve_first(lock_dir: Path | str, candidates: Sequence[PairConfig], timeout_s: float,
                  on_busy: Callable[[list[Busy]], None] = lambda _b: None,
                  cancelled: Callable[[], bool] = lambda: False,
                  command: str | None = None, lab: Lab | None = None) -> PairReservation:
    """The first candidate (in order, every round) that can be taken whole, waiting up to
    `timeout_s` while holding nothing. `on_busy` hears each round's reasons; raises
    PairBusyError (naming every holder) at the deadline or when `cancelled()` says so."""
    if not candidates:
        raise ValueError("reserve_first needs at least one candidate pair")
    t0 = time.monotonic()
    backoff = BACKOFF_START_S
    while True:
        busy: list[Busy] = []
        for pair in candidates:
            got = try_reserve(lock_dir, pair, command, lab)
            if isinstance(got, PairReservation):
                got.waited_s = time.monotonic() - t0
                return got
            busy.append(got)
        on_busy(busy)
        waited = time.monotonic() - t0
        reasons = "; ".join(b.reason for b in busy)
        if cancelled() or waited >= timeout_s:
            why = (f"cancelled while waiting: {reasons}" if cancelled() else
                   f"{reasons}; waited {waited:.1f} s; try again when it is free (or raise --timeout)")
            error = PairBusyError(why, phase="Pending")      # the reasons name the pairs already
            error.pair = candidates[0].name
            raise error
        time.sleep(min(backoff * (0.5 + random.random()), max(0.0, timeout_s - waited) + 0.01))
        backoff = min(backoff * 2, BACKOFF_MAX_S)
