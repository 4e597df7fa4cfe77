"""The developer suite's run order and its background simulation builds (tests/sim_prebuild.py);
what a lab's acceptance run collects (tests/collection_scope.py)."""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import collection_scope  # noqa: E402
import sim_prebuild  # noqa: E402

TESTS = Path(__file__).resolve().parent


def pytest_ignore_collect(collection_path, config):
    from sailbench.fixtures.plugin import CHOICE
    choice = config.stash.get(CHOICE, None)
    if choice is not None and collection_scope.skip_folder(Path(collection_path).resolve(), TESTS, choice.selection.acceptance,
                                                           choice.selection.dev_tests):
        return True
    return None


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
    board_simulated, pair_simulated = _chosen_kinds(session.config)
    names = sim_prebuild.needed(sim_prebuild.simulated_paths(session.items, board_simulated, pair_simulated))
    if names:
        from sailbench.harness.build.cache import build_root
        sim_prebuild.start(names, build_root() / "sim-prebuild.log")


def _chosen_kinds(config) -> tuple[bool, bool]:
    """Whether the session's board and pair (the sailbench plugin's choice) are simulated."""
    from sailbench.fixtures.plugin import CHOICE
    choice = config.stash.get(CHOICE, None)
    if choice is None:
        return True, True
    board = choice.lab.board(choice.board).kind.simulated
    pair = choice.pair is None or choice.lab.pair(choice.pair).kind.simulated
    return board, pair
