"""SGMII PHY for ECP5: liteeth's PCS on liteiclink's SerDesECP5, 1.25 Gbaud.

Who encodes 8b/10b, exactly once:
- liteeth's PCS (`liteeth/phy/pcs_1000basex.py`) encodes and decodes itself:
  PCSTX owns an Encoder and picks idle /I1/ or /I2/ from that encoder's
  running disparity, PCSRX owns a Decoder. Towards the transceiver it
  exchanges raw 10-bit code groups, one per 125 MHz cycle: `pcs.tbi_tx`
  (eth_tx) and `pcs.tbi_rx` (eth_rx). With lsb_first=True bit 0 is the first
  bit on the wire (code-group bit a), as in liteeth's Xilinx PHYs.
- SerDesECP5 (`liteiclink/serdes/serdes_ecp5.py`) accepts data_width=20 only:
  its DCU channel runs with the hard 8b/10b bypassed (CHX_ENC_BYPASS,
  CHX_DEC_BYPASS) and a 1:2 gearbox, so the fabric sees two raw code groups
  (bits [0:10] first on the wire) per 62.5 MHz cycle on the DCU's 24-bit
  FF_TX_D/FF_RX_D buses (bits 10-11 and 22-23 unused). In front of those it
  puts its own fabric Encoder(2)/Decoders and a PRBS generator/checker.
- So this PHY keeps the PCS's coder and bypasses SerDesECP5's: it overrides
  the DCU's FF_TX_D/FF_RX_D ports (and the FIFO clocks FF_TXI_CLK/FF_RXI_CLK)
  in `serdes.serdes_params`, the dict liteiclink's own SCI reconfiguration
  extends before the DCUA instance is made, with the raw words of liteeth's
  PCSGearbox (10 bits @ 125 MHz <-> 20 bits @ 62.5 MHz). SerDesECP5's coder
  and PRBS then drive nothing and synthesis removes them. The DCU's reset
  sequencing (SerdesInit), PLL settings and polarity (SCI) are SerDesECP5's.

Clocking mirrors liteeth's A7_1000BASEX ("get 125 MHz clocks back"): the DCU
outputs 62.5 MHz (txoutclk, rxoutclk = recovered), each put on the global
network by a DCCA (the A7's BUFG); one ECP5PLL per direction makes eth_tx/
eth_rx (125 MHz, the LiteEth PHY clocks) and eth_tx_half/eth_rx_half
(62.5 MHz, the gearbox's SerDes side, fed back to the DCU's FPGA bridge FIFO
clocks FF_TXI_CLK/FF_RXI_CLK). Two EHXPLLLs per SGMII lane: the
LFE5UM5G-45F/85F have four. The word-aligner enable (FFC_SIGNAL_DETECT) is
synchronised into eth_rx_half too, so no fabric flip-flop is left on the raw
recovered clock (nextpnr could not route that net otherwise).

Limits (see docs/sgmii.md): not run on hardware; the FPGA bridge FIFOs are
assumed to absorb the phase between the PLL's 62.5 MHz and the DCU's own
clock, as the A7 relies on its GTP buffers. 1000 Mb/s only: liteeth
2024.12's PCS receive side misframes at 10/100 Mb/s (no `last`), so the
88E1512 is set to advertise 1000BASE-T only (M88E1512_SGMII_INIT).

The split for simulation: SGMIIWordPHY is the PCS + gearbox on a plain SerDes
word interface (`tx_data`/`rx_data`), with no ECP5 primitive; SGMIIPHYECP5
puts it on a real SerDesECP5. tests/gateware/test_sgmii.py runs the former
against gateware/sim_models/sgmii_phy_side.py through gateware/sim_models/serdes_model.py.

Auto-negotiation: liteeth's PCS is the MAC side of SGMII. It mirrors what the
partner sends (bit 0 "SGMII", speed bits 11:10), acknowledges, waits the SGMII
link timer, and replicates bytes 10x/100x at 100/10 Mb/s. Its timers are
parameters (PCSTimers); the hardware values are the standard ones.
"""
from __future__ import annotations

from dataclasses import dataclass

from migen import Cat, ClockDomain, ClockSignal, If, Instance, Signal
from migen.genlib.cdc import MultiReg

