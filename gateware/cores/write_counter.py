"""Counts the words a bus master has written.

Etherbone writes are posted (no reply), so the host cannot tell a lost write
packet from a lost reply. With this counter on the Etherbone master, the
host reads the count after each write: unchanged means the packet was lost
(resend it), advanced by the word count means it landed exactly once.
"""
from migen import If, Signal

from litex.gen import LiteXModule
from litex.soc.interconnect.csr import CSRStatus


class BusWriteCounter(LiteXModule):
    def __init__(self, bus, width: int = 32):
        self.count = CSRStatus(width, description="Words written by the master (wraps).")

        # # #

        count = Signal(width)
        self.sync += If(bus.cyc & bus.stb & bus.we & bus.ack, count.eq(count + 1))
        self.comb += self.count.status.eq(count)
