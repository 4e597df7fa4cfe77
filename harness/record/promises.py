"""What a board promises to measure, from lab.yaml: the run's `expected` section.

A simulated board promises what its `sim:` block builds (dram -> the DDR probe, ethernet -> the host
link); a hardware board what its profile has (a DRAM, an Ethernet PHY). record/outcome.py fails a run
in which a promised probe measured nothing (missing from the build, or silent), naming it.
"""
from __future__ import annotations

from typing import Any

from sailbench.harness.config import BoardConfig


def promised_probes(config: BoardConfig) -> list[str]:
    """The measuring probes ("ddr", "hostlink") lab.yaml says board `config` has."""
    if config.kind.simulated:
        sim = config.sim
        return [p for p, on in (("ddr", sim.dram if sim else True), ("hostlink", sim.ethernet if sim else True)) if on]
    from sailbench.gateware.profiles import ProfileError, get_profile
    try:
        profile = get_profile(config.profile)
    except ProfileError:         # an unknown profile fails the build with its own error; promise nothing here
        return []
    return [p for p, on in (("ddr", profile.dram is not None), ("hostlink", profile.has_ethernet)) if on]


def expected_section(config: BoardConfig, *, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    """The results file's `expected` section; `skip`: probes this run was asked not to run (e.g. a host-link
    count of 0), which are then not expected."""
    probes = [p for p in promised_probes(config) if p not in skip]
    source = f"lab.yaml boards.{config.name}" + (".sim" if config.kind.simulated else f" (profile {config.profile})")
    return {"probes": probes, "source": source, "skipped_by_request": list(skip)}
