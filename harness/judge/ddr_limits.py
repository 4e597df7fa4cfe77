"""Can a DDR constant be reached at all? The FPGA family's DDR3 rate limit against the constant.

A LOCAL_DDR verdict on its own says the board delivers less than the
scheduler assumes; the scheduler engineer's next question is whether a faster
DDR clock would fix it. Each profile carries its FPGA family's DDR3 limit as
data (ECP5: 800 Mb/s per pin, Lattice DS1044 / FPGA-TN-02035), the manifest
exports it with the data width (`dram.max_transfers_per_s`), and this says
one of:

- "optimistic even at the physical limit: x16 at 800 MT/s = 1.6 GB/s < 2.0 GB/s";
- "reachable at a faster DDR clock: needs >= N MT/s" (N at the efficiency
  measured now, which is what the probe gets from the controller), capped by
  the limit.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace

from sailbench.harness.judge.verdict import OPTIMISTIC, Verdict


@dataclass(frozen=True)
class DdrLimit:
    data_width: int              # DQ bits wired (16 = x16)
    transfers_per_s: float       # the build's DDR rate
    max_transfers_per_s: float   # the FPGA family's DDR3 limit per pin

    @property
    def max_peak_bytes_per_s(self) -> float:
        return self.max_transfers_per_s * self.data_width / 8

    def needed_transfers_per_s(self, constant_bytes_per_s: float, efficiency: float) -> float:
        """DDR rate at which `efficiency` x peak reaches the constant."""
        return constant_bytes_per_s / (self.data_width / 8) / efficiency


def limit_from_manifest(dram) -> DdrLimit | None:
    """From the manifest's `dram` record (DramInfo); None for a build whose manifest predates
    the limit (nothing is said then)."""
    if dram is None or not dram.max_transfers_per_s:
        return None
    return DdrLimit(int(dram.data_width), float(dram.transfers_per_s), float(dram.max_transfers_per_s))


def _gb(x: float) -> str:
    return f"{x / 1e9:.1f} GB/s"


def reachability(limit: DdrLimit, constant_bytes_per_s: float, efficiency: float) -> str:
    """One sentence on whether the constant is reachable on this family's DDR3."""
    peak = limit.max_peak_bytes_per_s
    mts = limit.max_transfers_per_s / 1e6
    if constant_bytes_per_s > peak:
        return (f"optimistic even at the physical limit: x{limit.data_width} at {mts:.0f} MT/s = {_gb(peak)} "
                f"< {_gb(constant_bytes_per_s)}")
    if efficiency <= 0:
        return f"reachable only below the physical limit's peak ({_gb(peak)}); no efficiency measured"
    need = limit.needed_transfers_per_s(constant_bytes_per_s, efficiency)
    if need > limit.max_transfers_per_s:
        return (f"optimistic even at the physical limit at the measured {efficiency * 100:.1f} % efficiency: "
                f"needs {math.ceil(need / 1e6)} MT/s, x{limit.data_width} tops out at {mts:.0f} MT/s")
    if need <= limit.transfers_per_s:
        return "reachable at the build's DDR clock"
    return (f"reachable at a faster DDR clock: needs >= {math.ceil(need / 1e6)} MT/s "
            f"(at the measured {efficiency * 100:.1f} % efficiency; the limit is {mts:.0f} MT/s)")


def with_reachability(verdict: Verdict, limit: DdrLimit | None, efficiency: float) -> Verdict:
    """An OPTIMISTIC LOCAL_DDR verdict with the reachability sentence appended to its message."""
    if limit is None or verdict.verdict != OPTIMISTIC:
        return verdict
    return replace(verdict, message=f"{verdict.message}; {reachability(limit, verdict.constant_bytes_per_s, efficiency)}")
