"""Round trips and writes of a bus link, in total and per hardware step.

A round trip is a request that waits for an answer (a read, the fence read
confirming a write, an Etherbone write-counter read); a write is one write
command or packet sent. Over a USB-serial adapter every round trip costs at
least the adapter's latency timer (16 ms by default), so the count, not the
bytes, decides how long a step takes; the counts are deterministic, so tests
assert them.

The transports (UartBone, EtherboneLink) count into their own `LinkCounter`;
`counted_step("DRAM init")` names the hardware step the counts go to
(anything outside a step goes to "other").
"""
from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Iterator

OTHER = "other"
_current_step: ContextVar[str] = ContextVar("sailbench_link_step", default=OTHER)


@contextmanager
def counted_step(name: str) -> Iterator[None]:
    """Attribute the round trips and writes made inside to hardware step `name`."""
    token = _current_step.set(name)
    try:
        yield
    finally:
        _current_step.reset(token)


@dataclass
class LinkCounts:
    round_trips: int = 0
    writes: int = 0

    def __add__(self, other: "LinkCounts") -> "LinkCounts":
        return LinkCounts(self.round_trips + other.round_trips, self.writes + other.writes)

    def __sub__(self, other: "LinkCounts") -> "LinkCounts":
        return LinkCounts(self.round_trips - other.round_trips, self.writes - other.writes)


class LinkCounter:
    """Counts of one link, kept per hardware step."""

    def __init__(self) -> None:
        self.steps: dict[str, LinkCounts] = {}

    def _now(self) -> LinkCounts:
        return self.steps.setdefault(_current_step.get(), LinkCounts())

    def round_trip(self, n: int = 1) -> None:
        self._now().round_trips += n

    def write(self, n: int = 1) -> None:
        self._now().writes += n

    @property
    def total(self) -> LinkCounts:
        out = LinkCounts()
        for c in self.steps.values():
            out = out + c
        return out

    def step(self, name: str) -> LinkCounts:
        """A copy of step `name`'s counts (subtract two to count a span)."""
        c = self.steps.get(name, LinkCounts())
        return LinkCounts(c.round_trips, c.writes)

    def reset(self) -> None:
        self.steps.clear()

    def lines(self) -> list[str]:
        """One line per step: `DRAM init: 266 round trips, 1,234 writes`."""
        return [f"{name}: {c.round_trips:,} round trips, {c.writes:,} writes" for name, c in self.steps.items()]


def counter_of(link) -> LinkCounter | None:
    """The counter of a CsrClient's transport (or of a transport), None if it keeps none."""
    transport = getattr(link, "transport", link)
    return getattr(transport, "counter", None)
