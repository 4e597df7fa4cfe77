"""Counters with a coherent snapshot: `clear` zeroes them, `latch` copies them all at once."""
from __future__ import annotations

from migen import If, Signal

from litex.gen import LiteXModule


class _Counted(LiteXModule):
    """Counters that `clear` zeroes and `latch` copies into `snap[name]` (the CSRs' status
    signals when the probe passes them: static between latches, read from sys)."""
    def _counters(self, snap: dict | None):
        self.clear = Signal()
        self.latch = Signal()
        self.live = {}
        self.snap = {}
        self._snap_to = snap or {}
        self._watched = {}

    def counter(self, name: str, width: int) -> Signal:
        self.live[name] = Signal(width, name=name)
        return self.watch(name, self.live[name])

    def watch(self, name: str, signal: Signal) -> Signal:
        """Latched but not cleared (e.g. the cycle count itself)."""
        self.snap[name] = self._snap_to.get(name, Signal(len(signal), name=name + "_snap"))
        self._watched[name] = signal
        return signal

    def _counters_logic(self):
        # Appended last: clear wins over any update in the same cycle.
        self.sync += If(self.clear, *[c.eq(0) for c in self.live.values()])
        self.sync += If(self.latch, *[self.snap[n].eq(s) for n, s in self._watched.items()])


def _word_cycles(module, cycles):
    if cycles is None:
        cycles = Signal(64, name="word_cycles")
        module.sync += cycles.eq(cycles + 1)
    return cycles
