"""LaneProbe: the CSR wrapper. CSRs in sys, the TX and RX logic in the word clock domains, every
control resynchronised into them and every counter latched out of them (docs/lane_probe.md)."""
from __future__ import annotations

from migen import Cat, ClockDomainsRenamer, Signal
from migen.genlib.cdc import BusSynchronizer, MultiReg, PulseSynchronizer

from litex.gen import LiteXModule
from litex.soc.interconnect.csr import CSR, CSRField, CSRStatus, CSRStorage

from sailbench.gateware.cores.lane_probe.common import WORD_BITS, WORD_CLK_HZ, LaneTiming
from sailbench.gateware.cores.lane_probe.rx import _LaneRX
from sailbench.gateware.cores.lane_probe.rx_64b66b import _LaneRX66
from sailbench.gateware.cores.lane_probe.tx import _LaneTX
from sailbench.gateware.cores.lane_probe.tx_64b66b import _LaneTX66
from sailbench.gateware.profiles.lane_rates import CODINGS, DEFAULT_CODING

# coding -> (TX side, RX side, value of the line_code CSR)
_SIDES = {"8b10b": (_LaneTX, _LaneRX, 0), "64b66b": (_LaneTX66, _LaneRX66, 1)}

_DESCRIPTIONS = {
    "ups": (32, "Times the lane came Up."),
    "error_events": (32, "Times the lane went to Error."),
    "train_cycle": (64, "Cycle (rx) training last started (local reset released)."),
    "up_cycle": (64, "Cycle (rx) the lane last came Up; minus train_cycle = cycles to Up."),
    "code_errors": (32, "Invalid code groups received while Up."),
    "disparity_errors": (32, "Running disparity errors received while Up."),
    "prbs_bits": (64, "PRBS bits checked while locked."),
    "prbs_errors": (64, "PRBS bit errors while locked (each flipped line bit once)."),
    "prbs_lock_losses": (32, "Times the PRBS checker lost lock."),
    "tx_frames": (32, "Frames sent since `start`."),
    "tx_bytes": (64, "Payload bytes sent since `start`."),
    "tx_first_cycle": (64, "Cycle (tx) the first frame since `start` began."),
    "tx_last_cycle": (64, "Cycle (tx) the last frame ended."),
    "tx_cycles": (64, "TX word clock cycle count at `latch`."),
    "rx_frames": (32, "Good frames received."),
    "rx_bytes": (64, "Payload bytes in good frames."),
    "rx_gaps": (32, "Sequence numbers missing between good frames (bad frames included)."),
    "rx_late": (32, "Good frames older than the newest seen (duplicate, reordered, restart; "
                    "sequence numbers compare modulo 2**32)."),
    "rx_bad_frames": (32, "Frames received damaged: CRC, code error, truncated, EOF without SOF."),
    "rx_first_cycle": (64, "Cycle (rx) the first good frame began."),
    "rx_last_cycle": (64, "Cycle (rx) the last good frame ended."),
    "rx_last_seq": (32, "Sequence number of the last good frame."),
    "rx_cycles": (64, "RX word clock cycle count at `latch`."),
}