from litex.gen import LiteXModule
from litex.gen.genlib.cdc import BusSynchronizer
from litex.soc.cores.clock import ECP5PLL
from litex.soc.interconnect import stream
from litex.soc.interconnect.csr import CSRField, CSRStatus, CSRStorage

from liteeth.common import eth_phy_description
from liteeth.phy.pcs_1000basex import PCS, PCSGearbox

LINERATE = 1.25e9            # baud, SGMII
ETH_CLK_HZ = 125e6           # one code group / one GMII byte per cycle
WORD_CLK_HZ = LINERATE / 20  # SerDesECP5's 20-bit fabric word rate

# SGMII configuration register (tx_config_Reg, Cisco SGMII spec 1.8) ----------------------------

SGMII_SPEED_MBPS = {0b00: 10, 0b01: 100, 0b10: 1000}
SPEED_CODE = {mbps: code for code, mbps in SGMII_SPEED_MBPS.items()}


@dataclass(frozen=True)
class SGMIIConfig:
    """A received config register, decoded as SGMII (bit 0) or 1000BASE-X."""
    value: int

    @property
    def sgmii(self) -> bool:
        return bool(self.value & 1)

    @property
    def link(self) -> bool:
        return bool(self.value >> 15 & 1) if self.sgmii else self.value != 0

    @property
    def ack(self) -> bool:
        return bool(self.value >> 14 & 1)

    @property
    def full_duplex(self) -> bool:
        return bool(self.value >> 12 & 1) if self.sgmii else bool(self.value >> 5 & 1)

    @property
    def speed_mbps(self) -> int:
        return SGMII_SPEED_MBPS.get(self.value >> 10 & 3, 0) if self.sgmii else 1000


# PCS timers -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class PCSTimers:
    """liteeth PCS timers in 125 MHz cycles (the PCS takes seconds x 125e6)."""
    check_cycles: int = 750_000          # 6 ms: no /C/ or /I/ seen in a period -> restart autoneg
    breaklink_cycles: int = 1_250_000    # 10 ms of empty config to force the partner to restart
    more_ack_cycles: int = 1_250_000     # 10 ms 1000BASE-X link timer
    sgmii_ack_cycles: int = 200_000      # 1.6 ms SGMII link timer

    def pcs_kwargs(self) -> dict:
        # +0.5: the PCS int()s seconds x 125e6, which may land just below the integer.
        to_s = lambda cycles: (cycles + 0.5) / ETH_CLK_HZ  # noqa: E731
        return dict(check_period=to_s(self.check_cycles), breaklink_time=to_s(self.breaklink_cycles),
                    more_ack_time=to_s(self.more_ack_cycles), sgmii_ack_time=to_s(self.sgmii_ack_cycles))


HARDWARE_TIMERS = PCSTimers()
# Short enough for migen's simulator (a few hundred cycles/s here); the link
# timers still outlast the 8-word consistency check (32+ cycles), and a check
# period of 2000 cycles lets frames of up to ~1900 bytes pass at 1000 Mb/s
# (no /I/ is seen inside a frame).
SIM_TIMERS = PCSTimers(check_cycles=2_000, breaklink_cycles=64, more_ack_cycles=128,
                       sgmii_ack_cycles=128)


# 88E1512 in SGMII mode: MDIO set-up (data; run by the host over LiteEthPHYMDIO) ---------------

@dataclass(frozen=True)
class MDIOOp:
    """Read-modify-write of one Marvell paged register: select `page` (write register 22),
    then reg = (reg & ~mask) | value. Clause 22 frames, PHY address from the board."""
    page: int
    reg: int
    mask: int
    value: int
    note: str


M88E1512_SGMII_INIT = (
    # Linux drivers/net/phy/marvell.c, m88e1510_config_init() for PHY_INTERFACE_MODE_SGMII:
    # page 18 register 20 (MII_88E1510_GEN_CTRL_REG_1) MODE[2:0] = 1, then its reset bit.
    MDIOOp(18, 20, 0x0007, 0x0001, "General Control 1: MODE[2:0] = 001, SGMII (system) to copper"),
    MDIOOp(18, 20, 0x8000, 0x8000, "General Control 1: software reset, required after a MODE change"),
    # IEEE 802.3 clause 22 registers on the copper page: advertise 1000BASE-T full duplex only,
    # so the SGMII side always runs at 1000 Mb/s (liteeth 2024.12's PCS RX misframes at 10/100).
    MDIOOp(0, 4, 0x01E0, 0x0000, "Auto-negotiation advertisement: no 10/100 abilities"),
    MDIOOp(0, 9, 0x0300, 0x0200, "1000BASE-T control: 1000 full duplex, not half"),
    MDIOOp(0, 0, 0x1200, 0x1200, "Copper control: auto-negotiation enable + restart"),
)
# TODO(hardware): none of this has run on a board. The 88E1512's MODE strap on
# rev-A is unknown (hence the explicit write). In SGMII-to-copper mode the SGMII
# (system) side's own auto-negotiation and status are on page 1; check the
# datasheet before relying on page-1 bits. PHY address and reset pin come from
# the rev-A pin map, which does not exist yet. The host runs these ops by
# bit-banging LiteEthPHYMDIO (SGMIIPHYECP5(mdio_pads=...)).


