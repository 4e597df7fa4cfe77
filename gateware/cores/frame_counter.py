"""Frames seen on a stream in another clock domain (e.g. the PHY's RX), readable from sys.

The host-link probe uses it to prove a frame reached the board even when the
stack dropped it (bad checksum, wrong port, oversized): seen here, absent
from the UDP sink.
"""
from migen import ClockDomainsRenamer, If, Signal
from migen.genlib.cdc import BusSynchronizer

from litex.gen import LiteXModule
from litex.soc.interconnect.csr import CSRStatus


class FrameCounter(LiteXModule):
    def __init__(self, endpoint, cd: str, width: int = 32):
        self.frames = CSRStatus(width, description=f"Frames (last beats) seen in clock domain {cd}.")

        # # #

        count = Signal(width)
        counting = ClockDomainsRenamer(cd)(_Counter(endpoint, count))
        self.submodules += counting
        if cd == "sys":
            self.comb += self.frames.status.eq(count)
        else:
            sync = BusSynchronizer(width, cd, "sys")
            self.submodules += sync
            self.comb += [sync.i.eq(count), self.frames.status.eq(sync.o)]


class _Counter(LiteXModule):
    def __init__(self, endpoint, count):
        self.sync += If(endpoint.valid & endpoint.ready & endpoint.last, count.eq(count + 1))
