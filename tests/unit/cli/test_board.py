"""`sailbench board check|new` (harness/cli/board.py): what each action hands to its runner, the profile
file's name checked before anything is written. The checks: tests/unit/gateware/test_board_check.py,
tests/unit/run/test_board_check.py; the scaffold: tests/unit/run/test_board_new.py."""
from pathlib import Path

import pytest

from sailbench.harness.run import board_check, board_new
from unit.fakes.cli_runs import RunnerCall, help_text, lab_file, sailbench

NEW = ["board", "new", "--from-lpf", "x.lpf", "--part", "LFE5UM5G-85F"]


def test_help_gives_both_actions_and_the_exit_status(capsys):
    text = help_text(capsys, "board")
    assert "board check FILE" in text and "board new --from-lpf LPF" in text
    assert "Exit status: 0 passed / written, 1 a check failed, 2 could not run" in text
    assert "--no-pack" in help_text(capsys, "board", "check")


def test_check_hands_the_file_over_and_returns_its_status(tmp_path, capsys, monkeypatch):
    runner = RunnerCall(result=1)
    monkeypatch.setattr(board_check, "run_board_check", runner)
    assert sailbench(capsys, lab_file(tmp_path), "board", "check", "rev-b.yaml", "--no-pack").code == 1
    assert runner.args == (Path("rev-b.yaml"),) and runner.kwargs["pack"] is False
    runner.kwargs["progress"]("[board check] pins")
    assert capsys.readouterr().out == "[board check] pins\n"


def test_new_hands_every_flag_over_and_says_what_next(tmp_path, capsys, monkeypatch):
    runner = RunnerCall(result=Path("rev-c.yaml"))
    monkeypatch.setattr(board_new, "run_board_new", runner)
    done = sailbench(capsys, lab_file(tmp_path), *NEW, "-o", "rev-c.yaml", "--speed-grade", "7",
                     "--dram-part", "MT41K128M16", "--speed-bin", "DDR3-1600K", "--host-phy", "sgmii")
    assert done.code == 0 and done.out == ["wrote rev-c.yaml; next: sailbench board check rev-c.yaml"]
    lpf, new, output = runner.args
    assert (lpf, output) == (Path("x.lpf"), Path("rev-c.yaml"))
    assert (new.name, new.part, new.package, new.speed_grade, new.dram_part, new.speed_bin, new.host_phy) == \
        ("rev-c", "LFE5UM5G-85F", None, 7, "MT41K128M16", "DDR3-1600K", "sgmii")


def test_new_refuses_an_output_not_named_yaml_before_reading_the_lpf(tmp_path, capsys, monkeypatch):
    runner = RunnerCall()
    monkeypatch.setattr(board_new, "run_board_new", runner)
    done = sailbench(capsys, lab_file(tmp_path), *NEW, "-o", "rev-c.yml")
    assert done.code == 2 and runner.calls == [] and len(done.err) == 1
    assert "rev-c.yml" in done.err[0] and "NAME.yaml" in done.err[0]


@pytest.mark.parametrize("argv,named", [(["--speed-grade", "5"], "--speed-grade"), (["--host-phy", "usb"], "usb")])
def test_out_of_range_flags_are_refused_by_the_parser(argv, named, tmp_path, capsys):
    done = sailbench(capsys, lab_file(tmp_path), *NEW, "-o", "rev-c.yaml", *argv)
    assert done.code == 2 and named in done.err[-1]


def test_new_needs_the_part_and_the_output(tmp_path, capsys):
    done = sailbench(capsys, lab_file(tmp_path), "board", "new", "--from-lpf", "x.lpf")
    assert done.code == 2 and "--output/-o" in done.err[-1] and "--part" in done.err[-1]
