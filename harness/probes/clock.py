"""The board's real system clock, from its cycle counter against host time.

Rates on hardware use the measured clock: a board whose oscillator or PLL is
off would otherwise report wrong bandwidths. The simulated board has no real
clock; it uses the nominal one and reports how fast the simulation ran.
"""
from __future__ import annotations

import time
from dataclasses import asdict, dataclass

from sailbench.harness.board.board import Board
from sailbench.harness.steps import layer_logger, step

logger = layer_logger("probes")


@dataclass
class ClockResult:
    board: str
    probe: str
    nominal_hz: float
    measured_hz: float | None     # None on the simulated board
    deviation: float | None       # measured / nominal - 1
    tolerance: float
    within_tolerance: bool
    used_hz: float                # what rates are computed with
    source: str                   # "measured" or "nominal (simulated board)"
    sim_cycles_per_host_s: float | None = None

    def to_record(self) -> dict:
        return asdict(self)

    @property
    def message(self) -> str:
        if self.measured_hz is None:
            speed = f"; simulation ran at {self.sim_cycles_per_host_s / 1e6:.2f} M cycles per host second" \
                if self.sim_cycles_per_host_s else ""
            return f"sys clock {self.nominal_hz / 1e6:.3f} MHz nominal (simulated board){speed}"
        state = "OK" if self.within_tolerance else "OFF NOMINAL"
        return (f"sys clock measured {self.measured_hz / 1e6:.4f} MHz vs nominal {self.nominal_hz / 1e6:.4f} MHz "
                f"({self.deviation * 100:+.3f} %, tolerance ±{self.tolerance * 100:.2f} %): {state}")


def _sample(board: Board) -> tuple[int, float]:
    """One (cycles, host time) pair; host time is the middle of the round trip."""
    t0 = time.monotonic()
    board.csr.write("cycles_latch", 1)
    t1 = time.monotonic()
    cycles = board.csr.read("cycles_value")
    return cycles, (t0 + t1) / 2


@step(logger, "sys clock probe")
def measure_sys_clk(board: Board, tolerance: float, duration_s: float = 3.0) -> ClockResult:
    nominal = float(board.nominal_sys_clk_hz)
    c0, t0 = _sample(board)
    time.sleep(duration_s)
    c1, t1 = _sample(board)
    per_host_s = (c1 - c0) / (t1 - t0) if t1 > t0 else 0.0
    if board.is_sim:
        return ClockResult(board.name, "clock", nominal, None, None, tolerance, True, nominal,
                           "nominal (simulated board)", sim_cycles_per_host_s=per_host_s)
    deviation = per_host_s / nominal - 1
    return ClockResult(board.name, "clock", nominal, per_host_s, deviation, tolerance,
                       abs(deviation) <= tolerance, per_host_s, "measured")


def rate_clock_hz(board: Board, tolerance: float, duration_s: float = 3.0) -> ClockResult:
    """The clock rates are computed with: nominal on the simulated board (no wait), measured on hardware."""
    if board.is_sim:
        nominal = float(board.nominal_sys_clk_hz)
        return ClockResult(board.name, "clock", nominal, None, None, tolerance, True, nominal,
                           "nominal (simulated board)")
    return measure_sys_clk(board, tolerance, duration_s)
