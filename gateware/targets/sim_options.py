"""Inputs of a simulated-board build, without importing LiteX (fast for the host).

The harness computes the build directory of a simulated board from here on
every start, so a warm start does not pay LiteX's import time.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sailbench.gateware.build.build_info import build_hash, verilator_version
from sailbench.gateware.profiles import BoardProfile

TARGET = "sim"
HOST_LINKS = ("tap", "sgmii")     # SimOptions.host_link


@dataclass(frozen=True)
class SimOptions:
    """What varies between simulated boards (part of the build hash).

    `sys_clk_hz`: the simulated board's sys clock (lab.yaml boards.NAME.sim.sys_clk_hz);
    None is the profile's. The DRAM timings, the PHY latencies, the ratio of the sys to
    the I/O clock in the simulation and every rate the host computes follow it.

    `host_link`: what carries the Ethernet to the TAP (lab.yaml boards.NAME.sim.host_link):
    "tap", the plain sim wire (no preamble/FCS), or "sgmii", liteeth's PCS, the SerDes word
    model and the SGMII PHY-side model (gateware/targets/sim_sgmii.py, GbE's framing costs)."""
    with_dram: bool = True
    with_ethernet: bool = True
    sys_clk_hz: int | None = None
    host_link: str = "tap"

    def __post_init__(self):
        if self.sys_clk_hz is not None and not 1_000_000 <= self.sys_clk_hz <= 250_000_000:
            raise ValueError(f"simulated sys clock {self.sys_clk_hz} Hz: expected 1 MHz .. 250 MHz")
        if self.host_link not in HOST_LINKS:
            raise ValueError(f"simulated host link {self.host_link!r}: expected one of {', '.join(HOST_LINKS)}")

    def to_dict(self) -> dict:
        d = {"with_dram": self.with_dram, "with_ethernet": self.with_ethernet}
        if self.sys_clk_hz is not None:       # the profile's clock leaves the options (and hash) as before
            d["sys_clk_hz"] = self.sys_clk_hz
        if self.host_link != "tap":           # likewise the plain TAP wire
            d["host_link"] = self.host_link
        return d

    def for_profile(self, profile: BoardProfile) -> "SimOptions":
        """The canonical options: a clock equal to the profile's is the profile's (one build)."""
        if self.sys_clk_hz == profile.sys_clk_hz:
            return SimOptions(self.with_dram, self.with_ethernet, None, self.host_link)
        return self

    def sys_clk_of(self, profile: BoardProfile) -> int:
        return self.sys_clk_hz or profile.sys_clk_hz


def sim_inputs(profile: BoardProfile, options: SimOptions) -> dict:
    return {"target": TARGET, "profile": profile.to_dict(), "options": options.to_dict(),
            "verilator": verilator_version()}


# What the simulated board is built from (see build_info.build_hash).
SIM_SOURCES = ("__init__.py", "build/__init__.py", "build/build_info.py", "build/build_once.py", "build/manifest.py",
               "build/csr_export.py", "build/verilator.py", "profiles/__init__.py", "profiles/dram_jedec.py",
               "soc/__init__.py", "soc/probe_soc.py", "soc/ethcore.py", "soc/dram_info.py", "soc/dram_settings.py",
               "soc/dram_pins.py", "targets/__init__.py", "targets/sim.py", "targets/sim_options.py",
               "targets/sim_sgmii.py", "phy/__init__.py", "phy/sgmii_ecp5.py", "sim_models/*.py", "cores/*.py",
               "cores/*/*.py")


def sim_build_dir(build_root: Path, profile: BoardProfile, options: SimOptions) -> tuple[Path, str]:
    h = build_hash(sim_inputs(profile, options.for_profile(profile)), SIM_SOURCES)
    return build_root / f"{TARGET}-{profile.name}-{h}", h