# SGMIIWordPHY: the PCS on a SerDes word interface -----------------------------------------------

class SGMIIWordPHY(LiteXModule):
    """PCS (+ gearbox) on a raw SerDes word interface; a LiteEth PHY without a transceiver.

    word_width=20: `tx_data` in eth_tx_half, `rx_data` in eth_rx_half (62.5 MHz,
    SerDesECP5's fabric word); word_width=10: both at 125 MHz (eth_tx, eth_rx).
    Bit 0 is first on the wire. Clock domains eth_tx, eth_rx (and the halves)
    come from the caller: a CRG on hardware, run_simulation's clocks in tests.
    `pcs` defaults to liteeth's PCS (the MAC side); sgmii_phy_side.SGMIIPHYSide
    gives the PHY side.
    """
    dw = 8
    tx_clk_freq = ETH_CLK_HZ
    rx_clk_freq = ETH_CLK_HZ

    def __init__(self, word_width: int = 20, timers: PCSTimers = HARDWARE_TIMERS, pcs=None):
        if word_width not in (10, 20):
            raise ValueError(f"SGMIIWordPHY: word_width must be 10 or 20, not {word_width}")
        self.word_width = word_width
        self.pcs = pcs = pcs if pcs is not None else PCS(lsb_first=True, **timers.pcs_kwargs())

        self.sink = pcs.sink          # eth_phy_description(8), eth_tx: preamble + frame + FCS
        self.source = stream.Endpoint(eth_phy_description(8))   # eth_rx
        self.link_up = pcs.link_up    # eth_tx
        self.tx_data = Signal(word_width)
        self.rx_data = Signal(word_width)
        self.lp_config = pcs.lp_abi.o  # eth_tx: the partner's last config register
        self.speed = Signal(2)        # eth_tx: speed code in use (0b10 = 1000 Mb/s)
        self.restarts = Signal(32)    # eth_tx: autoneg restarts (link lost, no /C/ or /I/)

        # # #

        # last_be = last, as LiteEthMACRXLastBE does for 8-bit PHYs: LiteEthMACCore(dw=8)
        # adds no RXLastBE, and its CRC checker only compares on a byte with last_be set, so
        # without this a frame with a bad FCS would pass unflagged.
        self.comb += [
            pcs.source.connect(self.source, omit={"last_be"}),
            self.source.last_be.eq(pcs.source.last),
        ]

        if word_width == 20:
            self.gearbox = gearbox = PCSGearbox()
            rx_word = Signal(20)
            self.sync.eth_rx_half += rx_word.eq(self.rx_data)
            self.comb += [
                gearbox.tx_data.eq(pcs.tbi_tx),
                self.tx_data.eq(gearbox.tx_data_half),
                gearbox.rx_data_half.eq(rx_word),
                pcs.tbi_rx.eq(gearbox.rx_data),
            ]
        else:
            self.comb += [self.tx_data.eq(pcs.tbi_tx), pcs.tbi_rx.eq(self.rx_data)]

        self.comb += If(self.lp_config[0],
            self.speed.eq(self.lp_config[10:12]),
        ).Else(
            self.speed.eq(0b10),
        )
        self.sync.eth_tx += If(pcs.restart, self.restarts.eq(self.restarts + 1))


# ECP5 -----------------------------------------------------------------------------------------

