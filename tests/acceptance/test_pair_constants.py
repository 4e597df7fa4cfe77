"""INTERCARD per direction, and the link checks, on the chosen bench pair (`--pair`)."""
import pytest

from sailbench.harness.run.acceptance import PAIR_CONSTANTS, PAIR_LINK_CHECKS

pytestmark = pytest.mark.lab_pair


def _judged(check, record_property):
    for key, value in check.properties.items():
        record_property(key, value)
    if not check.held:
        pytest.fail(check.message, pytrace=False)


@pytest.mark.parametrize("name", PAIR_LINK_CHECKS)
def test_link(pair_judgement, name, record_property):
    _judged(pair_judgement.check(name), record_property)


@pytest.mark.parametrize("name", PAIR_CONSTANTS)
def test_constant(pair_judgement, name, record_property):
    _judged(pair_judgement.check(name), record_property)
