"""Inputs of a simulated-board build, without importing LiteX (fast for the host).

The harness computes the build directory of a simulated board from here on
every start, so a warm start does not pay LiteX's import time.
"""
from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sailbench.gateware.build_info import build_hash
from sailbench.gateware.profiles import BoardProfile

TARGET = "sim"


@dataclass(frozen=True)
class SimOptions:
    """What varies between simulated boards (part of the build hash)."""
    with_dram: bool = True
    with_ethernet: bool = True

    def to_dict(self) -> dict:
        return {"with_dram": self.with_dram, "with_ethernet": self.with_ethernet}


def verilator_version() -> str:
    exe = shutil.which("verilator")
    if not exe:
        return "absent"
    return subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=30).stdout.strip()


def sim_inputs(profile: BoardProfile, options: SimOptions) -> dict:
    return {"target": TARGET, "profile": profile.to_dict(), "options": options.to_dict(),
            "verilator": verilator_version()}


# What the simulated board is built from (see build_info.build_hash).
SIM_SOURCES = ("__init__.py", "build_info.py", "profiles.py", "soc.py", "sim.py", "sim_options.py", "dram_info.py",
               "dram_settings.py", "cores/*.py")


def sim_build_dir(build_root: Path, profile: BoardProfile, options: SimOptions) -> tuple[Path, str]:
    h = build_hash(sim_inputs(profile, options), SIM_SOURCES)
    return build_root / f"{TARGET}-{profile.name}-{h}", h
