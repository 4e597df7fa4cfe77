"""The command line's messages (issue 20): options checked before any board opens and named in their
errors, --results-dir moving the history, labgrid sync with no places, the Ctrl-C line. No board is
opened: each command's runner is replaced by one that fails the test if it is reached."""
from pathlib import Path

import pytest

from sailbench.harness.cli import COMMANDS, main
from sailbench.harness.cli.options import apply_results_dir
from sailbench.harness.config import find_lab, load_lab
from sailbench.harness.exit_codes import EXIT_ERROR, EXIT_INTERRUPTED

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def no_bench(monkeypatch):
    import sailbench.harness.run.bench_command as bench_command
    import sailbench.harness.run.nightly as nightly
    monkeypatch.setattr(bench_command, "bench_with_reports", lambda *a, **k: pytest.fail("the bench ran"))
    monkeypatch.setattr(nightly, "run_nightly", lambda *a, **k: pytest.fail("the nightly ran"))


def one_error_line(capsys) -> str:
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    return err[0]


@pytest.mark.parametrize("command", ["bench", "nightly"])
def test_a_ddr_length_larger_than_the_dram_is_refused_before_the_board_opens(command, no_bench, tmp_path, capsys):
    code = main(["--lab", str(ROOT / "lab.yaml"), command, "--ddr-length", "1G", "--results-dir", str(tmp_path)])
    assert code == EXIT_ERROR
    line = one_error_line(capsys)
    assert "--ddr-length 1024 MiB" in line and "128 MiB of DRAM" in line, line


def test_sweep_ddr_refuses_a_ddr_length_larger_than_the_dram_before_building(monkeypatch, tmp_path, capsys):
    import sailbench.harness.run.sweep as sweep
    monkeypatch.setattr(sweep, "sweep_ddr_recorded", lambda *a, **k: pytest.fail("the sweep ran"))
    code = main(["--lab", str(ROOT / "lab.yaml"), "sweep", "ddr", "--clocks", "50M,75M", "--ddr-length", "1G",
                 "--results-dir", str(tmp_path)])
    assert code == EXIT_ERROR
    line = one_error_line(capsys)
    assert "--ddr-length 1024 MiB" in line and "128 MiB of DRAM" in line, line


def test_a_ddr_base_past_the_end_is_refused_naming_the_option(no_bench, tmp_path, capsys):
    code = main(["--lab", str(ROOT / "lab.yaml"), "bench", "--ddr-base", "0x8000000", "--results-dir", str(tmp_path)])
    assert code == EXIT_ERROR
    line = one_error_line(capsys)
    assert line.startswith("sailbench: error: --ddr-base 0x8000000:") and "board 'sim'" in line, line


def test_a_region_that_fits_reaches_the_bench(monkeypatch, tmp_path):
    import sailbench.harness.run.bench_command as bench_command

    class Done:
        exit_code = 0

        def text(self):
            return "done"
    monkeypatch.setattr(bench_command, "bench_with_reports", lambda *a, **k: Done())
    assert main(["--lab", str(ROOT / "lab.yaml"), "bench", "--ddr-base", "0x7f00000", "--ddr-length", "1M",
                 "--results-dir", str(tmp_path)]) == 0


def test_a_results_dir_that_is_a_file_names_the_option(no_bench, tmp_path, capsys):
    afile = tmp_path / "results"
    afile.write_text("")
    assert main(["--lab", str(ROOT / "lab.yaml"), "bench", "--results-dir", str(afile)]) == EXIT_ERROR
    line = one_error_line(capsys)
    assert f"--results-dir {afile} is a file" in line and "lab.yaml" not in line, line
    assert main(["--lab", str(ROOT / "lab.yaml"), "bench", "--results-dir", str(afile / "sub")]) == EXIT_ERROR
    assert f"is under {afile}, which is a file" in one_error_line(capsys)


def test_results_dir_moves_the_history_unless_lab_yaml_sets_its_path(tmp_path):
    import argparse
    import dataclasses
    lab = load_lab(find_lab(str(ROOT / "lab.yaml")))
    moved = apply_results_dir(argparse.Namespace(results_dir=tmp_path / "r"), lab)
    assert moved.results_dir == tmp_path / "r" and moved.history_path == tmp_path / "r" / "history.sqlite"
    pinned = dataclasses.replace(lab, history=dataclasses.replace(lab.history, path=tmp_path / "h.sqlite"))
    assert apply_results_dir(argparse.Namespace(results_dir=tmp_path / "r"), pinned).history_path == \
        tmp_path / "h.sqlite"
    assert apply_results_dir(argparse.Namespace(), lab) is lab


def test_labgrid_sync_with_no_places_says_so(tmp_path, capsys):
    lab = tmp_path / "lab.yaml"
    lab.write_text("default_board: sim\nboards:\n  sim:\n    kind: sim\n    profile: versa-ecp5\n")
    assert main(["--lab", str(lab), "labgrid", "sync"]) == EXIT_ERROR
    line = one_error_line(capsys)
    assert "no labgrid places to sync" in line and "coordinator" not in line, line


