"""The developer suite's run order and its background simulation builds (tests/sim_prebuild.py)."""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import sim_prebuild  # noqa: E402


def pytest_collection_modifyitems(items):
    sim_prebuild.run_order(items)


def pytest_collection_finish(session):
    if session.config.option.collectonly:
        return
    names = sim_prebuild.needed([str(item.fspath) for item in session.items])
    if names:
        from sailbench.harness.build.cache import build_root
        sim_prebuild.start(names, build_root() / "sim-prebuild.log")
