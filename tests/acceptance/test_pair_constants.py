"""INTERCARD per direction, and the link checks, on the chosen bench pair (`--pair`)."""
import pytest

from sailbench.harness.run.acceptance import PAIR_CONSTANTS, PAIR_LINK_CHECKS

pytestmark = pytest.mark.lab_pair


@pytest.mark.parametrize("name", PAIR_LINK_CHECKS)
def test_link(pair_judgement, name, judged):
    judged(pair_judgement.check(name))


@pytest.mark.parametrize("name", PAIR_CONSTANTS)
def test_constant(pair_judgement, name, judged):
    judged(pair_judgement.check(name))
