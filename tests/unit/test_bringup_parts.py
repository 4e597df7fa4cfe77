"""Bring-up stages that need no board: the loader's stages, the rendered summary."""
from types import SimpleNamespace

import pytest

from sailbench.harness.run import bringup
from sailbench.harness.run.bringup import FAILED, NOT_RUN, PASSED, UNAVAILABLE, BringupReport, Stage, render_bringup
from sailbench.harness.config import BoardConfig
from sailbench.harness.board.lifecycle import BoardState
from sailbench.harness.errors import BoardBusyError, CableError, LoadError, ToolError


def hardware(name="versa"):
    return BoardConfig(name=name, kind="hardware", profile="versa-ecp5", serial="/dev/ttyUSB1", cable="ft2232")


class FakeStrategy:
    """The board's lifecycle as bring-up sees it: the states asked for, in order."""

    def __init__(self, fail_at=None, error=None, load=None):
        self.asked, self.fail_at, self.error, self.load = [], fail_at, error, load
        self.detected, self.build_dir, self.board = "LFE5UM5G-45 (IDCODE 0x81112043) on cable 'ft2232'", "b", None

    def transition(self, state):
        self.asked.append(state)
        if state == self.fail_at:
            raise self.error
        if state >= BoardState.LOADED:
            self.board = SimpleNamespace(load=self.load)
        return self.board


def test_cable_detects_moves_the_board_to_cable_found():
    strategy = FakeStrategy()
    status, detail = bringup._Bringup(hardware(), lambda m: None, strategy).cable_detects()
    assert (status, detail) == (PASSED, "LFE5UM5G-45 (IDCODE 0x81112043) on cable 'ft2232'")
    assert strategy.asked == [BoardState.CABLE_FOUND]


def test_a_failing_state_fails_the_stage_with_the_errors_hint():
    def run(stage, state, error):
        report = bringup._run_stage(stage, getattr(bringup._Bringup(hardware(), lambda m: None,
                                                                    FakeStrategy(state, error)), stage))
        assert report.status == FAILED and report.detail == str(error)
        return report.next_step
    no_cable = CableError("cable 'ft2232' not found", board="versa")
    assert "boards.versa.cable" in run("cable_detects", BoardState.CABLE_FOUND, no_cable)
    assert run("load", BoardState.LOADED, LoadError("refused", board="versa")) == LoadError.default_hint.format(
        board="versa")
    assert run("cable_detects", BoardState.CABLE_FOUND, ToolError("openFPGALoader not found")).startswith("install")


def test_load_says_what_was_loaded():
    class Loaded:
        def to_record(self):
            return {"bitstream": "build/versa/top.bit", "mode": "sram", "seconds": 4.2}
    status, detail = bringup._Bringup(hardware(), lambda m: None, FakeStrategy(load=Loaded())).load()
    assert (status, detail) == (PASSED, "build/versa/top.bit into sram in 4.2 s")
    status, detail = bringup._Bringup(hardware(), lambda m: None, FakeStrategy()).load()
    assert (status, detail) == (PASSED, "the board already runs this build (b)")


def test_a_busy_board_stops_the_bringup_rather_than_a_stage():
    def busy():
        raise BoardBusyError("held by pid 1", board="versa")
    with pytest.raises(BoardBusyError):
        bringup._run_stage("identifier", busy)


def test_render_stops_with_the_next_step():
    report = BringupReport("sim", "sim", [Stage("tool present", PASSED, "found verilator"),
                                          Stage("cable detects", FAILED, "no cable", "plug it in"),
                                          Stage("load")])
    text = render_bringup(report)
    assert "stopped at 'cable detects': no cable" in text and "check next: plug it in" in text
    assert "load" in text and NOT_RUN in text and report.exit_code == 1
    ok = BringupReport("sim", "sim", [Stage("tool present", PASSED), Stage("cable detects", UNAVAILABLE, "x")])
    assert "bring-up passed (not checked here: cable detects)" in render_bringup(ok) and ok.exit_code == 0


def test_the_dram_stage_uses_lab_yamls_clock_tolerance(monkeypatch, tmp_path):
    """Bring-up measured the clock with a hard-coded 0.005 tolerance; it is lab.yaml's judgement.clock_tolerance."""
    from types import SimpleNamespace
    from sailbench.harness.config import load_lab
    import sailbench.harness.probes.clock as clock_mod
    import sailbench.harness.probes.ddr as ddr_mod
    lab_file = tmp_path / "lab.yaml"
    lab_file.write_text("default_board: sim\nboards:\n  sim: {kind: sim}\njudgement: {clock_tolerance: 0.02}\n"
                        f"results: {{dir: {tmp_path / 'results'}}}\nlocks: {{dir: {tmp_path / 'locks'}}}\n")
    lab = load_lab(lab_file)
    seen = []

    def clock(board, tolerance, duration_s=3.0):
        seen.append(tolerance)
        return SimpleNamespace(used_hz=75e6, within_tolerance=True, message="sys clock 75 MHz")

    class Probe:
        def __init__(self, board, sys_clk_hz, timeout_s):
            pass

        def write_read(self, length, base, pattern, raise_on_errors):
            res = SimpleNamespace(rate_bytes_per_s=500e6, errors=0)
            return res, res

    monkeypatch.setattr(clock_mod, "rate_clock_hz", clock)
    monkeypatch.setattr(ddr_mod, "DdrProbe", Probe)
    runner = bringup._Bringup(lab.board("sim"), progress=lambda m: None,
                              clock_tolerance=lab.judgement.clock_tolerance)
    runner.board = SimpleNamespace(manifest=SimpleNamespace(dram=object()), build_dir=tmp_path)
    status, _ = runner.dram()
    assert status == PASSED and seen == [0.02]
