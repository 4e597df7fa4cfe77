import argparse

import pytest

from sailbench.harness.cli import COMMANDS, main
from sailbench.harness.cli.options import size as _size


@pytest.mark.parametrize("text,value", [("65536", 65536), ("64K", 65536), ("1M", 1 << 20), ("1MiB", 1 << 20),
                                        ("0x1000", 4096)])
def test_sizes(text, value):
    assert _size(text) == value


def test_bad_size_is_a_clear_error():
    with pytest.raises(argparse.ArgumentTypeError, match="not a size"):
        _size("lots")


def test_help_explains_the_bench(capsys):
    with pytest.raises(SystemExit) as e:
        main(["bench", "--help"])
    assert e.value.code == 0
    out = capsys.readouterr().out
    assert "--board" in out and "--constants" in out and "results" in out


# Options are checked before anything starts: each out-of-range option gives argparse's usage line and one
# error line, exit 2, and nothing is opened or written (the command functions are never reached).
BAD_OPTIONS = [
    ("bench", ["--patterns", "zigzag"], "zigzag"),
    ("bench", ["--patterns", ","], "pattern"),
    ("bench", ["--patterns", "sequential,sequential"], "'sequential' given twice"),
    ("nightly", ["--patterns", "random,sequential,random"], "'random' given twice"),
    ("bench", ["--repeats", "-3"], "-3"),
    ("bench", ["--repeats", "0"], "0"),
    ("bench", ["--repeats", "two"], "two"),
    ("bench", ["--ddr-length", "0"], "0"),
    ("bench", ["--ddr-length", "1000"], "power of two"),
    ("bench", ["--ddr-length=-1M"], "-1M"),
    ("bench", ["--ddr-base", "-4096"], "-4096"),
    ("bench", ["--ddr-base", "4096", "--ddr-length", "64K"], "aligned"),
    ("bench", ["--clock-seconds", "0"], "0"),
    ("bench", ["--clock-seconds", "nan"], "nan"),
    ("bench", ["--lock-wait", "-1"], "-1"),
    ("bench", ["--hostlink-count", "-1"], "-1"),
    ("nightly", ["--patterns", "zigzag"], "zigzag"),
    ("nightly", ["--repeats", "-3"], "-3"),
    ("nightly", ["--clock-seconds", "-2"], "-2"),
    ("bringup", ["--board", "sim", "--lock-wait", "-5"], "-5"),
    ("pair", ["--pair", "sim-pair", "--placement", "sideways"], "sideways"),
    ("pair", ["--pair", "sim-pair", "--timeout", "0"], "0"),
    ("pair", ["--pair", "sim-pair", "--timeout", "inf"], "inf"),
    ("pair", ["--pair", "sim-pair", "--link-timeout", "-1"], "-1"),
    ("pair", ["--pair", "sim-pair", "--frames", "0"], "0"),
    ("pair", ["--pair", "sim-pair", "--frame-bytes", "2047"], "even"),
    ("pair", ["--pair", "sim-pair", "--frame-bytes", "0"], "0"),
    ("pair", ["--pair", "sim-pair", "--prbs", "prbs9"], "prbs9"),
    ("pair", ["--pair", "sim-pair", "--prbs-seconds", "0"], "0"),
    ("labgrid", ["resync"], "resync"),
]


@pytest.mark.parametrize("command,options,named", BAD_OPTIONS,
                         ids=[f"{c} {' '.join(o)}" for c, o, _ in BAD_OPTIONS])
def test_an_option_out_of_range_stops_before_anything_starts(command, options, named, tmp_path, capsys,
                                                              monkeypatch):
    for name, module in COMMANDS.items():
        monkeypatch.setattr(module, "run", lambda *a, _n=name, **k: pytest.fail(f"{_n} ran with a bad option"))
    results = tmp_path / "results"
    extra = ["--results-dir", str(results)] if command in ("bench", "nightly", "pair") else []
    with pytest.raises(SystemExit) as e:
        main([command, *options, *extra])
    assert e.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[0].startswith("usage: sailbench"), err
    errors = [line for line in err if "error:" in line]
    assert len(errors) == 1 and named in errors[0], err
    assert errors[0] == err[-1]
    assert not results.exists(), "no results file for a run whose options are wrong"


@pytest.mark.parametrize("argv", [
    ["bench", "--patterns", "random", "--repeats", "1", "--ddr-length", "64K", "--ddr-base", "128K",
     "--clock-seconds", "0.5", "--lock-wait", "0", "--hostlink-count", "0"],
    ["pair", "--pair", "sim-pair", "--placement", "strict", "--frames", "1", "--frame-bytes", "2",
     "--prbs", "prbs7", "--prbs-seconds", "0.1", "--timeout", "1", "--link-timeout", "0.5"],
])
def test_options_in_range_reach_the_command(argv, monkeypatch):
    reached = []
    monkeypatch.setattr(COMMANDS[argv[0]], "run", lambda args, lab: reached.append(args) or 0)
    assert main(argv) == 0 and len(reached) == 1


def test_every_command_has_a_description_in_its_help(capsys):
    for name in COMMANDS:
        with pytest.raises(SystemExit):
            main([name, "--help"])
        out = capsys.readouterr().out
        assert out.split("\n\n")[1].strip() and COMMANDS[name].DESCRIPTION.split()[0] in out, name


def test_shared_options_have_one_help_text_each():
    """--board, --constants and --results-dir read the same wherever they appear (options.py declares them)."""
    from sailbench.harness.cli import parser
    commands = next(a for a in parser()._actions if isinstance(a, argparse._SubParsersAction)).choices
    helps: dict[str, set[str]] = {}
    for sub in commands.values():
        for action in sub._actions:
            for option in set(action.option_strings) & {"--board", "--constants", "--results-dir"}:
                helps.setdefault(option, set()).add(action.help.removesuffix(" (default: lab.yaml default_board)"))
    assert set(helps) == {"--board", "--constants", "--results-dir"}
    assert all(len(texts) == 1 for texts in helps.values()), helps
