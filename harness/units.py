"""Printing rates: bytes/s in code, MB/s (10^6 bytes/s) only when shown."""
from __future__ import annotations

MB = 1_000_000


def mb_per_s(bytes_per_s: float) -> str:
    """`497.1 MB/s` style number without the unit: one decimal, MB = 10^6 bytes."""
    return f"{bytes_per_s / MB:.1f}"


def ratio_text(ratio: float) -> str:
    """`0.25x`; small ratios keep two significant digits (`0.0012x`)."""
    if ratio != 0 and abs(ratio) < 0.1:
        return f"{ratio:.2g}x"
    return f"{ratio:.2f}x"


def percent(fraction: float) -> str:
    """`82.9 %`."""
    return f"{fraction * 100:.1f} %"
