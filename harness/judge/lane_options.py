"""Which lane count and line rate would make INTERCARD hold: the measured lane efficiency (payload
over the line code's ceiling) carried to every line rate the lane probe supports, under the same
tolerance and slack as the verdict. A projection from a measured efficiency, never a measurement."""
from __future__ import annotations

from dataclasses import dataclass

from sailbench.gateware.profiles.lane_rates import FIVE_G_ONLY_GBPS, LINE_RATES_GBPS, LineRate
from sailbench.harness.units import mb_per_s

MAX_LANES = 8          # options beyond this many lanes are not worth naming


@dataclass(frozen=True)
class LaneOption:
    lanes: int
    rate: LineRate
    projected_bytes_per_s: float

    def to_dict(self) -> dict:
        return {"lanes": self.lanes, "line_rate_gbps": self.rate.line_rate_gbps, "coding": self.rate.coding,
                "projected_bytes_per_s": self.projected_bytes_per_s}


def holding_options(constant: float, tolerance: float, slack: float, efficiency: float, coding: str,
                    five_g: bool = True) -> list[LaneOption]:
    """Per supported line rate (in `coding`), the fewest lanes whose projected total
    (lanes x efficiency x ceiling) lies where the constant holds: [c (1 - tolerance), c (1 + slack)]."""
    low, high = constant * (1 - tolerance), constant * (1 + slack)
    out = []
    for gbps in LINE_RATES_GBPS:
        if gbps in FIVE_G_ONLY_GBPS and not five_g:
            continue
        rate = LineRate(gbps, coding)
        for n in range(1, MAX_LANES + 1):
            total = n * efficiency * rate.ceiling_bytes_per_s
            if low <= total <= high:
                out.append(LaneOption(n, rate, total))
                break
            if total > high:
                break
    return out


def options_text(constant_name: str, constant: float, tolerance: float, slack: float, efficiency: float,
                 coding: str, five_g: bool = True) -> str:
    """'INTERCARD ... would hold with 4 lanes at 1.25 Gb/s or 2 lanes at 2.5 Gb/s (8b10b, at the measured
    99.3 % of the ceiling; projected)' or 'no lane count up to 8 at ...'."""
    if efficiency <= 0:
        return f"{constant_name}: no lane option projected (nothing measured)"
    opts = holding_options(constant, tolerance, slack, efficiency, coding, five_g)
    how = f"{coding}, at the measured {efficiency * 100:.1f} % of the ceiling per lane; projected, not measured"
    if not opts:
        return (f"{constant_name} {mb_per_s(constant)} MB/s would hold at no lane count up to {MAX_LANES} at any "
                f"supported line rate ({how})")
    ways = " or ".join(f"{o.lanes} lane{'s' if o.lanes != 1 else ''} at {o.rate.line_rate_gbps:g} Gb/s "
                       f"({mb_per_s(o.projected_bytes_per_s)} MB/s)" for o in opts)
    return f"{constant_name} {mb_per_s(constant)} MB/s would hold with {ways} ({how})"
