"""The simulated board's host link through the SGMII PHY (lab.yaml `sim: {host_link: sgmii}`).

    LiteEth MAC -> SGMIIWordPHY (liteeth PCS, 10-bit words) -> SerDesLinkModel
      -> SGMIIPHYSide (the 88E1512's end: 10-bit words back to GMII bytes)
      -> strip preamble + FCS -> LiteX's sim Ethernet pads (TAP)

and back: TAP -> FIFO -> FCS + preamble + 12-byte gap -> SGMIIPHYSide -> ... -> MAC.

Everything runs on the simulation's 125 MHz I/O clock (one 10-bit code group per cycle =
1.25 Gbaud, GbE's byte rate), so the SGMII wire costs what GbE costs per frame: preamble,
FCS and inter-frame gap (the manifest's host-link record says so, and the ceiling follows).

The TAP module pushes one byte per cycle with a one-cycle gap between frames and cannot be
stalled, which is faster than GbE; `rx_fifo` stands for the host NIC's queue and absorbs
the difference (a burst of up to FIFO_DEPTH bytes beyond what the wire drains). The TAP
ends a frame when `source_valid` drops, so board->host frames are released only once whole.
"""
from __future__ import annotations

from migen import ClockDomain, ClockDomainsRenamer, ClockSignal, If, ResetSignal, Signal

from litex.gen import LiteXModule
from litex.soc.interconnect import stream

from liteeth.common import eth_phy_description
from liteeth.mac.crc import LiteEthMACCRC32Checker, LiteEthMACCRC32Inserter
from liteeth.mac.gap import LiteEthMACGap
from liteeth.mac.preamble import LiteEthMACPreambleChecker, LiteEthMACPreambleInserter

from sailbench.gateware.phy.sgmii_ecp5 import ETH_CLK_HZ, PCSTimers, SGMIIWordPHY
from sailbench.gateware.sim_models.serdes_model import SerDesLinkModel
from sailbench.gateware.sim_models.sgmii_phy_side import SGMIIPHYSide

# Short autoneg (link up within a few thousand cycles of reset); the check period still
# outlasts a 1538-byte frame many times over (no /I/ is seen inside a frame).
SIM_SGMII_TIMERS = PCSTimers(check_cycles=20_000, breaklink_cycles=1_000, more_ack_cycles=2_000,
                             sgmii_ack_cycles=2_000)
FIFO_DEPTH = 65_536          # host->board bytes queued ahead of the SGMII wire (see above)
TX_FRAME_FIFO_DEPTH = 4_096  # board->host: whole frames before the TAP (max 1518 bytes each)


class _WholeFrameFIFO(LiteXModule):
    """A byte FIFO whose output is valid only while at least one whole frame is inside, so a
    frame leaves in consecutive cycles (the TAP module ends a frame at the first idle cycle)."""

    def __init__(self, depth: int):
        self.fifo = fifo = stream.SyncFIFO(eth_phy_description(8), depth, buffered=True)
        self.sink = fifo.sink
        self.source = source = stream.Endpoint(eth_phy_description(8))
        frames = Signal(16)
        frame_in = Signal()
        frame_out = Signal()
        self.comb += [
            fifo.source.connect(source, omit={"valid", "ready"}),
            source.valid.eq(fifo.source.valid & (frames != 0)),
            fifo.source.ready.eq(source.ready & (frames != 0)),
            frame_in.eq(fifo.sink.valid & fifo.sink.ready & fifo.sink.last),
            frame_out.eq(source.valid & source.ready & source.last),
        ]
        self.sync += If(frame_in & ~frame_out, frames.eq(frames + 1)).Elif(~frame_in & frame_out, frames.eq(frames - 1))


