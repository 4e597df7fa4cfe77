"""tests/collection_scope.py: an acceptance run collects only the folders that hold its tests."""
import ast
from pathlib import Path

import collection_scope
from collection_scope import ACCEPTANCE_FOLDERS, ACCEPTANCE_MARKERS, skip_folder

TESTS = Path(__file__).resolve().parents[1]


def test_an_acceptance_run_skips_the_developer_folders_only():
    for name in ("unit", "gateware", "bitstream", "cli", "nightly", "loader", "history", "labgrid", "benchmarks"):
        assert skip_folder(TESTS / name, TESTS, acceptance=True, dev_tests=False), name
    for name in sorted(ACCEPTANCE_FOLDERS):
        assert not skip_folder(TESTS / name, TESTS, acceptance=True, dev_tests=False), name
    assert not skip_folder(TESTS / "unit" / "board", TESTS, acceptance=True, dev_tests=False)   # only tests/'s folders
    assert not skip_folder(TESTS / "conftest.py", TESTS, acceptance=True, dev_tests=False)


def test_the_developer_suite_and_dev_tests_collect_everything():
    assert not skip_folder(TESTS / "unit", TESTS, acceptance=False, dev_tests=True)
    assert not skip_folder(TESTS / "unit", TESTS, acceptance=True, dev_tests=True)      # --dev-tests or paths named


def _markers_in_code(path: Path) -> set[str]:
    """The acceptance markers `path`'s code applies (pytest.mark.X as code, not inside a string)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Attribute) and node.attr in ACCEPTANCE_MARKERS \
                and isinstance(node.value, ast.Attribute) and node.value.attr == "mark":
            found.add(node.attr)
    return found


def test_every_test_an_acceptance_run_selects_lives_in_the_folders_it_collects():
    """A test marked board, lab_pair or constants outside ACCEPTANCE_FOLDERS would silently drop out
    of `pytest --board NAME`: add its folder to collection_scope.ACCEPTANCE_FOLDERS."""
    outside = {str(p.relative_to(TESTS)): m for p in TESTS.rglob("*.py")
               if p.relative_to(TESTS).parts[0] not in ACCEPTANCE_FOLDERS and (m := _markers_in_code(p))}
    assert outside == {}
    assert _markers_in_code(TESTS / "board" / "conftest.py") == {"board"}       # the scan sees such code
    assert collection_scope.__doc__
