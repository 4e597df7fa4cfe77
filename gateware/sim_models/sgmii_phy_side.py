"""The PHY side of an SGMII link (the 88E1512's role), a simulation model.

liteeth's PCS is the MAC side only: it copies the partner's SGMII bit and
speed into its own config word and acknowledges. Two of them back to back
negotiate 1000BASE-X, not SGMII. To test SGMII auto-negotiation this module
plays the PHY: it advertises a config word of its own (bit 0 = SGMII, link,
full duplex, speed in bits 11:10), waits for the MAC to acknowledge it
(bits 0 and 14 set, seen 8 times unchanged), answers with its acknowledge
bit for the SGMII link timer, then carries data. A config word of zero from
the MAC (its break-link phase) or a check period without /C/ or /I/ sends it
back to break-link, as in the PCS.

It reuses liteeth's PCSTX/PCSRX (8b/10b, ordered sets, /S/ /T/ /R/ framing,
10x/100x byte replication at 100/10 Mb/s) and exposes the same interface as
the PCS (sink, source, tbi_tx, tbi_rx, link_up, restart, lp_abi), so
SGMIIWordPHY(pcs=SGMIIPHYSide(...)) wraps it like the real PCS. Its `source`
is the copper side's received stream (GMII-like: preamble, frame, FCS).
"""
from __future__ import annotations

from migen import ClockDomainsRenamer, FSM, If, NextState, Signal
from migen.genlib.cdc import PulseSynchronizer

from litex.gen import LiteXModule
from litex.gen.genlib.cdc import BusSynchronizer
from litex.gen.genlib.misc import WaitTimer
from litex.soc.interconnect import stream

from liteeth.common import eth_phy_description
from liteeth.phy.pcs_1000basex import PCSRX, PCSTX

from sailbench.gateware.phy.sgmii_ecp5 import HARDWARE_TIMERS, SPEED_CODE, PCSTimers


class SGMIIPHYSide(LiteXModule):
    def __init__(self, speed_mbps: int = 1000, full_duplex: bool = True,
                 timers: PCSTimers = HARDWARE_TIMERS, lsb_first: bool = True):
        self.tx = ClockDomainsRenamer("eth_tx")(PCSTX(lsb_first=lsb_first))
        self.rx = ClockDomainsRenamer("eth_rx")(PCSRX(lsb_first=lsb_first))
        self.tbi_tx = self.tx.encoder.output[0]
        self.tbi_rx = self.rx.decoder.input
        self.sink = stream.Endpoint(eth_phy_description(8))
        self.source = stream.Endpoint(eth_phy_description(8))

        # What the PHY advertises (eth_tx; change only while the link is down).
        self.speed = Signal(2, reset=SPEED_CODE[speed_mbps])
        self.full_duplex = Signal(reset=int(full_duplex))
        self.copper_link = Signal(reset=1)

        self.link_up = Signal()        # eth_tx
        self.restart = Signal()        # eth_tx, one cycle per restart
        self.lp_abi = BusSynchronizer(16, "eth_rx", "eth_tx")   # the MAC's last config word

        # # #

        self.comb += [
            self.sink.connect(self.tx.sink, omit={"last_be", "error"}),
            self.rx.source.connect(self.source, omit={"last_be", "error"}),
            self.tx.sgmii_speed.eq(self.speed),
            self.rx.sgmii_speed.eq(self.speed),   # static while data flows
        ]

        abilities = Signal(16)
        ack = Signal()
        self.comb += [
            abilities[0].eq(1),
            abilities[10:12].eq(self.speed),
            abilities[12].eq(self.full_duplex),
            abilities[14].eq(ack),
            abilities[15].eq(self.copper_link),
        ]

        # RX: a config word counts once seen 8 times unchanged (as the PCS does).
        rx_mac_ack = PulseSynchronizer("eth_rx", "eth_tx")
        rx_zero = PulseSynchronizer("eth_rx", "eth_tx")
        seen_valid_ci = PulseSynchronizer("eth_rx", "eth_tx")
        self.submodules += rx_mac_ack, rx_zero, seen_valid_ci
        count = Signal(4)
        last = Signal(16)
        config = self.rx.config_reg
        self.comb += seen_valid_ci.i.eq(self.rx.seen_valid_ci)
        self.sync.eth_rx += If(self.rx.seen_config_reg,
            last.eq(config),
            If(config != last,
                count.eq(8 - 1),
            ).Elif(count != 0,
                count.eq(count - 1),
            ),
            If(count == 0,
                rx_zero.i.eq(config == 0),
                rx_mac_ack.i.eq(config[0] & config[14]),
            ),
            self.lp_abi.i.eq(config),
        )

        # Checker: error when a whole period passes without /C/ or /I/.
        checker_max = timers.check_cycles
        checker_count = Signal(max=checker_max + 1)
        checker_tick = Signal()
        checker_error = Signal()
        self.sync.eth_tx += [
            checker_tick.eq(0),
            If(checker_count == 0,
                checker_tick.eq(1),
                checker_count.eq(checker_max),
            ).Else(
                checker_count.eq(checker_count - 1),
            ),
            If(seen_valid_ci.o, checker_error.eq(0)),
            If(checker_tick, checker_error.eq(1)),
        ]
        lost = Signal()
        self.comb += lost.eq(checker_tick & checker_error)

        breaklink_timer = ClockDomainsRenamer("eth_tx")(WaitTimer(timers.breaklink_cycles))
        link_timer = ClockDomainsRenamer("eth_tx")(WaitTimer(timers.sgmii_ack_cycles))
        self.submodules += breaklink_timer, link_timer

        self.fsm = fsm = ClockDomainsRenamer("eth_tx")(FSM(reset_state="BREAKLINK"))
        fsm.act("BREAKLINK",
            self.tx.config_valid.eq(1),          # config_reg left at 0
            breaklink_timer.wait.eq(1),
            If(breaklink_timer.done, NextState("ABILITY")),
        )
        fsm.act("ABILITY",
            self.tx.config_valid.eq(1),
            self.tx.config_reg.eq(abilities),
            If(rx_mac_ack.o, NextState("ACK")),
            If(lost, self.restart.eq(1), NextState("BREAKLINK")),
        )
        fsm.act("ACK",
            self.tx.config_valid.eq(1),
            ack.eq(1),
            self.tx.config_reg.eq(abilities),
            link_timer.wait.eq(1),
            If(link_timer.done, NextState("RUNNING")),
            If(lost, self.restart.eq(1), NextState("BREAKLINK")),
        )
        fsm.act("RUNNING",
            self.link_up.eq(1),
            # No new ordered sets (config_valid low), but one already started
            # ends with the acknowledged word, not zeros.
            ack.eq(1),
            self.tx.config_reg.eq(abilities),
            If(lost | rx_zero.o, self.restart.eq(1), NextState("BREAKLINK")),
        )