@pytest.mark.parametrize("command,kept", [("sim", False), ("ident", False), ("bench", True)])
def test_ctrl_c_mentions_the_results_file_only_for_commands_that_write_one(command, kept, monkeypatch, capsys):
    def interrupted(*a, **k):
        raise KeyboardInterrupt
    monkeypatch.setattr(COMMANDS[command], "run", interrupted)
    assert main(["--lab", str(ROOT / "lab.yaml"), command]) == EXIT_INTERRUPTED
    line = one_error_line(capsys)
    assert ("results file" in line) == kept, line


def test_a_simulated_bringup_says_not_applicable_once_per_stage():
    from sailbench.harness.run.bringup import NOT_APPLICABLE, BringupReport, Stage, _Bringup, render_bringup
    lab = load_lab(find_lab(str(ROOT / "lab.yaml")))
    runner = _Bringup(lab.board("sim"), progress=lambda _: None)
    stages = [Stage(name, *getattr(runner, method)()) for name, method in (("cable detects", "cable_detects"),
                                                                           ("load", "load"))]
    assert [s.status for s in stages] == [NOT_APPLICABLE, NOT_APPLICABLE]
    text = render_bringup(BringupReport("sim", "sim", stages))
    assert text.count("not applicable") == 2 and "not applicable: the simulated board has no cable" in text, text


def test_sailbench_pair_says_its_placement_and_link_wait_once(monkeypatch, tmp_path, capsys):
    """The progress lines say the placement and the link wait; the table after them does not repeat them."""
    import sailbench.harness.run.pair.runner as runner
    import sailbench.harness.run.pair.table as table
    from sailbench.harness.run.pair.lane_measurement import LinkWait

    class FakeRun:
        results = None

        def __init__(self, lab, pair, settings, progress):
            self.progress = progress

    def to_end(run):
        run.progress("measured pair 'sim-pair' as requested (placement preferred)")
        run.progress("link-ready wait: ready (all 4 lanes up)")
        return runner.PairResult("r", tmp_path / "r.json", {}, "measured pair 'sim-pair' as requested (placement "
                                 "preferred)", LinkWait("ready", [0, 1, 2, 3], [0, 1, 2, 3], 0.1, "all 4 lanes up"),
                                 [], [], [], [], {}, simulated=True)
    monkeypatch.setattr(runner, "PairRun", FakeRun)
    monkeypatch.setattr(runner, "run_pair_to_end", to_end)
    monkeypatch.setattr(table, "exit_code", lambda result: 0)
    import types

    import sailbench.harness.report.run_files as run_files
    monkeypatch.setattr(run_files, "write_run_reports", lambda kind, path: types.SimpleNamespace(
        files=types.SimpleNamespace(html=tmp_path / "r.html", junit=tmp_path / "r.junit.xml"),
        outcome=types.SimpleNamespace(headline=lambda not_judged=0: "every verdict held")))
    assert main(["--lab", str(ROOT / "lab.yaml"), "pair", "--pair", "sim-pair", "--no-history"]) == 0
    out = capsys.readouterr().out
    assert out.count("measured pair 'sim-pair'") == 1 and out.count("link-ready wait") == 1, out


def _subparsers(parser, path=()):
    import argparse
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield (*path, name), sub
                yield from _subparsers(sub, (*path, name))


def test_every_command_and_subcommand_has_a_description_in_its_help(capsys):
    from sailbench.harness.cli import parser
    found = list(_subparsers(parser()))
    assert {p[0] for p, _ in found} == set(COMMANDS) and ("board", "check") in {p for p, _ in found}
    for path, sub in found:
        assert sub.description and len(sub.description) > 40, f"sailbench {' '.join(path)} has no description"
        with pytest.raises(SystemExit):
            main([*path, "--help"] if path != ("board", "new") else ["board", "new", "--help"])
        out = capsys.readouterr().out
        assert sub.description.split()[0] in out.split("options:")[0], path


def test_boards_lists_the_pairs_too(capsys):
    assert main(["--lab", str(ROOT / "lab.yaml"), "boards"]) == 0
    out = capsys.readouterr().out
    assert "pairs in" in out and "sim-pair " in out and "sim-pair-up -> sim-pair-down" in out and "lanes=0,1,2,3" in out


def test_the_dram_size_from_the_part_name_is_litedrams_for_every_shipped_profile():
    from litedram import modules

    from sailbench.gateware.profiles import profiles
    from sailbench.harness.cli.ddr_region import dram_bytes
    checked = 0
    for name, profile in profiles().items():
        if profile.dram is None:
            continue
        part = getattr(modules, profile.dram.module)
        assert dram_bytes(name) == part.nbanks * part.nrows * part.ncols * profile.dram.data_width // 8, name
        checked += 1
    assert checked >= 3
