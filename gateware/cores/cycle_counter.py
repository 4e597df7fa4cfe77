"""Free-running 64-bit cycle counter, latched on demand.

Used by the host to measure a board's real system clock against host time,
and as a time base shared by every probe.
"""
from migen import Signal, If

from litex.gen import LiteXModule
from litex.soc.interconnect.csr import CSR, CSRStatus


class CycleCounter(LiteXModule):
    def __init__(self, width: int = 64):
        self.latch = CSR()
        self.value = CSRStatus(width, description="Cycle count captured by the last write to `latch`.")

        # # #

        count = Signal(width)
        self.sync += count.eq(count + 1)
        self.sync += If(self.latch.re, self.value.status.eq(count))
        self.count = count
