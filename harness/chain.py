"""Scaling a chain of N boards without returning on stale state.

A reconciler (whatever starts pods/boards for a chain) takes a target count
and reports its status. Status can lag: right after the target changed it may
still describe the old target ("2 of 2 ready") for a while. `scale_chain`
therefore waits until the status has *observed* the new target's generation,
states the new target, and has that many ready; a check of "ready >=
reported target" alone would return early on the old numbers.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Protocol

from harness.errors import PairError


@dataclass(frozen=True)
class ChainStatus:
    observed_generation: int    # the newest target generation the reconciler has acted on
    target: int                 # the target that status describes
    ready: int                  # boards (pods) ready under that target


class Reconciler(Protocol):
    def set_target(self, boards: int) -> int:
        """Ask for `boards`; returns the generation number of that request."""

    def status(self) -> ChainStatus: ...


def reflects(status: ChainStatus, generation: int, boards: int) -> bool:
    """True when `status` describes the request `generation` for `boards` and all are ready."""
    return status.observed_generation >= generation and status.target == boards and status.ready >= boards


def scale_chain(reconciler: Reconciler, boards: int, timeout_s: float, poll_s: float = 0.05,
                name: str = "chain") -> ChainStatus:
    """Ask for `boards` and return once that request is reflected and that many are ready."""
    if boards < 1:
        raise ValueError(f"a chain needs at least one board, not {boards}")
    generation = reconciler.set_target(boards)
    deadline = time.monotonic() + timeout_s
    status = reconciler.status()
    while not reflects(status, generation, boards):
        if time.monotonic() >= deadline:
            raise PairError(f"asked for {boards} boards (generation {generation}); after {timeout_s:g} s the "
                            f"status says generation {status.observed_generation}, target {status.target}, "
                            f"{status.ready} ready; check the boards' pods", pair=name)
        time.sleep(poll_s)
        status = reconciler.status()
    return status
