"""Judgement of a bench pair: lane payload rates, bit error ratios, the pair total.

- Payload rate per lane and direction from the receiver's cycle stamps (start
  of its first good frame, end of its last): bytes / ((last - first + 1) / word clock).
- BER from the bits the checker actually tested; with zero errors the figure
  reported is the 95 % upper bound 3 / bits (never "0"); with errors, the
  exact one-sided 95 % Poisson upper bound beside errors / bits. The line rate
  the bits were tested at is measured (bits / (cycles / clock)), not assumed.
- The pair total per direction (sum of the measured lanes) is judged against
  INTERCARD_BW_BYTES_PER_SEC with harness/verdict.py `judge`; the lane count
  measured is stated, and with fewer than 4 lanes the 4-lane projection is
  given, labelled as a projection (never judged as a measurement).
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any, Sequence

from sailbench.harness.judge.constants import INTERCARD
from sailbench.harness.units import mb_per_s
from sailbench.harness.judge.verdict import Verdict, judge

DESIGN_LANES = 4                 # INTERCARD = 4 lanes x 1.25 Gb/s x 8b/10b per direction
LANE_BAUD = 1_250_000_000        # inter-card lane line rate (baud)
LINE_CODE_EFFICIENCY = 0.8       # 8b/10b
DIRECTIONS = ("upstream->downstream", "downstream->upstream")


def lane_ceiling_bytes_per_s(baud: float = LANE_BAUD) -> float:
    """Payload ceiling of one 8b/10b lane: 1.25 Gbaud -> 125 MB/s."""
    return baud * LINE_CODE_EFFICIENCY / 8


@dataclass(frozen=True)
class LaneRate:
    lane: int
    direction: str
    frames: int
    bytes: int
    first_cycle: int
    last_cycle: int
    sys_clk_hz: float                    # the clock of the stamps (the lane's word clock)
    sequence_errors: int = 0
    ceiling_bytes_per_s: float = lane_ceiling_bytes_per_s()

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
class DirectionJudgement:
    direction: str
    lanes_measured: tuple[int, ...]
    total_bytes_per_s: float
    verdict: Verdict
    projection_bytes_per_s: float | None      # 4-lane projection when fewer lanes were measured
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {"direction": self.direction, "lanes_measured": list(self.lanes_measured),
                "lane_count": len(self.lanes_measured), "total_bytes_per_s": self.total_bytes_per_s,
                "verdict": self.verdict.to_dict(), "projection_bytes_per_s": self.projection_bytes_per_s,
                "projection_lanes": DESIGN_LANES if self.projection_bytes_per_s is not None else None,
                "message": self.message}


def judge_direction(direction: str, rates: Sequence[LaneRate], constant: float, tolerance: float,
                    slack: float) -> DirectionJudgement:
    """The pair total of one direction against INTERCARD, with the lane count and, under 4 lanes, a projection."""
    mine = sorted((r for r in rates if r.direction == direction), key=lambda r: r.lane)
    lanes = tuple(r.lane for r in mine)
    total = sum(r.rate_bytes_per_s for r in mine)
    verdict = judge(INTERCARD, constant, total, tolerance, slack)
    projection = None
    what = f"{direction}: {len(lanes)} lane{'s' if len(lanes) != 1 else ''} measured ({', '.join(map(str, lanes)) or 'none'})"
    if 0 < len(lanes) < DESIGN_LANES:
        projection = total / len(lanes) * DESIGN_LANES
        what += (f"; PROJECTION to {DESIGN_LANES} lanes (not measured): {mb_per_s(projection)} MB/s")
    return DirectionJudgement(direction, lanes, total, verdict, projection, f"{what}; {verdict.message}")
