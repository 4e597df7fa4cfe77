"""Judgement of a bench pair: lane payload rates, bit error ratios, the pair total.

- Payload rate per lane and direction from the receiver's cycle stamps (start
  of its first good frame, end of its last): bytes / ((last - first + 1) / word clock).
- BER from the bits the checker actually tested; with zero errors the figure
  reported is the 95 % upper bound 3 / bits (never "0"); with errors, the
  exact one-sided 95 % Poisson upper bound beside errors / bits. The line rate
  the bits were tested at is measured (bits / (cycles / clock)), not assumed.
- The pair total per direction is judged against INTERCARD_BW_BYTES_PER_SEC
  (harness/judge/verdict.py `judge`) only on what that constant describes: all
  4 lanes of one direction running at once, measured as one aggregate in one
  hardware window (the lane group starts every lane and latches every lane in
  the same sys cycle: total bytes over the common window from the first frame's
  start on any lane to the last frame's end on any lane, every stamp mapped to
  the sys cycle counter through that latch). A lane that delivered no frame does not count (it is a
  failed measurement, judge/lane_faults.py); more than 4 lanes are judged per 4 lanes. With fewer lanes (by lab.yaml or a
  lane down) the verdict is "not judged: 3 of 4 lanes"; the per-lane figure is
  reported against the constant's per-lane share, and the 4-lane projection
  stays labelled a projection. A build without a lane group (each lane started
  and read on its own) gives a sum of separate windows: "not judged" too.
"""
from __future__ import annotations

import dataclasses
import math
from dataclasses import asdict, dataclass
from typing import Any, Sequence

from sailbench.gateware.profiles.lane_rates import LineRate
from sailbench.harness.judge.constants import INTERCARD
from sailbench.harness.judge.lane_options import options_text
from sailbench.harness.units import mb_per_s
from sailbench.harness.judge.verdict import NOT_JUDGED, Verdict, judge

DESIGN_LANES = 4                 # INTERCARD = 4 lanes x 1.25 Gb/s x 8b/10b per direction
LANE_BAUD = 1_250_000_000        # inter-card lane line rate (baud)
LINE_CODE_EFFICIENCY = 0.8       # 8b/10b
UPSTREAM_TO_DOWNSTREAM = "upstream->downstream"
DOWNSTREAM_TO_UPSTREAM = "downstream->upstream"
DIRECTIONS = (UPSTREAM_TO_DOWNSTREAM, DOWNSTREAM_TO_UPSTREAM)
RECEIVED_BY = {"downstream": UPSTREAM_TO_DOWNSTREAM, "upstream": DOWNSTREAM_TO_UPSTREAM}   # role -> what it receives


def lane_ceiling_bytes_per_s(baud: float = LANE_BAUD, coding: str = "8b10b") -> float:
    """Payload ceiling of one lane: 1.25 Gbaud 8b/10b -> 125 MB/s, 64b/66b -> 151.5 MB/s (gateware/profiles/lane_rates.py)."""
    return LineRate(baud / 1e9, coding).ceiling_bytes_per_s


def counted_clock_hz(cycles: int, sys_cycles: int, sys_hz: float) -> float | None:
    """A clock counted against the sys cycle counter in one hardware window (lane group latches):
    `cycles` of it in `sys_cycles` of sys at `sys_hz`; None when either count is empty."""
    return cycles / sys_cycles * sys_hz if sys_cycles > 0 and cycles > 0 else None


@dataclass(frozen=True)
class LaneRate:
    lane: int
    direction: str
    frames: int
    bytes: int
    first_cycle: int
    last_cycle: int
    sys_clk_hz: float                    # the clock of the stamps (the lane's word clock, measured when it can be)
    sequence_errors: int = 0
    ceiling_bytes_per_s: float = lane_ceiling_bytes_per_s()
    latch_cycle: int | None = None       # the lane's RX word counter at the lane group's latch

    @property
    def rate_bytes_per_s(self) -> float:
        """bytes / ((last - first + 1) / clock): the stamps are the first frame's start, the last one's end."""
        if self.frames < 1 or self.last_cycle < self.first_cycle or not self.sys_clk_hz:
            return 0.0
        return self.bytes / ((self.last_cycle - self.first_cycle + 1) / self.sys_clk_hz)

    @property
    def efficiency(self) -> float:
        return self.rate_bytes_per_s / self.ceiling_bytes_per_s if self.ceiling_bytes_per_s else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "rate_bytes_per_s": self.rate_bytes_per_s, "efficiency": self.efficiency}


def poisson_upper_95(errors: int) -> float:
    """One-sided 95 % upper bound on the mean of a Poisson count (3 for zero, by the rule of three)."""
    if errors < 0:
        raise ValueError(f"error count must be >= 0, got {errors}")
    if errors == 0:
        return 3.0

    def cdf(lam: float) -> float:
        term = total = math.exp(-lam)
        for k in range(1, errors + 1):
            term *= lam / k
            total += term
        return total

    lo, hi = float(errors), errors + 10.0 * math.sqrt(errors) + 10.0
    for _ in range(100):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if cdf(mid) > 0.05 else (lo, mid)
    return hi


