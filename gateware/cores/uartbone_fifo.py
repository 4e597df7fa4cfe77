"""UARTBone with a receive FIFO: the host may send commands back to back, reads among them.

LiteX's UARTBone (litex/soc/cores/uart.py) feeds its Stream2Wishbone bridge straight from
the UART receiver. RS232PHY's receiver raises `valid` for one clock per byte and ignores
`ready`, so a byte arriving while the bridge is not taking one (it sends a read's answer,
or waits for the bus) is lost: the host has to wait for every read's answer before it
sends anything more, one round trip per read.

`BufferedUARTBone` is the same bridge and wire protocol with a `rx_fifo_bytes` FIFO
(block RAM) between the receiver and the bridge. Commands are executed in the order they
arrived; a host that keeps at most `rx_fifo_bytes` bytes unanswered (sent after the last
read whose answer it has) loses nothing, however the reads and writes are mixed
(harness/transport/uartbone.py sends a whole batch that way). A byte arriving at a full
FIFO is dropped, as before, and counted in `overflows` (saturating at 255) so a
simulation can see it.

The build manifest's `uart.rx_fifo_bytes` tells the host which kind of bridge a bitstream
has (0 or absent: LiteX's own, one read at a time).
"""
from __future__ import annotations

from migen import ClockDomainsRenamer, If, Signal

from litex.soc.cores.uart import Stream2Wishbone
from litex.soc.interconnect import stream

RX_FIFO_BYTES = 1024              # one ECP5 DP16KD; holds a whole MDIO read frame (~920 bytes)


class BufferedUARTBone(Stream2Wishbone):
    """UARTBone (LiteX's Stream2Wishbone bridge on `phy`) behind a receive FIFO.

    `cd`: the PHY's clock domain (the simulator's stream UART runs in "io"); the bridge and
    the FIFO run in sys, crossed as LiteX's UARTBone does."""

    def __init__(self, phy, clk_freq: float, cd: str = "sys", address_width: int = 32,
                 rx_fifo_bytes: int = RX_FIFO_BYTES):
        Stream2Wishbone.__init__(self, clk_freq=clk_freq, address_width=address_width)
        self.rx_fifo_bytes = rx_fifo_bytes
        self.overflows = Signal(8)

        # # #

        if cd == "sys":
            self.phy = phy
            rx, tx = phy.source, phy.sink
        else:
            self.phy = ClockDomainsRenamer(cd)(phy)
            self.rx_cdc = stream.ClockDomainCrossing([("data", 8)], cd_from=cd, cd_to="sys")
            self.tx_cdc = stream.ClockDomainCrossing([("data", 8)], cd_from="sys", cd_to=cd)
            self.comb += [self.phy.source.connect(self.rx_cdc.sink), self.tx_cdc.source.connect(self.phy.sink)]
            rx, tx = self.rx_cdc.source, self.tx_cdc.sink
        self.rx_fifo = fifo = stream.SyncFIFO([("data", 8)], rx_fifo_bytes, buffered=True)
        self.comb += [
            rx.connect(fifo.sink),
            fifo.source.connect(self.sink),
            self.source.connect(tx),
        ]
        self.sync += If(fifo.sink.valid & ~fifo.sink.ready & (self.overflows != 255),
                        self.overflows.eq(self.overflows + 1))
