"""Cycles between a start strobe and the rising edge of a done signal.

The DDR probe wraps each LiteDRAM BIST engine with one: it starts on the
BIST's `start` write and stops when the BIST reports done, so the figure
includes the tail of the transfer (DMA drain) that the BIST's own `ticks`
leaves out.
"""
from migen import Signal, If

from litex.gen import LiteXModule
from litex.soc.interconnect.csr import CSRStatus


class WindowTimer(LiteXModule):
    def __init__(self, start: Signal, done: Signal, width: int = 64):
        self.cycles = CSRStatus(width, description="Cycles from the last start to done (inclusive of drain).")
        self.busy = CSRStatus(description="1 while the window is open.")

        # # #

        self.running = running = Signal()   # the window, for counters that share it
        done_d = Signal()
        count = Signal(width)
        self.sync += [
            done_d.eq(done),
            If(start,
                running.eq(1),
                count.eq(0),
            ).Elif(running,
                count.eq(count + 1),
                If(done & ~done_d,
                    running.eq(0),
                ),
            ),
        ]
        self.comb += [
            self.cycles.status.eq(count),
            self.busy.status.eq(running),
        ]
