"""A labgrid place held by a run is re-checked while it runs, in the runners that do not go through
`sailbench bench`: the DDR sweep (between points), bring-up (before each stage) and the pytest plugin's
acceptance judgement (between records). A hold lost mid-run (a coordinator restart) stops the run with
PlaceLostError and keeps what was written. The place here is a stand-in whose hold is already gone; the
real coordinator restart is tests/labgrid/test_place_lock.py."""
from __future__ import annotations

import json

import pytest

from sailbench.harness.board.place_lock import PlaceLock
from sailbench.harness.config.lab import load_lab
from sailbench.harness.errors import PlaceLostError


class LostPlace(PlaceLock):
    """A place acquired by this run whose hold the coordinator no longer has."""

    def __init__(self):                       # no coordinator: only the parts a runner calls
        self.place, self.checks = "lg-a", 0

    def acquire(self) -> "LostPlace":
        return self

    def release(self) -> None:
        pass

    def __enter__(self) -> "LostPlace":
        return self

    def __exit__(self, *exc) -> None:
        pass

    def check_held(self) -> None:
        self.checks += 1
        raise PlaceLostError("lost the hold on place 'lg-a' (a coordinator restart drops every hold)")


@pytest.fixture
def lab(tmp_path):
    path = tmp_path / "lab.yaml"
    path.write_text("default_board: sim\nboards:\n  sim: {kind: sim}\n"
                    f"results: {{dir: {tmp_path / 'results'}}}\nlocks: {{dir: {tmp_path / 'locks'}}}\n")
    return load_lab(path)


def test_the_ddr_sweep_stops_on_a_lost_place_keeping_the_point(lab, monkeypatch):
    from sailbench.harness.run import sweep
    place = LostPlace()
    monkeypatch.setattr(sweep, "lock_for_board", lambda *a, **k: place)
    monkeypatch.setattr(sweep, "measure_sim_point", lambda config, hz, length, progress: sweep.SweepPoint(
        hz, transfers_per_s=hz * 4, peak_bytes_per_s=hz * 8, write_bytes_per_s=1e8, read_bytes_per_s=1e8))
    with pytest.raises(PlaceLostError, match="lost the hold on place 'lg-a'"):
        sweep.run_ddr_sweep(lab, "sim", [50_000_000, 75_000_000], progress=lambda m: None)
    assert place.checks == 1
    data = json.loads(next((lab.results_dir).glob("*.json")).read_text())
    assert [r["sys_clk_hz"] for r in data["records"]] == [50_000_000] and data["status"] == "error"


def test_bringup_stops_before_its_first_stage_on_a_lost_place(lab, monkeypatch):
    from sailbench.harness.board import factory
    from sailbench.harness.run.bringup import run_bringup
    place = LostPlace()
    monkeypatch.setattr(factory, "lock_for_board", lambda *a, **k: place)
    said = []
    with pytest.raises(PlaceLostError):
        run_bringup(lab, "sim", progress=said.append, write_files=False)
    assert place.checks == 1 and said[-1].startswith("[1/") and "tool present" in said[-1]


def test_the_acceptance_judgement_gives_its_hold_to_the_results(lab, monkeypatch):
    """judge_board (the plugin's board_judgement fixture) hands the session's hold to the bench run's
    results: the first record written after the loss stops the judgement."""
    from sailbench.harness.record.results import ResultsFile
    from sailbench.harness.run import acceptance, bench

    def run_bench(lab_, name, settings, progress, sinks, board):
        with ResultsFile("r1", lab_.results_dir, {"board": name}, sinks=sinks) as results:
            results.add_record({"probe": "clock", "measured_hz": 75e6})
        raise AssertionError("the lost hold was not noticed")

    monkeypatch.setattr(bench, "run_bench", run_bench)
    place = LostPlace()
    with pytest.raises(PlaceLostError):
        acceptance.judge_board(lab, "sim", board=object(), progress=lambda m: None, lock=place)
    assert place.checks == 1
    data = json.loads((lab.results_dir / "r1.json").read_text())
    assert [r["probe"] for r in data["records"]] == ["clock"] and data["status"] == "error"
