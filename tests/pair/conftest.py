"""Bench pair tests: a lab with the repository's two simulated pairs, its own locks and results."""
from __future__ import annotations

from pathlib import Path

import pytest

from sailbench.harness.config import load_lab

LAB = """\
default_board: sim
boards:
  sim: {kind: sim}
pairs:
  sim-pair: {kind: sim, profile: versa-ecp5, upstream: sim-pair-up, downstream: sim-pair-down, lanes: 4}
  sim-pair-2: {kind: sim, profile: versa-ecp5, upstream: sim-pair-2-up, downstream: sim-pair-2-down, lanes: 4}
locks: {dir: locks, wait_s: 5}
results: {dir: results}
"""


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/pair/" in str(item.fspath):
            item.add_marker(pytest.mark.pair)


@pytest.fixture
def pair_lab(tmp_path: Path):
    path = tmp_path / "lab.yaml"
    path.write_text(LAB)
    return load_lab(path)


@pytest.fixture(scope="session")
def pair_lanes() -> list[int]:
    """Lane probes in the simulated pair's build (built if needed)."""
    from sailbench.harness.build.cache import ensure_pair_build
    from sailbench.harness.build.manifest import read_build_manifest
    from sailbench.harness.transport.regmap import RegisterMap
    from sailbench.harness.probes.lanes import lane_indexes
    build = ensure_pair_build("versa-ecp5", 4, progress=lambda m: print(m, flush=True))
    manifest = read_build_manifest(build)
    return lane_indexes(RegisterMap.from_json(build / manifest.boards["upstream"].csr_json))


@pytest.fixture
def needs_lanes(pair_lanes):
    """The lane indexes; a build without lane probes FAILS the lane tests (it used to skip them, so a lost
    lane probe went unnoticed): every simulated pair build has one per lane."""
    if not pair_lanes:
        pytest.fail("the simulated pair's build has no lane probes (gateware/targets/sim_pair.py without lane<i> CSRs): "
                    "the lane tests cannot measure anything", pytrace=False)
    return pair_lanes
