"""The ECP5 DCU's TX PLL and CDR settings for a lane line rate and reference clock. No migen here.

The DCU's internal bit clock is the reference clock times the TX PLL multiplier
(D_REFCK_MODE: 8, 10, 16, 20 or 25); the line rate is that clock divided by
D_TX_VCO_CK_DIV (1, 2, 4, 8, 16 or 32), and the receiver's CDR divides its own
oscillator by the same CHx_RX_DCO_CK_DIV. Lattice's generated configurations
agree with this (PCIe 2.5 Gb/s: 100 MHz x 25 / 1; a 2.0 Gb/s 8b/10b link:
200 MHz x 10 / 1), as do liteiclink's SerDesECP5PLL and LUNA's ECP5 USB3 PHY
(5 Gb/s on an ECP5-5G: 200 MHz x 25 / 1).

Of the settings that make the rate, the one with the fastest bit clock is taken
(liteiclink's rule: 1.25 Gb/s from 156.25 MHz is x16 / 2, a 2.5 GHz bit clock),
but never above what the part's DCU runs: 3.2 Gb/s on an ECP5UM, 5 Gb/s on an
ECP5-5G. A rate the reference clock cannot make (3.125 Gb/s from 100 MHz) is
refused with one line that names the reference clocks that would.

D_TX_MAX_RATE and CHx_CDR_MAX_RATE are set to the line rate, as Lattice's tools
write them (nextpnr does not encode them; they document the configuration).
The fabric word clock is the line rate / 20 (the DCU's 1:2 gearbox, 20-bit words).
"""
from __future__ import annotations

from dataclasses import dataclass

MULTIPLIERS = (8, 10, 16, 20, 25)
DIVIDERS = (1, 2, 4, 8, 16, 32)
REFCK_MODE = {25: "0b100", 20: "0b000", 16: "0b010", 10: "0b001", 8: "0b011"}      # D_REFCK_MODE
CK_DIV = {32: "0b111", 16: "0b110", 8: "0b101", 4: "0b100", 2: "0b010", 1: "0b000"}  # TX_VCO / RX_DCO
MAX_BIT_CLOCK_HZ = {False: 3.2e9, True: 5.0e9}          # ECP5UM, ECP5-5G (UM5G)
REFCLK_RANGE_HZ = (50e6, 320e6)                          # EXTREFB inputs the table below considers
WORD_BITS = 20


class DcuPllError(ValueError):
    """A line rate the DCU cannot make from this reference clock (or on this part)."""


@dataclass(frozen=True)
class DcuPllSetting:
    line_rate_hz: float
    refclk_hz: float
    multiplier: int
    divider: int

    @property
    def bit_clock_hz(self) -> float:
        return self.refclk_hz * self.multiplier

    @property
    def word_clk_hz(self) -> float:
        return self.line_rate_hz / WORD_BITS

    @property
    def max_rate(self) -> str:
        """The rate as Lattice's tools spell it for D_TX_MAX_RATE / CHx_CDR_MAX_RATE ("1.25", "5.0")."""
        gbps = self.line_rate_hz / 1e9
        return f"{gbps:.1f}" if gbps == int(gbps) else f"{gbps:g}"

    def pll_config(self) -> dict:
        """liteiclink SerDesECP5PLL's `config` for this setting (SerDesECP5 reads m, d and linerate)."""
        return {"clkin": self.refclk_hz, "m": self.multiplier, "d": self.divider,
                "vco_freq": self.bit_clock_hz, "linerate": self.line_rate_hz}

    def dcua_params(self) -> dict[str, str]:
        """The DCUA parameters that follow the rate, CHX_ for each channel (dcu_ecp5.py renames them)."""
        return {"p_D_REFCK_MODE": REFCK_MODE[self.multiplier], "p_D_TX_VCO_CK_DIV": CK_DIV[self.divider],
                "p_D_TX_MAX_RATE": self.max_rate, "p_CHX_RX_DCO_CK_DIV": CK_DIV[self.divider],
                "p_CHX_CDR_MAX_RATE": self.max_rate}

    def text(self) -> str:
        return (f"{self.line_rate_hz / 1e9:g} Gb/s = {self.refclk_hz / 1e6:g} MHz x {self.multiplier} / "
                f"{self.divider} (bit clock {self.bit_clock_hz / 1e9:g} GHz), words at {self.word_clk_hz / 1e6:g} MHz")


def _settings(line_rate_hz: float, refclk_hz: float, five_g: bool) -> list[DcuPllSetting]:
    top = MAX_BIT_CLOCK_HZ[five_g]
    out = []
    for d in DIVIDERS:
        for m in MULTIPLIERS:
            bit_clock = refclk_hz * m
            if abs(bit_clock / d - line_rate_hz) < 1.0 and bit_clock <= top * (1 + 1e-9):
                out.append(DcuPllSetting(line_rate_hz, refclk_hz, m, d))
    return out


def refclks_for(line_rate_hz: float, five_g: bool) -> list[float]:
    """Reference clocks (in REFCLK_RANGE_HZ) from which the DCU makes `line_rate_hz`, slowest first."""
    found = {line_rate_hz * d / m for d in DIVIDERS for m in MULTIPLIERS}
    lo, hi = REFCLK_RANGE_HZ
    return sorted(f for f in found if lo <= f <= hi and _settings(line_rate_hz, f, five_g))


def dcu_pll_setting(line_rate_gbps: float, refclk_hz: float, five_g: bool, where: str = "") -> DcuPllSetting:
    """The TX PLL / CDR setting for `line_rate_gbps` from `refclk_hz` on an ECP5UM (`five_g` False) or
    ECP5-5G; DcuPllError, one line naming the rate, the reference clock and the ones that work."""
    rate = float(line_rate_gbps) * 1e9
    top = MAX_BIT_CLOCK_HZ[five_g]
    prefix = f"{where}: " if where else ""
    if rate > top * (1 + 1e-9):
        part = "an ECP5-5G (LFE5UM5G)" if five_g else "an ECP5UM (5 Gb/s needs an ECP5-5G part)"
        raise DcuPllError(f"{prefix}line rate {line_rate_gbps:g} Gb/s is above the {top / 1e9:g} Gb/s the DCU of "
                          f"{part} runs")
    settings = _settings(rate, refclk_hz, five_g)
    if not settings:
        works = ", ".join(f"{f / 1e6:.7g}" for f in refclks_for(rate, five_g))
        raise DcuPllError(f"{prefix}the DCU cannot make {line_rate_gbps:g} Gb/s from a {refclk_hz / 1e6:g} MHz "
                          f"reference clock (x{'/'.join(map(str, MULTIPLIERS))}, /{'/'.join(map(str, DIVIDERS))}); "
                          f"reference clocks that can: {works} MHz")
    return max(settings, key=lambda s: s.bit_clock_hz)
