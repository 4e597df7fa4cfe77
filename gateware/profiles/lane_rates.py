"""Inter-card lane line rates and line codes: the one mapping from (rate, coding) to the word clock
and the payload ceiling, used by the gateware (lane probe, simulated pair, the ECP5 SerDes wrapper)
and the harness (ceilings, the INTERCARD verdict, the lane sweep). No migen or LiteX here.

The DCU's fabric interface carries 20-bit words, so the word clock is the line rate / 20 whatever
the code: 8b/10b puts two code groups (2 payload bytes) in a word; 64b/66b puts 20 line bits of
its 66-bit blocks in a word (the gearbox), 64 payload bits per 66.
"""
from __future__ import annotations

from dataclasses import dataclass

WORD_BITS = 20
CODINGS = ("8b10b", "64b66b")
DEFAULT_CODING = "8b10b"
DEFAULT_LINE_RATE_GBPS = 1.25
# (payload bits, line bits) per code unit
CODE_EFFICIENCY = {"8b10b": (8, 10), "64b66b": (64, 66)}
# Line rates the lane probe supports (Gb/s): every ECP5UM DCU runs to 3.2 Gb/s, the ECP5-5G (UM5G) to 5.
LINE_RATES_GBPS = (1.25, 2.5, 3.125, 5.0)
FIVE_G_ONLY_GBPS = (5.0,)


def check_coding(coding: str) -> str:
    if coding not in CODINGS:
        raise ValueError(f"line code '{coding}' is not one of {', '.join(CODINGS)}")
    return coding


def check_line_rate(gbps: float, five_g: bool = True) -> float:
    """`gbps` if the lane probe supports it (5 Gb/s only on an ECP5-5G part); ValueError naming the options."""
    rate = float(gbps)
    allowed = [r for r in LINE_RATES_GBPS if five_g or r not in FIVE_G_ONLY_GBPS]
    if rate not in allowed:
        extra = "" if five_g else " (5 Gb/s needs an ECP5-5G part)"
        raise ValueError(f"line rate {gbps:g} Gb/s is not one of {', '.join(f'{r:g}' for r in allowed)} Gb/s{extra}")
    return rate


@dataclass(frozen=True)
class LineRate:
    """One lane's line rate and code: its word clock and payload ceiling (per lane and direction)."""
    line_rate_gbps: float = DEFAULT_LINE_RATE_GBPS
    coding: str = DEFAULT_CODING

    def __post_init__(self):
        check_coding(self.coding)
        if not self.line_rate_gbps > 0:
            raise ValueError(f"line rate must be > 0 Gb/s, not {self.line_rate_gbps}")

    @property
    def baud(self) -> float:
        return self.line_rate_gbps * 1e9

    @property
    def word_clk_hz(self) -> float:
        return self.baud / WORD_BITS

    @property
    def efficiency(self) -> float:
        payload, line = CODE_EFFICIENCY[self.coding]
        return payload / line

    @property
    def ceiling_bytes_per_s(self) -> float:
        """Payload ceiling of the code: 1.25 Gb/s x 8/10 = 125 MB/s; x 64/66 = 151.5 MB/s."""
        return self.baud * self.efficiency / 8

    @property
    def label(self) -> str:
        return f"{self.line_rate_gbps:g} Gb/s {self.coding}"

    def to_dict(self) -> dict:
        return {"line_rate_gbps": self.line_rate_gbps, "coding": self.coding, "word_clk_hz": self.word_clk_hz,
                "ceiling_bytes_per_s": self.ceiling_bytes_per_s}


def lanes_needed(constant_bytes_per_s: float, rate: LineRate) -> int:
    """Lanes at `rate` whose ceilings together reach `constant_bytes_per_s` (ceil)."""
    n = constant_bytes_per_s / rate.ceiling_bytes_per_s
    return max(1, int(n) + (0 if n == int(n) else 1))