class SimSGMIIPHY(LiteXModule):
    """A LiteEth PHY (8-bit, preamble + FCS carried by the MAC) whose far end is the sim's TAP
    pads, through the SGMII PCS, the SerDes word model and the PHY-side model."""
    dw = 8
    model = True               # no timing constraints (litex add_etherbone)
    tx_clk_freq = rx_clk_freq = ETH_CLK_HZ

    def __init__(self, pads, clock_domain: str | None = "io", timers: PCSTimers = SIM_SGMII_TIMERS):
        # clock_domain None: the caller drives eth_tx and eth_rx (migen simulations).
        self.crg = LiteXModule()
        self.crg.cd_eth_rx = ClockDomain()
        self.crg.cd_eth_tx = ClockDomain()
        if clock_domain is not None:
            self.crg.comb += [
                self.crg.cd_eth_rx.clk.eq(ClockSignal(clock_domain)), self.crg.cd_eth_rx.rst.eq(ResetSignal(clock_domain)),
                self.crg.cd_eth_tx.clk.eq(ClockSignal(clock_domain)), self.crg.cd_eth_tx.rst.eq(ResetSignal(clock_domain)),
            ]
        # MAC end (the board's PHY) and PHY end (the 88E1512's role), joined by 10-bit words.
        self.mac_end = mac_end = SGMIIWordPHY(word_width=10, timers=timers)
        self.phy_side = phy_side = SGMIIPHYSide(timers=timers)
        self.phy_end = phy_end = SGMIIWordPHY(word_width=10, timers=timers, pcs=phy_side)
        self.link = link = SerDesLinkModel(data_width=10, clock_domain="eth_tx", latency=2)
        self.comb += link.a.connect(mac_end) + link.b.connect(phy_end)
        self.sink = mac_end.sink
        self.source = mac_end.source
        self.link_up = mac_end.link_up

        # Board -> host: GMII bytes from the PHY side, preamble and FCS off, whole frames out.
        rx_pre = ClockDomainsRenamer("eth_rx")(LiteEthMACPreambleChecker(8))
        rx_crc = ClockDomainsRenamer("eth_rx")(LiteEthMACCRC32Checker(eth_phy_description(8)))
        rx_frames = ClockDomainsRenamer("eth_rx")(_WholeFrameFIFO(TX_FRAME_FIFO_DEPTH))
        self.submodules += rx_pre, rx_crc, rx_frames
        self.comb += [
            phy_end.source.connect(rx_pre.sink),
            rx_pre.source.connect(rx_crc.sink),
            rx_crc.source.connect(rx_frames.sink),
            pads.source_valid.eq(rx_frames.source.valid),
            pads.source_data.eq(rx_frames.source.data),
            rx_frames.source.ready.eq(1),
        ]

        # Host -> board: TAP bytes (no back-pressure) -> queue -> FCS, preamble, gap -> PHY side.
        tap = stream.Endpoint(eth_phy_description(8))
        tap_valid = Signal()
        tap_data = Signal(8)
        self.sync.eth_tx += [tap_valid.eq(pads.sink_valid), tap_data.eq(pads.sink_data)]
        self.comb += [
            tap.valid.eq(tap_valid),
            tap.data.eq(tap_data),
            tap.last.eq(tap_valid & ~pads.sink_valid),
            tap.last_be.eq(tap.last),
        ]
        self.rx_fifo = rx_fifo = ClockDomainsRenamer("eth_tx")(stream.SyncFIFO(eth_phy_description(8), FIFO_DEPTH,
                                                                                buffered=True))
        self.overflow_bytes = Signal(32)     # bytes lost because the queue was full (never expected)
        self.sync.eth_tx += If(tap.valid & ~tap.ready, self.overflow_bytes.eq(self.overflow_bytes + 1))
        tx_crc = ClockDomainsRenamer("eth_tx")(LiteEthMACCRC32Inserter(eth_phy_description(8)))
        tx_pre = ClockDomainsRenamer("eth_tx")(LiteEthMACPreambleInserter(8))
        tx_gap = ClockDomainsRenamer("eth_tx")(LiteEthMACGap(8))
        self.submodules += tx_crc, tx_pre, tx_gap
        self.comb += [
            tap.connect(rx_fifo.sink),
            rx_fifo.source.connect(tx_crc.sink),
            tx_crc.source.connect(tx_pre.sink),
            tx_pre.source.connect(tx_gap.sink),
            tx_gap.source.connect(phy_end.sink),
        ]