@dataclass(frozen=True)
class BitErrorRatio:
    lane: int
    direction: str
    pattern: str
    errors: int
    bits: int
    cycles: int
    sys_clk_hz: float

    @property
    def seconds(self) -> float:
        return self.cycles / self.sys_clk_hz if self.sys_clk_hz else 0.0

    @property
    def line_rate_bps(self) -> float:
        """The rate the bits were actually tested at."""
        return self.bits / self.seconds if self.seconds else 0.0

    @property
    def ber(self) -> float | None:
        """errors / bits when errors were seen; None with zero errors (see upper_95)."""
        if self.bits <= 0 or self.errors == 0:
            return None
        return self.errors / self.bits

    @property
    def upper_95(self) -> float | None:
        return poisson_upper_95(self.errors) / self.bits if self.bits > 0 else None

    def text(self) -> str:
        if self.bits <= 0:
            return "no bits tested"
        if self.errors == 0:
            return f"< {self.upper_95:.1e} (95 %, 0 errors in {self.bits:.3g} bits)"
        return f"{self.ber:.2e} ({self.errors} errors in {self.bits:.3g} bits; 95 % upper {self.upper_95:.1e})"

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "seconds": self.seconds, "line_rate_bps": self.line_rate_bps, "ber": self.ber,
                "ber_upper_95": self.upper_95, "text": self.text()}


@dataclass(frozen=True)
class GroupWindow:
    """The lanes of one receiving board, started together and latched together by its lane group: the
    latch's sys cycle and each lane's word counter at that same instant tie every lane's stamps to sys."""
    latch_sys_cycle: int
    sys_clk_hz: float                    # measured on hardware, nominal on a simulated pair

    def to_sys(self, rate: LaneRate, word_cycle: float) -> float:
        """A stamp of `rate`'s lane (word cycles) on the sys cycle counter."""
        if rate.latch_cycle is None or not rate.sys_clk_hz:
            raise ValueError(f"lane {rate.lane} {rate.direction}: no word counter at the group latch")
        return self.latch_sys_cycle - (rate.latch_cycle - word_cycle) * self.sys_clk_hz / rate.sys_clk_hz


def one_window_aggregate(rates: Sequence[LaneRate], window: GroupWindow) -> tuple[float, float]:
    """(bytes/s, seconds): every lane's bytes over the common window, from the first frame's start on any
    lane to the last frame's end on any lane (all lanes started in one cycle, stamps tied to sys)."""
    got = [r for r in rates if r.frames >= 1 and r.last_cycle >= r.first_cycle]
    if not got:
        return 0.0, 0.0
    start = min(window.to_sys(r, r.first_cycle) for r in got)
    end = max(window.to_sys(r, r.last_cycle + 1) for r in got)
    seconds = (end - start) / window.sys_clk_hz
    return (sum(r.bytes for r in got) / seconds if seconds > 0 else 0.0), seconds


@dataclass(frozen=True)
class DirectionJudgement:
    direction: str
    lanes_measured: tuple[int, ...]
    total_bytes_per_s: float
    verdict: Verdict
    projection_bytes_per_s: float | None      # 4-lane projection when fewer lanes were measured
    message: str
    one_window: bool = False                  # the total is one aggregate over one hardware window
    window_s: float | None = None
    per_lane_bytes_per_s: float | None = None           # with fewer lanes: total / lanes
    per_lane_share_bytes_per_s: float | None = None     # the constant's per-lane share (constant / 4)
    line_rate: LineRate = LineRate()                    # the lanes' line rate and code
    options: str = ""                                   # which lane count and rate would make the constant hold

    @property
    def per_lane_text(self) -> str | None:
        """The labelled per-lane line (fewer lanes than the constant describes), or None."""
        if self.per_lane_bytes_per_s is None or not self.per_lane_share_bytes_per_s:
            return None
        n = len(self.lanes_measured)
        return (f"{self.direction}: PER LANE {mb_per_s(self.per_lane_bytes_per_s)} MB/s (mean of {n} lane"
                f"{'s' if n != 1 else ''}) against the constant's per-lane share "
                f"{mb_per_s(self.per_lane_share_bytes_per_s)} MB/s ({INTERCARD} / {DESIGN_LANES}): "
                f"{self.per_lane_bytes_per_s / self.per_lane_share_bytes_per_s:.2f}x (reported, not a verdict)")

    def to_dict(self) -> dict[str, Any]:
        return {"direction": self.direction, "lanes_measured": list(self.lanes_measured),
                "lane_count": len(self.lanes_measured), "design_lanes": DESIGN_LANES,
                "total_bytes_per_s": self.total_bytes_per_s, "one_window": self.one_window,
                "window_s": self.window_s,
                "verdict": self.verdict.to_dict(), "projection_bytes_per_s": self.projection_bytes_per_s,
                "projection_lanes": DESIGN_LANES if self.projection_bytes_per_s is not None else None,
                "per_lane_bytes_per_s": self.per_lane_bytes_per_s,
                "per_lane_share_bytes_per_s": self.per_lane_share_bytes_per_s,
                "per_lane_text": self.per_lane_text, "message": self.message,
                "line_rate_gbps": self.line_rate.line_rate_gbps, "coding": self.line_rate.coding,
                "lane_ceiling_bytes_per_s": self.line_rate.ceiling_bytes_per_s, "lane_options": self.options}


