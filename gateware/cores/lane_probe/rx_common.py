"""What the lane probe's two receive sides share (8b/10b: rx.py, 64b/66b: rx_64b66b.py).

Their control and status signals and counters (the probe's CSRs see one receive side), signal
detect on the raw words, the PRBS checker on the raw words, the training stages' common ends
(reset, SerDes, PRBS; the error hold), the link state each stage reports, and the counting of a
good frame. Each side adds its own decode, training between SerDes and Up, and frame checker.
"""
from __future__ import annotations

from migen import If, Signal

from sailbench.gateware.cores.lane_probe.common import WORD_BITS, LaneTiming, LinkState, Stage
from sailbench.gateware.cores.lane_probe.counters import _Counted
from sailbench.gateware.cores.lane_probe.prbs_checker import _PRBSBitChecker

# Counters of the receive side, in the order they are created (name, width).
RX_COUNTERS = (("ups", 32), ("error_events", 32), ("train_cycle", 64), ("up_cycle", 64), ("code_errors", 32),
               ("disparity_errors", 32), ("prbs_bits", 64), ("prbs_errors", 64), ("prbs_lock_losses", 32),
               ("rx_frames", 32), ("rx_bytes", 64), ("rx_gaps", 32), ("rx_late", 32), ("rx_bad_frames", 32),
               ("rx_first_cycle", 64), ("rx_last_cycle", 64), ("rx_last_seq", 32))


class _LaneRXBase(_Counted):
    def _rx_ports(self, snap, rx_data) -> None:
        """The control inputs, status outputs and counters (RX_COUNTERS) of a receive side."""
        self._counters(snap)
        self.rx_data = Signal(WORD_BITS) if rx_data is None else rx_data
        self.serdes_ready = Signal()
        self.rx_idle = Signal()
        self.enable = Signal()
        self.retrain = Signal()
        self.prbs_config = Signal(2)
        self.error_window = Signal(16)
        self.error_threshold = Signal(16)
        self.error_hold = Signal(32)

        self.stage = Signal(3, reset=Stage.RESET)
        self.state = Signal(2)
        self.signal = Signal()
        self.partner_aligned = Signal()
        self.aligned = Signal()          # stage partner or up: tell the partner, take frames
        self.up = Signal()
        self.prbs_locked = Signal()

        for name, width in RX_COUNTERS:
            self.counter(name, width)

    def _signal_detect(self, timing: LaneTiming, raw) -> None:
        """`signal`: not an electrical idle, and not `quiet_words` words of all zeros or all ones."""
        quiet = Signal(max=timing.quiet_words + 1, reset=timing.quiet_words)
        self.sync += If((raw == 0) | (raw == 2**WORD_BITS - 1),
            If(quiet != timing.quiet_words, quiet.eq(quiet + 1)),
        ).Else(quiet.eq(0))
        self.comb += self.signal.eq(~self.rx_idle & (quiet != timing.quiet_words))

    def _stage_start(self, timing: LaneTiming, cycles, timer) -> If:
        """The training FSM's first tests, the same in both codes: disabled or retrained -> reset;
        reset for `reset_words`, then SerDes (stamping `train_cycle`); no signal or SerDes not
        ready -> SerDes; a PRBS selected -> PRBS. The caller chains its own stages on with
        `.Elif(...)`/`.Else(...)`."""
        c = self.live
        stage = self.stage
        return If(~self.enable | self.retrain,
            stage.eq(Stage.RESET), timer.eq(timing.reset_words),
        ).Elif(stage == Stage.RESET,
            If(timer == 0,
                stage.eq(Stage.SERDES), c["train_cycle"].eq(cycles),
            ).Else(timer.eq(timer - 1)),
        ).Elif(~self.signal | ~self.serdes_ready,
            stage.eq(Stage.SERDES),
        ).Elif(self.prbs_config != 0,
            stage.eq(Stage.PRBS),
        )

    def _error_stage(self, timing: LaneTiming, timer) -> If:
        """The Error stage: held `error_hold` words, then reset (an error_hold of 0 holds it until
        retrained)."""
        return If(self.error_hold != 0,
            If(timer <= 1,
                self.stage.eq(Stage.RESET), timer.eq(timing.reset_words),
            ).Else(timer.eq(timer - 1)),
        )

    def _link_state(self) -> None:
        """`aligned`, `up` and the link state the probe reports, from the training stage."""
        stage = self.stage
        self.comb += [
            self.aligned.eq((stage == Stage.PARTNER) | (stage == Stage.UP)),
            self.up.eq(stage == Stage.UP),
            If((stage == Stage.RESET) | ~self.signal, self.state.eq(LinkState.DOWN)
            ).Elif(stage == Stage.UP, self.state.eq(LinkState.UP)
            ).Elif(stage == Stage.ERROR, self.state.eq(LinkState.ERROR)
            ).Else(self.state.eq(LinkState.TRAINING)),
        ]

    def _prbs(self, timing: LaneTiming, raw) -> None:
        """PRBS checker on the raw words (a PRBS has no word boundary to find)."""
        c = self.live
        self.checker = checker = _PRBSBitChecker(WORD_BITS, timing.prbs_lock_words, timing.prbs_unlock_words)
        self.comb += [checker.config.eq(self.prbs_config), checker.i.eq(raw), self.prbs_locked.eq(checker.locked)]
        self.sync += [
            If(checker.checked,
                c["prbs_bits"].eq(c["prbs_bits"] + WORD_BITS), c["prbs_errors"].eq(c["prbs_errors"] + checker.errors),
            ),
            If(checker.lost, c["prbs_lock_losses"].eq(c["prbs_lock_losses"] + 1)),
        ]

    def _good_frame(self, payload_bytes, seq, sof_cycle, eof_cycle, have_first, expected) -> list:
        """The statements that count a good frame: frames and bytes, its sequence number, the first
        frame's SOF stamp and this one's EOF stamp, and a gap or a late frame against `expected`."""
        c = self.live
        return [
            c["rx_frames"].eq(c["rx_frames"] + 1),
            c["rx_bytes"].eq(c["rx_bytes"] + payload_bytes),
            c["rx_last_seq"].eq(seq),
            If(~have_first, have_first.eq(1), c["rx_first_cycle"].eq(sof_cycle)),
            c["rx_last_cycle"].eq(eof_cycle),
            # Serial-number arithmetic: the 32-bit sequence may wrap on long runs.
            If((seq - expected)[31],
                c["rx_late"].eq(c["rx_late"] + 1),
            ).Else(
                c["rx_gaps"].eq(c["rx_gaps"] + (seq - expected)[0:32]), expected.eq(seq + 1),
            ),
        ]