class LaneProbe(LiteXModule):
    """One SerDes channel: `tx_data` (tx_cd) and `rx_data` (rx_cd), 20-bit words, bit 0 first.

    rx_ready / tx_ready: the SerDes is initialised (PLL, CDR); rx_idle: loss of signal.
    They may come from any domain (resynchronised). `cycles`: a counter in the word
    domain for the stamps (only when tx_cd == rx_cd); default: the probe's own.
    `coding`: the line code in fabric, "8b10b" (two code groups a word) or "64b66b" (scrambled
    66-bit blocks through a gearbox); the CSRs are the same, `line_code` says which.
    """
    def __init__(self, cycles: Signal | None = None, tx_cd: str = "sys", rx_cd: str = "sys",
                 word_clk_hz: float = WORD_CLK_HZ, timing: LaneTiming = LaneTiming(),
                 coding: str = DEFAULT_CODING):
        if coding not in _SIDES:
            raise ValueError(f"LaneProbe: line code '{coding}' is not one of {', '.join(CODINGS)}")
        self.coding = coding
        tx_side, rx_side, code_value = _SIDES[coding]
        if cycles is not None and tx_cd != rx_cd:
            raise ValueError(f"LaneProbe: one `cycles` counter cannot stamp both {tx_cd} and {rx_cd}; "
                             "leave cycles=None to count each word clock")
        self.timing = timing
        self.tx_data = Signal(WORD_BITS)
        self.rx_data = Signal(WORD_BITS)
        self.rx_ready = Signal()
        self.tx_ready = Signal(reset=1)
        self.rx_idle = Signal()
        # sys pulses from a LaneGroup (gateware/cores/lane_group.py): every lane started / latched at once
        self.group_start = Signal()
        self.group_latch = Signal()

        self.control = CSRStorage(fields=[
            CSRField("enable", size=1, reset=1, description="0 holds the lane Down (local reset)."),
            CSRField("tx_prbs", size=2, description="TX: 0 8b/10b (idles, frames), 1 PRBS7, 2 PRBS15, 3 PRBS31."),
            CSRField("rx_prbs", size=2, description="RX checker: 0 8b/10b (training, frames), 1 PRBS7, "
                                                    "2 PRBS15, 3 PRBS31."),
        ])
        self.retrain = CSR()
        self.clear = CSR()
        self.latch = CSR()
        self.status = CSRStatus(fields=[
            CSRField("state", size=2, description="Link state: 0 Down, 1 Training, 2 Up, 3 Error.", values=[
                ("0", "Down"), ("1", "Training"), ("2", "Up"), ("3", "Error")]),
            CSRField("stage", size=3, description="Training stage: 0 reset, 1 serdes, 2 sync (8b/10b lock), "
                                                  "3 align (comma), 4 partner, 5 up, 6 error, 7 prbs."),
            CSRField("serdes_ready", size=1, description="SerDes rx_ready & tx_ready."),
            CSRField("signal", size=1, description="Signal present (no LOS, bit transitions seen)."),
            CSRField("partner_aligned", size=1, description="The partner's idles say its RX is aligned."),
            CSRField("prbs_locked", size=1, description="PRBS checker locked."),
            CSRField("tx_busy", size=1, description="Frame generator running or a frame in flight."),
        ])
        self.word_clk_hz = CSRStatus(32, reset=int(word_clk_hz), description="Word clock (Hz); 20 line bits per word.")
        self.line_code = CSRStatus(1, reset=code_value, description="Line code in fabric: 0 8b/10b, 1 64b/66b.")
        self.error_window = CSRStorage(16, reset=1024, description="Words per error window while Up (>= 1).")
        self.error_threshold = CSRStorage(16, reset=16, description="Code/disparity errors in one window "
                                          "that make the lane Error (0: never).")
        self.error_hold = CSRStorage(32, reset=62_500, description="Words in Error before retraining "
                                     "(0: stay until `retrain`).")
        self.payload_words = CSRStorage(16, reset=1024, description="Payload words (2 bytes) per frame, >= 1.")
        self.count = CSRStorage(32, description="Frames to send on `start` (0: until `stop`, which ends "
                                "after the frame in flight).")
        self.start = CSR()
        self.stop = CSR()
        for name, (width, description) in _DESCRIPTIONS.items():
            setattr(self, name, CSRStatus(width, name=name, description=description + " Latched."))

        # # #

        def rename(module, cd):
            return module if cd == "sys" else ClockDomainsRenamer(cd)(module)

        # Snapshots are written straight into the CSRs' status signals (static between latches).
        snap = {name: getattr(self, name).status for name in _DESCRIPTIONS}
        self.tx = tx = rename(tx_side(cycles, snap, tx_data=self.tx_data), tx_cd)
        self.rx = rx = rename(rx_side(timing, cycles, snap, rx_data=self.rx_data), rx_cd)

        def level(sig, cd, src="sys"):
            if cd == src:
                return sig
            out = Signal.like(sig)
            self.specials += MultiReg(sig, out, cd)
            return out

        def pulse(sig, cd):
            if cd == "sys":
                return sig
            sync = PulseSynchronizer("sys", cd)
            self.submodules += sync
            self.comb += sync.i.eq(sig)
            return sync.o

        fields = self.control.fields
        serdes_ready = Signal()
        rx_idle = Signal()
        self.specials += [
            MultiReg(self.rx_ready & self.tx_ready, serdes_ready, rx_cd),
            MultiReg(self.rx_idle, rx_idle, rx_cd),
        ]
        self.comb += [
            rx.serdes_ready.eq(serdes_ready),
            rx.rx_idle.eq(rx_idle),
            rx.enable.eq(level(fields.enable, rx_cd)),
            rx.retrain.eq(pulse(self.retrain.re, rx_cd)),
            rx.prbs_config.eq(level(fields.rx_prbs, rx_cd)),
            rx.error_window.eq(level(self.error_window.storage, rx_cd)),
            rx.error_threshold.eq(level(self.error_threshold.storage, rx_cd)),
            rx.error_hold.eq(level(self.error_hold.storage, rx_cd)),
            rx.clear.eq(pulse(self.clear.re, rx_cd)),
            rx.latch.eq(pulse(self.latch.re | self.group_latch, rx_cd)),
            tx.prbs_config.eq(level(fields.tx_prbs, tx_cd)),
            tx.aligned.eq(level(rx.aligned, tx_cd, rx_cd)),
            tx.link_up.eq(level(rx.up, tx_cd, rx_cd)),
            tx.payload_words.eq(level(self.payload_words.storage, tx_cd)),
            tx.count.eq(level(self.count.storage, tx_cd)),
            tx.start.eq(pulse(self.start.re | self.group_start, tx_cd)),
            tx.stop.eq(pulse(self.stop.re, tx_cd)),
            tx.clear.eq(pulse(self.clear.re, tx_cd)),
            tx.latch.eq(pulse(self.latch.re | self.group_latch, tx_cd)),
        ]
        live = Cat(rx.state, rx.stage, serdes_ready, rx.signal, rx.partner_aligned, rx.prbs_locked)
        if rx_cd == "sys":
            live_sys = live
        else:
            sync = BusSynchronizer(len(live), rx_cd, "sys")
            self.submodules += sync
            self.comb += sync.i.eq(live)
            live_sys = sync.o
        self.comb += [
            Cat(*[getattr(self.status.fields, f) for f in
                  ("state", "stage", "serdes_ready", "signal", "partner_aligned", "prbs_locked")]).eq(live_sys),
            self.status.fields.tx_busy.eq(level(tx.busy, "sys", tx_cd)),
        ]
