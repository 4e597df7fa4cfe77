"""Simulation builds in the background, while the tests that need none run first.

A Verilator build of the probe SoC or of the simulated pair takes one to four minutes, and the
suite's end-to-end tests need seven of them; built on demand, the first test of each waits for
its build with one core idle. So the session runs the tests that need no simulator first (unit
tests, migen simulations in the test process, history, loader), and meanwhile one background
thread builds, one after another, the simulations the selected folders use, in the order they
will be asked for. A test that needs a build still being made waits on the build cache's file lock
(never a second build); a finished build is a cache hit; a failed background build is not reported
here: the test's own call meets the same failure and reports it.
"""
from __future__ import annotations

import threading
import traceback
from pathlib import Path
from typing import Callable

# Folders whose tests start no simulator: they run first (a stable sort keeps each folder's order).
NO_SIMULATOR = ("tests/unit/", "tests/gateware/", "tests/history/", "tests/loader/")
LAST = ("tests/bitstream/",)

PROFILE = "versa-ecp5"      # the repository lab.yaml's simulated boards and pairs, and the test labs'

# name -> the build, the same call the harness makes for it (same inputs, same build directory)
def _sim(**kw) -> Callable[[Callable[[str], None]], object]:
    def build(progress):
        from sailbench.harness.build.cache import ensure_sim_build
        return ensure_sim_build(PROFILE, progress=progress, **kw)
    return build


def _pair(**kw) -> Callable[[Callable[[str], None]], object]:
    def build(progress):
        from sailbench.harness.build.cache import ensure_pair_build
        return ensure_pair_build(PROFILE, 4, progress=progress, **kw)
    return build


BUILDS = {
    "sim": _sim(),
    "pair": _pair(),
    "sim-sgmii": _sim(host_link="sgmii"),
    "sim-no-dram": _sim(with_dram=False),
    "sim-bare": _sim(with_dram=False, with_ethernet=False),
    "pair-2.5g": _pair(line_rate_gbps=2.5),
    "pair-64b66b": _pair(coding="64b66b"),
}
# folder -> the builds its tests use
USED_BY = {
    "tests/benchmarks/": ("sim",),
    "tests/board/": ("sim",),
    "tests/labgrid/": ("sim",),
    "tests/cli/": ("sim", "pair", "sim-sgmii", "sim-bare"),
    "tests/nightly/": ("sim", "sim-no-dram", "pair"),
    "tests/pair/": ("pair", "pair-2.5g", "pair-64b66b"),
}

_thread: threading.Thread | None = None


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
        for folder, builds in USED_BY.items():
            if folder in path:
                names += [b for b in builds if b not in names]
    return names


def start(names: list[str], log_path: Path) -> None:
    """Build each named simulation in order in one daemon thread; progress lines go to `log_path`."""
    global _thread
    if _thread is not None or not names:
        return
    log_path.parent.mkdir(parents=True, exist_ok=True)

    def run() -> None:
        with open(log_path, "a", buffering=1) as log:
            for name in names:
                log.write(f"prebuild {name}: start\n")
                try:
                    BUILDS[name](lambda m: log.write(f"[{name}] {m}\n"))
                    log.write(f"prebuild {name}: done\n")
                except Exception:   # the test's own call reports it
                    log.write(f"prebuild {name}: failed\n{traceback.format_exc()}\n")

    _thread = threading.Thread(target=run, name="simulation-prebuild", daemon=True)
    _thread.start()
