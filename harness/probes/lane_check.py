"""SerDes bring-up per lane: lock, alignment and a short PRBS with its bound, naming the lane's
channel and pins, so that a bad cable or connector shows as one lane.

For each lane of the receiving board (`rx`), fed by the sending board (`tx`;
the same board with a loopback cable):
- locked: the lane probe got past its `reset` and `serdes` stages (the
  SerDes reports ready: reference clock, PLL, and a CDR locked on the
  incoming signal, which a cut cable never gives);
- aligned: the lane is Up with its partner aligned (8b/10b sync, comma
  alignment, the far end seen);
- PRBS: on the aligned lanes, PRBS31 for `seconds`, counted by the
  receiver's checker over a latched window; the bit error ratio, or with no
  errors its 95 % upper bound (rule of three: 3 / bits), with the checker's
  lock losses.
A lane passes when it is locked, aligned, tested some bits and saw no errors
and no lock loss. Everything else names the lane, its ECP5 DCU channel and,
where the platform wires it, its pins, and what to check.

Channels: a bitstream's manifest names each lane's channel and the balls of
its pads (`lane.channels`, exported from the board's LiteX platform at build
time: on the Versa-ECP5 lane 0 is the SMA pair on DCU0 CH1). The simulated
pair's lanes have no channel: lane i is shown as DCU i//2, channel i%2 (the
ECP5-5G has two channels per DCU, see docs BRIEF) with the pins of the
profile's table where it has them; the sail card has no pin map yet.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable

from sailbench.harness.judge.pair import BitErrorRatio, counted_clock_hz
from sailbench.harness.probes.lanes import Lanes

NOT_LOCKED = ("reset", "serdes")


def lane_place(profile: str, lane: int, channels=None) -> str:
    """Where lane `lane` is wired. A bitstream's manifest says it (`lane.channels`: the channel and
    the pads' balls the build used); without one (the simulated pair's virtual lanes), lane i is
    taken as DCU i//2 CH i%2, named by the profile file's channel there (its connector and pads)."""
    ch = next((c for c in channels or () if c.lane == lane), None)
    if ch is not None:
        pins = ch.pins or {}
        return (f"{ch.serdes}, {ch.tx_pads}: TX {pins.get('tx') or '?'}, {ch.rx_pads}: RX "
                f"{pins.get('rx') or '?'}")
    return f"DCU{lane // 2} CH{lane % 2}, {_profile_channel(profile, lane // 2, lane % 2)}"


def _profile_channel(profile: str, dual: int, channel: int) -> str:
    from sailbench.gateware.profiles import ProfileError, get_profile
    try:
        prof = get_profile(profile)
    except ProfileError:
        return "no such profile"
    wired = (*prof.lanes, *prof.optional_lanes, *((prof.sgmii_channel,) if prof.sgmii_channel else ()))
    c = next((c for c in wired if (c.dual, c.channel) == (dual, channel)), None)
    if c is None:
        return "not wired to a connector in the profile"
    return f"{c.connector or 'no connector named'}: TX {c.tx_pads}, RX {c.rx_pads}"


@dataclass
class LaneCheck:
    lane: int
    place: str
    state: str
    stage: str
    locked: bool
    aligned: bool
    ber: BitErrorRatio | None = None
    lock_losses: int = 0
    # The lane's recovered RX word clock, counted against the sys cycle counter over the PRBS
    # window (lane group latches; None without a lane group), its nominal and the tolerance.
    rx_word_clk_hz: float | None = None
    nominal_word_clk_hz: float | None = None
    clock_tolerance: float = 0.005
    # An unlocked lane's own TX word clock, counted by its clock meter (`lane<i>_clock`): 0 means
    # the transmit PLL has no reference clock, which no cable explains. None: not measured.
    tx_clock_cycles: int | None = None

    @property
    def clock_off(self) -> bool:
        """The recovered word clock is off nominal beyond the tolerance (a wrong reference clock or PLL)."""
        return (self.rx_word_clk_hz is not None and bool(self.nominal_word_clk_hz)
                and abs(self.rx_word_clk_hz / self.nominal_word_clk_hz - 1) > self.clock_tolerance)

    @property
    def passed(self) -> bool:
        return (self.locked and self.aligned and self.ber is not None and self.ber.bits > 0
                and self.ber.errors == 0 and self.lock_losses == 0 and not self.clock_off)

    def clock_text(self) -> str:
        if self.rx_word_clk_hz is None:
            return ""
        return f", RX word clock {self.rx_word_clk_hz / 1e6:.4f} MHz"

    def text(self) -> str:
        name = f"lane {self.lane} ({self.place})"
        if not self.locked and self.tx_clock_cycles == 0:
            return (f"{name}: NOT LOCKED (stage '{self.stage}') and its own TX word clock does not run (clock "
                    f"meter counted 0): the SerDes reference clock (its oscillator, enable and EXTREF pins) or "
                    f"the PLL setting, not the cable")
        if not self.locked:
            return (f"{name}: NOT LOCKED (stage '{self.stage}'): the receiver has no signal to lock to: this "
                    f"lane's cable or connector, or the far end's TX (every lane so: the reference clock and PLL)")
        if not self.aligned:
            return (f"{name}: locked but NOT ALIGNED (state {self.state}, stage '{self.stage}'): no 8b/10b "
                    f"commas from the far end: this lane's cable or connector, or the far end's TX")
        if self.ber is None or self.ber.bits <= 0:
            return f"{name}: aligned, but the PRBS checker tested no bits (it never locked on the pattern)"
        prbs = f"{self.ber.pattern.upper()} {self.ber.text()}"
        if self.ber.errors or self.lock_losses:
            losses = f", {self.lock_losses} checker lock losses" if self.lock_losses else ""
            return f"{name}: aligned, {prbs}{losses}: marginal lane: its cable, connector or equalisation"
        if self.clock_off:
            return (f"{name}: locked, aligned, {prbs}, but its RX word clock is {self.rx_word_clk_hz / 1e6:.4f} MHz, "
                    f"nominal {self.nominal_word_clk_hz / 1e6:.4f} MHz ({self.rx_word_clk_hz / self.nominal_word_clk_hz - 1:+.3%}, "
                    f"tolerance ±{self.clock_tolerance:.2%}): the far end's reference clock or its SerDes PLL setting")
        return f"{name}: locked, aligned, {prbs}{self.clock_text()}"

    def to_dict(self) -> dict:
        return {"lane": self.lane, "place": self.place, "state": self.state, "stage": self.stage,
                "locked": self.locked, "aligned": self.aligned, "lock_losses": self.lock_losses,
                "rx_word_clk_hz": self.rx_word_clk_hz, "nominal_word_clk_hz": self.nominal_word_clk_hz,
                "tx_clock_cycles": self.tx_clock_cycles,
                "passed": self.passed, "ber": self.ber.to_dict() if self.ber else None, "text": self.text()}