class SerDesECP5RefClk(LiteXModule):
    """The DCU reference clock from a dedicated EXTREF pad pair (EXTREFB)."""
    def __init__(self, pads, loc: str = "EXTREF0", rterm: bool = True):
        self.refclk = Signal()
        self.specials.extref = extref = Instance("EXTREFB",
            i_REFCLKP=pads.p,
            i_REFCLKN=pads.n,
            o_REFCLKO=self.refclk,
            p_REFCK_PWDNB="0b1",
            p_REFCK_RTERM="0b1" if rterm else "0b0",   # 100 ohm on chip, or on the board
        )
        extref.attr.add(("LOC", loc))


class _SGMIIECP5CRG(LiteXModule):
    """eth_tx/eth_rx (125 MHz) and eth_tx_half/eth_rx_half (62.5 MHz) from the DCU's clocks."""
    def __init__(self, serdes):
        self.cd_eth_tx = ClockDomain()
        self.cd_eth_rx = ClockDomain()
        self.cd_eth_tx_half = ClockDomain(reset_less=True)
        self.cd_eth_rx_half = ClockDomain(reset_less=True)

        # # #

        # The DCU clocks onto the global network first (DCCA), as A7_1000BASEX puts its
        # TXOUTCLK/RXOUTCLK through a BUFG before its PLLs.
        word_hz = serdes.tx_clk_freq
        txoutclk, rxoutclk = Signal(), Signal()
        self.specials += [
            Instance("DCCA", i_CLKI=serdes.txoutclk, i_CE=1, o_CLKO=txoutclk),
            Instance("DCCA", i_CLKI=serdes.rxoutclk, i_CE=1, o_CLKO=rxoutclk),
        ]
        self.tx_pll = tx_pll = ECP5PLL()
        tx_pll.register_clkin(txoutclk, word_hz)
        tx_pll.create_clkout(self.cd_eth_tx_half, word_hz, with_reset=False)
        tx_pll.create_clkout(self.cd_eth_tx, 2 * word_hz)
        self.rx_pll = rx_pll = ECP5PLL()
        rx_pll.register_clkin(rxoutclk, word_hz)
        rx_pll.create_clkout(self.cd_eth_rx_half, word_hz, with_reset=False)
        rx_pll.create_clkout(self.cd_eth_rx, 2 * word_hz)
        # The DCU clocks are only meaningful once SerdesInit says ready (TX PLL, RX CDR locked).
        self.comb += [tx_pll.reset.eq(~serdes.tx_ready), rx_pll.reset.eq(~serdes.rx_ready)]


