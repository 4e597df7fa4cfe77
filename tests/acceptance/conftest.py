"""The lab's acceptance run: the scheduler's constants judged as tests.

Collected by `pytest --board NAME` / `pytest --pair NAME` (see fixtures/selection.py), not by
plain `pytest`: on the pinned rev-A constants LOCAL_DDR honestly fails on every x16 board.
Each test judges its check with the plugin's `judged` fixture (fixtures/plugin.py): JUnit
properties, the summary table, and a failure with the verdict's message unless it held.
"""
import pytest


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/acceptance/" in str(item.fspath):
            item.add_marker(pytest.mark.constants)
