"""The step log (harness/steps.py) and the CLI's -v / --log-file: where the time went, without
changing what a command prints by default."""
import logging

import pytest

from sailbench.harness import cli
from sailbench.harness.steps import layer_logger, step

LAB = "boards:\n  sim: {kind: sim}\n"


def test_step_logs_start_and_duration(caplog):
    caplog.set_level(logging.DEBUG, logger="sailbench")
    with step(layer_logger("board"), "open board 'sim'"):
        pass
    assert [r.name for r in caplog.records] == ["sailbench.board", "sailbench.board"]
    assert caplog.records[0].getMessage() == "open board 'sim' ..."
    assert caplog.records[1].getMessage().startswith("open board 'sim' done in ")
    assert caplog.records[1].getMessage().endswith(" s")


def test_a_failed_step_says_so_and_raises(caplog):
    caplog.set_level(logging.DEBUG, logger="sailbench")
    with pytest.raises(KeyError):
        with step(layer_logger("probes"), "DDR write probe"):
            raise KeyError("x")
    assert "DDR write probe failed after " in caplog.records[-1].getMessage()
    assert "(KeyError)" in caplog.records[-1].getMessage()


def test_step_as_a_decorator(caplog):
    caplog.set_level(logging.DEBUG, logger="sailbench")

    @step(layer_logger("build"), "build sim")
    def build(x):
        return x * 2

    assert build(2) == 4 and build(3) == 6       # a fresh step each call
    assert sum("build sim done in" in r.getMessage() for r in caplog.records) == 2


def test_global_options_parse():
    args = cli.parser().parse_args(["-v", "--log-file", "/tmp/x.log", "boards"])
    assert args.verbose and str(args.log_file) == "/tmp/x.log" and args.command == "boards"
    args = cli.parser().parse_args(["boards"])
    assert not args.verbose and args.log_file is None


@pytest.fixture
def stepping_command(monkeypatch, tmp_path):
    """`sailbench boards` replaced by a command that takes one step and prints one line."""
    def command(args, lab):
        with step(layer_logger("board"), "open board 'sim'"):
            print("sim: kind sim")
        return 0
    monkeypatch.setattr(cli.COMMANDS["boards"], "run", command)
    lab = tmp_path / "lab.yaml"
    lab.write_text(LAB)
    return lab


def test_default_output_has_no_log(stepping_command, capsys):
    assert cli.main(["--lab", str(stepping_command), "boards"]) == 0
    out, err = capsys.readouterr()
    assert out == "sim: kind sim\n" and err == ""


def test_verbose_logs_to_stderr_and_log_file(stepping_command, tmp_path, capsys):
    log_file = tmp_path / "steps.log"
    assert cli.main(["-v", "--log-file", str(log_file), "--lab", str(stepping_command), "boards"]) == 0
    out, err = capsys.readouterr()
    assert out == "sim: kind sim\n"
    assert "sailbench.board INFO: open board 'sim' ..." in err
    assert "sailbench.board INFO: open board 'sim' done in " in err
    assert "open board 'sim' done in " in log_file.read_text()
    assert logging.getLogger("sailbench").handlers == []      # main leaves logging as it found it
    assert cli.main(["--lab", str(stepping_command), "boards"]) == 0
    assert capsys.readouterr().err == ""


def test_an_unwritable_log_file_is_a_one_line_error(stepping_command, tmp_path, capsys):
    rc = cli.main(["--log-file", str(tmp_path / "missing" / "x.log"), "--lab", str(stepping_command), "boards"])
    err = capsys.readouterr().err.strip().splitlines()
    assert rc == 2 and len(err) == 1 and err[0].startswith("sailbench: error: cannot write the log file ")
