"""Inputs of a simulated-pair build, without importing LiteX (fast for the host).

The harness computes the pair's build directory from here on every pair
open, so a warm start does not pay migen's and LiteX's import time.
"""
from __future__ import annotations

from pathlib import Path

from sailbench.gateware.build.build_info import build_hash, verilator_version
from sailbench.gateware.profiles.lane_rates import DEFAULT_CODING, DEFAULT_LINE_RATE_GBPS, LineRate
from sailbench.gateware.profiles import BoardProfile

TARGET = "simpair"
ROLES = ("upstream", "downstream")

# What the simulated pair is built from (see build_info.build_hash).
PAIR_SOURCES = ("sim_c_modules/*/*.c", "__init__.py", "build/__init__.py", "build/build_info.py", "build/build_once.py", "build/manifest.py",
                "build/csr_export.py", "build/verilator.py", "profiles/__init__.py", "profiles/lane_rates.py",
                "soc/__init__.py", "soc/probe_soc.py", "soc/ethcore.py", "targets/__init__.py", "targets/sim.py",
                "targets/sim_options.py", "targets/sim_pair.py", "targets/sim_pair_options.py", "cores/*.py",
                "cores/*/*.py", "sim_models/*.py")

DEFAULT_RATE = LineRate(DEFAULT_LINE_RATE_GBPS, DEFAULT_CODING)


def pair_inputs(profile: BoardProfile, lanes: int, rate: LineRate = DEFAULT_RATE) -> dict:
    return {"target": TARGET, "profile": profile.to_dict(), "lanes": lanes, "verilator": verilator_version(),
            "line_rate_gbps": rate.line_rate_gbps, "coding": rate.coding}


def pair_build_dir(build_root: Path, profile: BoardProfile, lanes: int,
                   rate: LineRate = DEFAULT_RATE) -> tuple[Path, str]:
    """The build directory of the simulated pair: profile, lane count, line rate and code in its name."""
    h = build_hash(pair_inputs(profile, lanes, rate), PAIR_SOURCES)
    return build_root / f"{TARGET}-{profile.name}-{lanes}l-{rate.line_rate_gbps:g}g-{rate.coding}-{h}", h
