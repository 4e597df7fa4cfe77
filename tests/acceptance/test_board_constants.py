"""One test per scheduler constant and direction, and one per invariant, on the chosen board.

Each fails with the verdict's message when the constant does not hold, and records the
measured figure, the ratio and the verdict as JUnit properties.
"""
import pytest

from sailbench.harness.run.acceptance import BOARD_CONSTANTS, INVARIANT_NAMES

pytestmark = pytest.mark.board


def _judged(check, record_property):
    for key, value in check.properties.items():
        record_property(key, value)
    if not check.held:
        pytest.fail(check.message, pytrace=False)


@pytest.mark.parametrize("name", [name for name, _ in BOARD_CONSTANTS])
def test_constant(board_judgement, name, record_property):
    _judged(board_judgement.check(name), record_property)


@pytest.mark.parametrize("name", INVARIANT_NAMES)
def test_invariant(board_judgement, name, record_property):
    _judged(board_judgement.check(f"invariant[{name}]"), record_property)
