"""`sailbench bringup` (harness/cli/bringup.py): --board is required, the options reach run_bringup, the
report is printed and its exit status returned. The stages themselves: tests/unit/run/test_bringup.py."""
from types import SimpleNamespace

from sailbench.harness.cli import options
from sailbench.harness.run import bringup
from unit.fakes.cli_runs import RunnerCall, help_text, lab_file, sailbench


def test_help_lists_the_stages_and_exit_status(capsys):
    text = help_text(capsys, "bringup")
    assert "--board" in text and "--full" in text and "--lock-wait" in text
    assert "Exit status: 0 passed, 1 a stage failed, 2 it could not run" in text


def test_board_is_required(tmp_path, capsys):
    done = sailbench(capsys, lab_file(tmp_path), "bringup")
    assert done.code == 2 and "--board" in done.err[-1] and "required" in done.err[-1]


def test_the_options_reach_the_runner_and_its_exit_status_is_returned(tmp_path, capsys, monkeypatch):
    runner = RunnerCall(result=SimpleNamespace(exit_code=1))
    monkeypatch.setattr(bringup, "run_bringup", runner)
    monkeypatch.setattr(bringup, "render_bringup", lambda report: "the staged table")
    done = sailbench(capsys, lab_file(tmp_path), "bringup", "--board", "versa", "--lock-wait", "3", "--full")
    assert done.code == 1
    assert runner.args[1] == "versa"
    assert runner.kwargs == {"progress": options.progress, "lock_wait_s": 3.0, "full": True}
    assert done.out == ["", "the staged table"]


def test_without_lock_wait_the_lab_default_is_left_to_the_runner(tmp_path, capsys, monkeypatch):
    runner = RunnerCall(result=SimpleNamespace(exit_code=0))
    monkeypatch.setattr(bringup, "run_bringup", runner)
    monkeypatch.setattr(bringup, "render_bringup", lambda report: "")
    assert sailbench(capsys, lab_file(tmp_path), "bringup", "--board", "sim").code == 0
    assert runner.kwargs["lock_wait_s"] is None and runner.kwargs["full"] is False
