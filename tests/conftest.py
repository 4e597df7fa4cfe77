"""The developer suite's run order and its background simulation builds (tests/sim_prebuild.py)."""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import sim_prebuild  # noqa: E402


def pytest_configure(config):
    """A suite started in the background by a non-interactive shell (`nohup pytest &`, a CI script) inherits
    SIGINT ignored, and so would every sailbench it starts: the tests that stop a run with Ctrl-C (SIGINT)
    would wait on a child that cannot hear it. Python's own handler here makes the children start with
    SIGINT at its default again (a handled signal is reset on exec; an ignored one is not)."""
    import signal
    if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)


def pytest_collection_modifyitems(items):
    sim_prebuild.run_order(items)


def pytest_collection_finish(session):
    if session.config.option.collectonly:
        return
    names = sim_prebuild.needed([str(item.fspath) for item in session.items])
    if names:
        from sailbench.harness.build.cache import build_root
        sim_prebuild.start(names, build_root() / "sim-prebuild.log")