def _not_judged(verdict: Verdict, reason: str, why: str) -> Verdict:
    message = (f"{verdict.constant} {NOT_JUDGED}: {reason} ({why}); measured {mb_per_s(verdict.measured_bytes_per_s)} "
               f"MB/s, the constant {mb_per_s(verdict.constant_bytes_per_s)} MB/s; {ASSUMED}")
    return dataclasses.replace(verdict, verdict=NOT_JUDGED, reason=reason, message=message)


ASSUMED = (f"{INTERCARD} assumes {DESIGN_LANES} lanes x {LANE_BAUD / 1e9:g} Gb/s x 8b/10b = "
           f"{mb_per_s(DESIGN_LANES * lane_ceiling_bytes_per_s())} MB/s per direction")


def judge_direction(direction: str, rates: Sequence[LaneRate], constant: float, tolerance: float,
                    slack: float, window: GroupWindow | None = None, line_rate: LineRate = LineRate(),
                    five_g: bool = True) -> DirectionJudgement:
    """One direction against INTERCARD, on the lane count and rate the constant assumes (ASSUMED, stated in
    the verdict): judged only on all 4 lanes measured at once in one window (`window`, the receiving board's
    lane group latch). A lane that delivered no frame is not measured (record/outcome.py fails the run
    naming it). Fewer lanes: "not judged" with the reason, the per-lane figure against the constant's
    per-lane share and the 4-lane projection. More lanes: the per-4-lane figure (total x 4 / n) is judged,
    never the bigger total. Whatever the verdict, the message ends with the lane counts and line rates that
    would make the constant hold, projected from the measured per-lane efficiency at `line_rate` (`five_g`:
    the part runs 5 Gb/s)."""
    mine = sorted((r for r in rates if r.direction == direction and r.frames >= 1), key=lambda r: r.lane)
    silent = sorted(r.lane for r in rates if r.direction == direction and r.frames < 1)
    lanes = tuple(r.lane for r in mine)
    n = len(lanes)
    seconds = None
    if window is not None and mine:
        total, seconds = one_window_aggregate(mine, window)
    else:
        total = sum(r.rate_bytes_per_s for r in mine)
    judged_figure = total * DESIGN_LANES / n if n > DESIGN_LANES else total
    verdict = judge(INTERCARD, constant, judged_figure, tolerance, slack)
    verdict = dataclasses.replace(verdict, message=f"{verdict.message}; {ASSUMED}")
    how = (f"one window of {seconds * 1e3:.3f} ms, all lanes started and latched together" if seconds is not None
           else "sum of per-lane windows")
    what = f"{direction}: {n} lane{'s' if n != 1 else ''} measured ({', '.join(map(str, lanes)) or 'none'}; {how})"
    if silent:
        what += f"; lane{'s' if len(silent) != 1 else ''} {', '.join(map(str, silent))} received no frame"
    projection = per_lane = share = None
    if n > DESIGN_LANES:
        what += (f"; {n} lanes total {mb_per_s(total)} MB/s, judged PER {DESIGN_LANES} LANES: "
                 f"{mb_per_s(judged_figure)} MB/s")
    if n < DESIGN_LANES:
        verdict = _not_judged(verdict, f"{n} of {DESIGN_LANES} lanes",
                              f"the constant is per direction over all {DESIGN_LANES} lanes")
        if n:
            per_lane, share = total / n, constant / DESIGN_LANES
            projection = per_lane * DESIGN_LANES
            what += f"; PROJECTION to {DESIGN_LANES} lanes (not measured): {mb_per_s(projection)} MB/s"
    elif window is None:
        verdict = _not_judged(verdict, "lanes not measured at once",
                              "this build has no lane group: each lane started and read in its own window")
    efficiency = total / n / line_rate.ceiling_bytes_per_s if n else 0.0
    options = options_text(INTERCARD, constant, tolerance, slack, efficiency, line_rate.coding, five_g)
    what = what.replace(f"{direction}: ", f"{direction} ({line_rate.label}): ", 1)
    j = DirectionJudgement(direction, lanes, total, verdict, projection, "", window is not None and bool(mine),
                           seconds, per_lane, share, line_rate, options)
    message = f"{what}; {verdict.message}" + (f"; {j.per_lane_text}" if j.per_lane_text else "") + f"; {options}"
    return dataclasses.replace(j, message=message)
