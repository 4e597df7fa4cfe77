"""One test per scheduler constant and direction, and one per invariant, on the chosen board.

Each fails with the verdict's message when the constant does not hold, and records the
measured figure, the ratio and the verdict as JUnit properties.
"""
import pytest

from sailbench.harness.run.acceptance import BOARD_CONSTANTS, INVARIANT_NAMES

pytestmark = pytest.mark.board


@pytest.mark.parametrize("name", [name for name, _ in BOARD_CONSTANTS])
def test_constant(board_judgement, name, judged):
    judged(board_judgement.check(name))


@pytest.mark.parametrize("name", INVARIANT_NAMES)
def test_invariant(board_judgement, name, judged):
    judged(board_judgement.check(f"invariant[{name}]"))