class SGMIIPHYECP5(LiteXModule):
    """SGMII LiteEth PHY on one ECP5 SerDes channel (to an 88E1512 in SGMII-to-copper mode).

    Give either `serdes`, a SerDesECP5 at 1.25 Gbaud with data_width=20 that is
    not added anywhere else (this PHY adds it as a submodule and rewires its
    fabric ports), or `tx_pads`, `rx_pads` (p/n) and `refclk` (a Signal, e.g.
    SerDesECP5RefClk(...).refclk) with its frequency. Needs a sys clock domain
    (SerDesECP5's reset sequencer runs in it).

    LiteEth interface: sink/source (eth_phy_description(8)), crg.cd_eth_tx /
    crg.cd_eth_rx, tx_clk_freq/rx_clk_freq = 125 MHz, link_up (eth_tx).
    """
    dw = 8
    tx_clk_freq = ETH_CLK_HZ
    rx_clk_freq = ETH_CLK_HZ
    linerate = LINERATE

    def __init__(self, serdes=None, *, tx_pads=None, rx_pads=None, refclk=None,
                 refclk_freq: float = 125e6, dual: int = 0, channel: int = 0,
                 tx_polarity: int = 0, rx_polarity: int = 0,
                 timers: PCSTimers = HARDWARE_TIMERS, with_csr: bool = True, mdio_pads=None):
        from liteiclink.serdes.serdes_ecp5 import SerDesECP5, SerDesECP5PLL

        if serdes is None:
            if tx_pads is None or rx_pads is None or refclk is None:
                raise ValueError("SGMIIPHYECP5 needs either serdes= or tx_pads=, rx_pads= and refclk=")
            self.serdes_pll = SerDesECP5PLL(refclk, refclk_freq=refclk_freq, linerate=LINERATE)
            serdes = SerDesECP5(self.serdes_pll, tx_pads, rx_pads, dual=dual, channel=channel,
                                data_width=20, tx_polarity=tx_polarity, rx_polarity=rx_polarity)
        elif getattr(serdes, "nwords", None) != 2 or serdes.tx_clk_freq != WORD_CLK_HZ:
            raise ValueError(f"SGMIIPHYECP5 needs a SerDesECP5 at {LINERATE / 1e9} Gbaud with "
                             f"data_width=20 (got {serdes.tx_clk_freq / 1e6} MHz words)")
        self.serdes = serdes
        self.core = core = SGMIIWordPHY(word_width=20, timers=timers)
        self.crg = _SGMIIECP5CRG(serdes)

        self.sink = core.sink
        self.source = core.source
        self.link_up = core.link_up
        self.reset = Signal()         # sys: restart the SerDes reset sequence

        # # #

        # Raw code groups to/from the DCU, replacing SerDesECP5's fabric coder and PRBS.
        tx_bus = Signal(24)
        rx_bus = Signal(24)
        self.comb += [
            tx_bus[0:10].eq(core.tx_data[0:10]),
            tx_bus[12:22].eq(core.tx_data[10:20]),
            core.rx_data.eq(Cat(rx_bus[0:10], rx_bus[12:22])),
            serdes.init.rst.eq(self.reset),
        ]
        # Word alignment (the DCU's comma aligner / link state machine) enable, synchronised
        # into eth_rx_half: SerDesECP5 does this in its own "rx" domain (rxoutclk), which would
        # leave fabric flip-flops on the DCU's raw recovered clock, a net nextpnr cannot route
        # once that clock also feeds the DCCA below. PRBS is not used by this PHY.
        signal_detect = Signal()
        self.specials += MultiReg(serdes.rx_align, signal_detect, "eth_rx_half")
        serdes.serdes_params.update(
            i_CHX_FFC_SIGNAL_DETECT=signal_detect,
            **{f"i_CHX_FF_TX_D_{n}": tx_bus[n] for n in range(24)},
            **{f"o_CHX_FF_RX_D_{n}": rx_bus[n] for n in range(24)},
            i_CHX_FF_TXI_CLK=ClockSignal("eth_tx_half"),
            i_CHX_FF_RXI_CLK=ClockSignal("eth_rx_half"),
        )

        if mdio_pads is not None:
            from liteeth.phy.common import LiteEthPHYMDIO
            self.mdio = LiteEthPHYMDIO(mdio_pads)   # bit-banged by the host, see M88E1512_SGMII_INIT
        if with_csr:
            self.add_csr()

    def add_csr(self):
        self._status = CSRStatus(name="status", fields=[
            CSRField("link_up", size=1, description="Auto-negotiation done, data flowing."),
            CSRField("sgmii", size=1, description="The partner speaks SGMII (its config bit 0)."),
            CSRField("speed", size=2, description="Speed code in use: 2 = 1000, 1 = 100, 0 = 10 Mb/s."),
            CSRField("serdes_ready", size=1, description="SerDes TX PLL and RX CDR locked."),
        ])
        self._restarts = CSRStatus(32, name="restarts", description="Auto-negotiation restarts.")
        self._lp_config = CSRStatus(16, name="lp_config", description="Partner's last config register.")
        self._reset = CSRStorage(name="reset", description="Write 1 then 0 to restart the SerDes.")

        restarts = BusSynchronizer(32, "eth_tx", "sys")
        lp_config = BusSynchronizer(16, "eth_tx", "sys")
        self.submodules += restarts, lp_config
        self.comb += [
            restarts.i.eq(self.core.restarts),
            lp_config.i.eq(self.core.lp_config),
            self._restarts.status.eq(restarts.o),
            self._lp_config.status.eq(lp_config.o),
            self._status.fields.serdes_ready.eq(self.serdes.tx_ready & self.serdes.rx_ready),
            self.reset.eq(self._reset.storage),
        ]
        self.specials += [
            MultiReg(self.core.link_up, self._status.fields.link_up),
            MultiReg(self.core.lp_config[0], self._status.fields.sgmii),
            MultiReg(self.core.speed, self._status.fields.speed),
        ]

    def add_timing_constraints(self, platform):
        """Period constraints for the DCU clocks (the PLL outputs are derived by nextpnr/Diamond)."""
        platform.add_period_constraint(self.serdes.txoutclk, 1e9 / WORD_CLK_HZ)
        platform.add_period_constraint(self.serdes.rxoutclk, 1e9 / WORD_CLK_HZ)
