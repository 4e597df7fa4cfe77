"""BoardKind (harness/config/kind.py): parsed once from lab.yaml, asked what it implies."""
import pytest

from sailbench.harness.config.kind import BoardKind
from sailbench.harness.config import BoardConfig, find_lab, load_lab


def test_what_each_kind_implies():
    assert BoardKind.SIM.simulated and not BoardKind.SIM.needs_cable and not BoardKind.SIM.shared
    assert BoardKind.HARDWARE.needs_cable and BoardKind.HARDWARE.shared and BoardKind.HARDWARE.inits_dram_from_host


def test_it_reads_and_prints_as_lab_yamls_word():
    assert BoardKind("sim") is BoardKind.SIM and f"{BoardKind.HARDWARE}" == "hardware"
    with pytest.raises(ValueError, match="kind must be one of sim, hardware, got 'fpga'"):
        BoardKind.parse("fpga")


def test_the_config_holds_a_kind_not_a_string():
    lab = load_lab(find_lab(None))
    assert all(isinstance(b.kind, BoardKind) for b in lab.boards.values())
    assert BoardConfig(name="x", kind="sim", profile="versa-ecp5").kind is BoardKind.SIM
