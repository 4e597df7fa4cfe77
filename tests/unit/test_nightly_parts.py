"""Nightly and bring-up pieces that need no board: board selection, exit bits, error classes."""
import pytest

from sailbench.harness.config import load_lab
from sailbench.harness.errors import (BoardBusyError, BoardSilentError, BuildError, ConfigError, MeasurementError,
                            ProbeError, ToolError)
from sailbench.harness.board.health import HARNESS, INFRASTRUCTURE, MEASUREMENT, classify
from sailbench.harness.run.nightly import (EXIT_INFRASTRUCTURE, EXIT_MEASUREMENT, EXIT_VERDICTS, exit_meaning, select_boards,
                             summarise)
from sailbench.harness.report.model import BoardReport


@pytest.fixture
def lab(tmp_path):
    path = tmp_path / "lab.yaml"
    path.write_text("boards:\n  a: {kind: sim, tags: [sim, ddr]}\n  b: {kind: sim, tags: [ddr]}\n"
                    "  c: {kind: sim}\n")
    return load_lab(path)


def test_select_boards(lab):
    assert select_boards(lab, None) == ["a", "b", "c"]
    assert select_boards(lab, "ddr") == ["a", "b"]
    with pytest.raises(ConfigError, match="no board or pair has tag 'gone'; tags in lab.yaml: ddr, sim"):
        select_boards(lab, "gone")


def test_classify():
    assert classify(MeasurementError("checker")) == MEASUREMENT
    assert classify(ProbeError("DDR not done")) == MEASUREMENT
    for e in (ToolError("verilator"), BuildError("x"), BoardSilentError("silent", board="a"),
              BoardBusyError("held", board="a"), ConfigError("bad")):
        assert classify(e) == INFRASTRUCTURE
    assert classify(KeyError("bug")) == HARNESS


def test_exit_bits():
    b = lambda outcome: BoardReport("x", outcome)
    assert summarise([b("passed")]) == 0
    assert summarise([b("verdicts"), b("passed")]) == EXIT_VERDICTS
    assert summarise([b("verdicts"), b("measurement")]) == EXIT_VERDICTS | EXIT_MEASUREMENT == 5
    assert summarise([b("verdicts"), b("infrastructure"), b("quarantined")]) == 9
    assert summarise([b("harness")]) == EXIT_INFRASTRUCTURE
    assert summarise([b("passed"), b("quarantined")]) == 0          # a known-broken board is not news
    assert summarise([b("quarantined")]) == EXIT_INFRASTRUCTURE     # ... unless nothing was measured
    assert "regressed" in exit_meaning(5) and "infrastructure" in exit_meaning(13)
    regressed = {"verdicts": [{"verdict": "optimistic"}], "comparisons": [{"status": "regressed"}]}
    assert summarise([BoardReport("x", "measurement", results=regressed)]) == 5   # both findings count


def test_cli_help_lists_the_new_commands(capsys):
    from sailbench.harness.cli import main
    for cmd, words in (("nightly", ("--tag", "--lock-wait", "--ddr-length", "quarantined")),
                       ("bringup", ("--board", "tool present", "SerDes lock"))):
        with pytest.raises(SystemExit) as e:
            main([cmd, "--help"])
        assert e.value.code == 0
        out = capsys.readouterr().out
        assert all(w in out for w in words), (cmd, out)
