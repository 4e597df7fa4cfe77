"""What a lab's acceptance run collects.

`pytest --board NAME` / `--pair NAME` with no test paths and no `--dev-tests` runs only the tests
marked `board`, `lab_pair` or `constants` (fixtures/selection.py); every other test is deselected.
Those tests all live in ACCEPTANCE_FOLDERS (tests/unit/test_collection_scope.py holds the tree to
it), so the other folders of tests/ are not even collected: importing the developer suite's
modules (migen, LiteX, the gateware) took most of such a run's time, up to a minute on a loaded
two-core machine, before a board with no cable failed each of its tests in a few hundredths of a
second.
"""
from __future__ import annotations

from pathlib import Path

ACCEPTANCE_FOLDERS = frozenset({"acceptance", "board", "pair"})
ACCEPTANCE_MARKERS = frozenset({"board", "lab_pair", "constants"})


def skip_folder(path: Path, tests_root: Path, acceptance: bool, dev_tests: bool) -> bool:
    """Whether an acceptance run leaves the folder `path` uncollected: a folder of tests/ (directly
    under it) outside ACCEPTANCE_FOLDERS, unless developer tests were asked for."""
    if not acceptance or dev_tests or path.parent != tests_root:
        return False
    return path.is_dir() and path.name not in ACCEPTANCE_FOLDERS
