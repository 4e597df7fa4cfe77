"""Simulation builds in the background, while the tests that need none run first.

A Verilator build of the probe SoC or of the simulated pair takes one to four minutes, and the
suite's end-to-end tests need seven of them; built on demand, the first test of each waits for
its build with one core idle. So the session runs the tests that need no simulator first (unit
tests, migen simulations in the test process, history, loader), and meanwhile one background
thread builds, one after another, the simulations the selected folders use, in the order they
will be asked for (background_build.py: a test that needs a build still being made waits for it).
"""
from __future__ import annotations

from pathlib import Path

import background_build
from background_build import Builder

# Folders whose tests start no simulator: they run first (a stable sort keeps each folder's order).
NO_SIMULATOR = ("tests/unit/", "tests/gateware/", "tests/history/", "tests/loader/")
LAST = ("tests/bitstream/",)

PROFILE = "versa-ecp5"      # the repository lab.yaml's simulated boards and pairs, and the test labs'


def _sim(**kw) -> Builder:
    def build(progress):
        from sailbench.harness.build.cache import ensure_sim_build
        return ensure_sim_build(PROFILE, progress=progress, **kw)
    return build


def _pair(**kw) -> Builder:
    def build(progress):
        from sailbench.harness.build.cache import ensure_pair_build
        return ensure_pair_build(PROFILE, 4, progress=progress, **kw)
    return build


# name -> the build, the same call the harness makes for it (same inputs, same build directory)
BUILDS = {
    "sim": _sim(),
    "pair": _pair(),
    "sim-sgmii": _sim(host_link="sgmii"),
    "sim-no-dram": _sim(with_dram=False),
    "sim-bare": _sim(with_dram=False, with_ethernet=False),
    "pair-2.5g": _pair(line_rate_gbps=2.5),
    "pair-64b66b": _pair(coding="64b66b"),
}
# folder or file -> the builds its tests use: a folder's common one, and the variants only some of
# its files use under those files (running one file prebuilds only what it needs). The order of the
# entries is the order the builds are first asked for. tests/unit/test_sim_prebuild.py checks the
# table against the files' sources (their build arguments, lab.yaml options and command lines).
USED_BY = {
    "tests/benchmarks/": ("sim",),
    "tests/board/": ("sim",),
    "tests/labgrid/": ("sim",),
    "tests/cli/": ("sim",),
    "tests/cli/test_acceptance_run.py": ("pair",),
    "tests/cli/test_bench_sgmii.py": ("sim-sgmii",),
    "tests/cli/test_outcome_scenarios.py": ("sim-bare", "pair"),
    "tests/nightly/": ("sim",),
    "tests/nightly/test_locks_and_bringup.py": ("sim-no-dram",),
    "tests/nightly/test_nightly.py": ("pair",),
    "tests/pair/": ("pair",),
    "tests/pair/test_pair_rates.py": ("pair-2.5g", "pair-64b66b"),
}


def rank(path: str) -> int:
    """0: needs no simulator, 1: end-to-end, 2: the bitstream tests (last)."""
    if any(part in path for part in NO_SIMULATOR):
        return 0
    return 2 if any(part in path for part in LAST) else 1


def run_order(items: list) -> None:
    """The tests that need no simulator first, the bitstream tests last, in place (stable)."""
    items.sort(key=lambda item: rank(str(item.fspath)))


def simulated_paths(items: list, board_simulated: bool, pair_simulated: bool) -> list[str]:
    """The paths of the `items` whose tests run a simulator. A test marked `board` runs on the
    session's board and one marked `lab_pair` on its pair: when that board or pair is hardware (a
    lab's acceptance run, `pytest --board versa-ecp5`) it needs no simulation, so none is built
    for it; such a run with no cable fails in seconds instead of leaving a Verilator build running."""
    paths: list[str] = []
    for item in items:
        names = {mark.name for mark in item.iter_markers()}
        if ("board" in names and not board_simulated) or ("lab_pair" in names and not pair_simulated):
            continue
        paths.append(str(item.fspath))
    return paths


def needed(paths: list[str]) -> list[str]:
    """The builds the tests at `paths` (in run order) use, in the order they are first needed."""
    names: list[str] = []
    for path in paths:
        for place, builds in USED_BY.items():
            if place in path:
                names += [b for b in builds if b not in names]
    return names


def start(names: list[str], log_path: Path) -> None:
    """Build the named simulations one after another in one background thread (each is wanted in
    that order; one Verilator build at a time leaves a core to the tests); progress to `log_path`."""
    background_build.start([(name, BUILDS[name]) for name in names], log_path, one_thread=True)
