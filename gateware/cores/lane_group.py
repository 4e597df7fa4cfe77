"""Lane group: every lane probe of a board started and latched in the same sys cycle.

INTERCARD is a figure for all lanes at once (4 x 1.25 Gb/s x 8b/10b per direction), so
the lanes must run at the same time and be read out at the same instant: a write to
`start` pulses every probe's frame generator start, a write to `latch` every probe's
counter snapshot (TX and RX), in one sys cycle. Each pulse reaches each word clock
domain through the probe's own pulse synchroniser (the same fixed latency, +-1 word
clock, on every lane).

The SoC's sys cycle counter is captured with both (`start_cycle`, `latch_cycle`).
Two latches give, in one hardware window, the sys cycles (latch_cycle difference) and
each lane's word clock cycles (its `rx_cycles` / `tx_cycles` difference): the word
clocks are measured against sys on the FPGA, f_word = d(rx_cycles) / d(latch_cycle)
x f_sys, within +-2 word cycles over the window.

CSRs (sys): start, latch, mask (the lanes `start` drives, bit i = lane i; all by default),
start_cycle, latch_cycle, lanes (the probe count). `latch` always latches every lane.
"""
from __future__ import annotations

from migen import If, Signal

from litex.gen import LiteXModule
from litex.soc.interconnect.csr import CSR, CSRStatus, CSRStorage


class LaneGroup(LiteXModule):
    def __init__(self, probes: list, cycles: Signal):
        """`probes`: the board's LaneProbes; `cycles`: the SoC's sys cycle counter."""
        self.start = CSR()
        self.mask = CSRStorage(len(probes), reset=2**len(probes) - 1, description="Lanes `start` drives (bit i: "
                               "lane i).")
        self.latch = CSR()
        self.start_cycle = CSRStatus(64, description="SoC cycle counter at the last `start`.")
        self.latch_cycle = CSRStatus(64, description="SoC cycle counter at the last `latch` (the counters' "
                                                     "snapshot instant).")
        self.lanes = CSRStatus(8, reset=len(probes), description="Lane probes this group drives.")

        # # #

        self.sync += [
            If(self.start.re, self.start_cycle.status.eq(cycles)),
            If(self.latch.re, self.latch_cycle.status.eq(cycles)),
        ]
        for i, probe in enumerate(probes):
            self.comb += [probe.group_start.eq(self.start.re & self.mask.storage[i]),
                          probe.group_latch.eq(self.latch.re)]
