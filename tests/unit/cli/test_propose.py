"""`sailbench propose-constants` (harness/cli/propose.py): its options reach propose_from_lab; the diff is
printed (or written to --output) and the summary follows. The proposal itself: tests/unit/run/test_propose.py;
from a two-host PostgreSQL history: tests/history/test_lab_report.py."""
from pathlib import Path
from types import SimpleNamespace

import pytest

from sailbench.harness.run import propose
from unit.fakes.cli_runs import RunnerCall, help_text, lab_file, sailbench

DIFF = "--- a/bandwidth.rs\n+++ b/bandwidth.rs\n-pub const X: u64 = 1;\n+pub const X: u64 = 2;\n"


@pytest.fixture
def runner(monkeypatch):
    r = RunnerCall(result=SimpleNamespace(diff=DIFF, summary="proposed X: 2 (board sim, run r1)"))
    monkeypatch.setattr(propose, "propose_from_lab", r)
    return r


def test_help_says_simulated_figures_are_left_out(capsys):
    text = help_text(capsys, "propose-constants")
    assert "--allow-simulated" in text and "left out unless --allow-simulated" in text and "--constants" in text


def test_the_diff_then_the_summary(tmp_path, capsys, runner):
    done = sailbench(capsys, lab_file(tmp_path), "propose-constants")
    assert done.code == 0 and done.out == [*DIFF.splitlines(), "proposed X: 2 (board sim, run r1)"]
    assert runner.kwargs == {"profile": None, "results": None, "constants_path": None, "allow_simulated": False}


def test_options_reach_the_proposal(tmp_path, capsys, runner):
    assert sailbench(capsys, lab_file(tmp_path), "propose-constants", "--profile", "versa-ecp5", "--results", "a.json",
                     "--results", "b.json", "--constants", "bw.rs", "--allow-simulated").code == 0
    assert runner.kwargs == {"profile": "versa-ecp5", "results": [Path("a.json"), Path("b.json")],
                             "constants_path": Path("bw.rs"), "allow_simulated": True}


def test_output_writes_the_diff_and_says_where(tmp_path, capsys, runner):
    out = tmp_path / "x.diff"
    done = sailbench(capsys, lab_file(tmp_path), "propose-constants", "--output", str(out))
    assert out.read_text() == DIFF
    assert done.out == [f"diff written to {out}", "proposed X: 2 (board sim, run r1)"]
