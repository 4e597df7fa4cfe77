"""The lab's acceptance run: the scheduler's constants judged as tests.

Collected by `pytest --board NAME` / `pytest --pair NAME` (see fixtures/selection.py), not by
plain `pytest`: on the pinned rev-A constants LOCAL_DDR honestly fails on every x16 board.
"""
import pytest


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/acceptance/" in str(item.fspath):
            item.add_marker(pytest.mark.constants)


@pytest.fixture
def judged(record_property):
    """Records a check's figures as JUnit properties, then fails with its message unless it held."""
    def judge(check) -> None:
        for key, value in check.properties.items():
            record_property(key, value)
        if not check.held:
            pytest.fail(check.message, pytrace=False)
    return judge