METER_WINDOW = 4096         # sys cycles: a running 62.5 MHz word clock counts ~3400 in it


def tx_clock_cycles(csr, lane: int, window: int = METER_WINDOW, timeout_s: float = 2.0) -> int | None:
    """The lane's TX word clock cycles over `window` sys cycles, from its clock meter
    (gateware/cores/clock_meter.py, `lane<i>_clock_*`); None if the build has no meter there."""
    name = f"lane{lane}_clock"
    if f"{name}_start" not in csr.regmap:
        return None
    csr.write(f"{name}_window", window)
    csr.write(f"{name}_start", 1)
    deadline = time.monotonic() + timeout_s
    while not csr.read(f"{name}_done"):
        if time.monotonic() > deadline:
            return None
        time.sleep(0.005)
    return csr.read(f"{name}_tx_cycles")


def _subset(lanes: Lanes, which: list[int]) -> Lanes:
    return Lanes(lanes.csr, which, {"control": lanes.control_fields, "status": lanes.status_fields}, lanes.board)


def check_lanes(tx: Lanes, rx: Lanes, profile: str, pattern: str = "prbs31", seconds: float = 0.2,
                settle_s: float = 3.0, during: Callable[[], None] | None = None,
                direction: str = "", channels=None, sys_clk_hz: float | None = None,
                clock_tolerance: float = 0.005) -> list[LaneCheck]:
    """Every lane of `rx` checked: lock, alignment, then PRBS on the aligned ones (see above).
    `during` runs inside the PRBS window (tests inject errors there); `channels`: the receiving
    build's manifest `lane.channels` (where each lane is wired), if it has them. With a lane group
    on `rx` and `sys_clk_hz` (measured, or nominal), each lane's recovered RX word clock is counted
    against the sys cycle counter over the PRBS window and checked against nominal."""
    deadline = time.monotonic() + settle_s
    while True:
        states = rx.states()
        if all(s["aligned"] for s in states.values()) or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    checks = {i: LaneCheck(i, lane_place(profile, i, channels), s["state"], s["stage"], s["stage"] not in NOT_LOCKED
                           or s["state"] == "Up", s["aligned"]) for i, s in states.items()}
    for i, c in checks.items():
        if not c.locked:                   # a dead reference clock, or the cable?
            c.tx_clock_cycles = tx_clock_cycles(rx.csr, i)
    up = [i for i, c in checks.items() if c.aligned]
    if up:
        t, r = _subset(tx, up), _subset(rx, up)
        ends = [t] if t.csr is r.csr else [t, r]
        for e in ends:
            e.prbs(pattern)
        try:
            time.sleep(0.1)                       # the checkers lock within a few dozen words
            r.clear()
            before = r.group_latch()
            if during:
                during()
            time.sleep(seconds)
            after = r.group_latch()
        finally:
            for e in ends:
                e.prbs(None)
        hz = float(r.word_clk_hz())
        d_sys = (after["sys_cycle"] - before["sys_cycle"]
                 if after["sys_cycle"] is not None and before["sys_cycle"] is not None else 0)
        for i in up:
            v, v0 = after["lanes"][i], before["lanes"][i]
            d_word = v["rx_cycles"] - v0["rx_cycles"]
            measured = counted_clock_hz(d_word, d_sys, sys_clk_hz) if sys_clk_hz else None
            if measured is not None:
                checks[i].rx_word_clk_hz = measured
                checks[i].nominal_word_clk_hz, checks[i].clock_tolerance = hz, clock_tolerance
            checks[i].ber = BitErrorRatio(i, direction or "loopback", pattern, v["prbs_errors"] - v0["prbs_errors"],
                                          v["prbs_bits"] - v0["prbs_bits"], d_word, hz)
            checks[i].lock_losses = v["prbs_lock_losses"] - v0["prbs_lock_losses"]
    return [checks[i] for i in sorted(checks)]
