"""`sailbench sweep` (harness/cli/sweep.py): `ddr` needs --clocks and `lanes` --pair (one line each, exit
2), the parsed clocks and rates reach the sweeps, a failed point exits 1. The sweeps themselves:
tests/unit/run/test_sweep.py, tests/unit/run/test_sweep_lanes.py."""
from pathlib import Path
from types import SimpleNamespace

import pytest

from sailbench.harness.cli import options
from sailbench.harness.run import sweep, sweep_lanes
from unit.fakes.cli_runs import RunnerCall, help_text, lab_file, sailbench


def test_help_says_what_each_sweep_needs(capsys):
    text = help_text(capsys, "sweep")
    assert "--clocks" in text and "--pair" in text and "--rates" in text and "2 it could not run" in text


@pytest.mark.parametrize("argv,line", [
    (["ddr"], "sailbench: error: sweep ddr: give --clocks, e.g. --clocks 50M,75M,100M"),
    (["lanes"], "sailbench: error: sweep lanes: give --pair, a simulated pair from lab.yaml pairs"),
])
def test_a_sweep_without_its_points_is_one_line(argv, line, tmp_path, capsys):
    done = sailbench(capsys, lab_file(tmp_path), "sweep", *argv)
    assert done.code == 2 and done.err == [line]


@pytest.mark.parametrize("argv,named", [(["ddr", "--clocks", "fast"], "fast"), (["lanes", "--rates", "1.25,x"], "x"),
                                        (["sideways"], "sideways")])
def test_bad_points_are_refused_by_the_parser(argv, named, tmp_path, capsys):
    done = sailbench(capsys, lab_file(tmp_path), "sweep", *argv)
    assert done.code == 2 and "error:" in done.err[-1] and named in done.err[-1]


def test_ddr_hands_the_clocks_to_the_recorded_sweep(tmp_path, capsys, monkeypatch):
    runner = RunnerCall(result=SimpleNamespace(text=lambda: "the sweep table", exit_code=1))
    monkeypatch.setattr(sweep, "sweep_ddr_recorded", runner)
    done = sailbench(capsys, lab_file(tmp_path), "sweep", "ddr", "--clocks", "50M,75M", "--ddr-length", "64K",
                     "--no-history", "--bitstreams")
    assert done.code == 1 and done.out == ["the sweep table"]
    lab, board, clocks = runner.args
    assert (board, clocks) == ("sim", [50_000_000, 75_000_000])
    assert runner.kwargs == {"history": False, "progress": options.progress, "length": 65536, "bitstreams": True,
                             "results_dir": None}


def lane_outcome(tmp_path, error=None):
    return SimpleNamespace(points=[SimpleNamespace(error=None), SimpleNamespace(error=error)],
                           artifacts=[tmp_path / "lanes.svg"], results=SimpleNamespace(path=tmp_path / "r.json"))


@pytest.mark.parametrize("error,code", [(None, 0), ("no lock at 3.125 Gb/s", 1)])
def test_lanes_hands_the_pair_and_rates_over_and_exits_by_its_points(error, code, tmp_path, capsys, monkeypatch):
    runner = RunnerCall(result=lane_outcome(tmp_path, error))
    monkeypatch.setattr(sweep_lanes, "run_lane_sweep", runner)
    monkeypatch.setattr(sweep_lanes, "render_lane_sweep", lambda outcome: "the lane table")
    done = sailbench(capsys, lab_file(tmp_path), "sweep", "lanes", "--pair", "sim-pair", "--no-history",
                     "--results-dir", str(tmp_path / "res"))
    assert done.code == code
    assert runner.args[1:] == ("sim-pair", [1.25, 2.5, 3.125]), "the default rates, parsed"
    assert runner.kwargs == {"coding": None, "results_dir": Path(tmp_path / "res"), "progress": options.progress,
                             "sinks": []}
    assert done.out[-3:] == ["the lane table", f"plot: {tmp_path / 'lanes.svg'}", f"results: {tmp_path / 'r.json'}"]
