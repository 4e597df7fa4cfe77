"""Bring-up stages that need no board: the loader's stages, the rendered summary."""
import pytest

from sailbench.harness.run import bringup
from sailbench.harness.run.bringup import FAILED, NOT_RUN, PASSED, UNAVAILABLE, BringupReport, Stage, render_bringup
from sailbench.harness.config import BoardConfig
from sailbench.harness.errors import ToolError


def hardware(name="versa"):
    return BoardConfig(name=name, kind="hardware", profile="versa-ecp5", serial="/dev/ttyUSB1", cable="ft2232")


def test_cable_detects_calls_the_loader(monkeypatch):
    monkeypatch.setattr(bringup.loader, "detect", lambda config: f"LFE5UM5G-45F on cable '{config.cable}'")
    status, detail = bringup._Bringup(hardware(), progress=lambda m: None).cable_detects()
    assert (status, detail) == (PASSED, "LFE5UM5G-45F on cable 'ft2232'")


def test_a_loader_error_stops_the_stage_with_what_to_check(monkeypatch):
    def fail(config, **kwargs):
        raise ToolError("openFPGALoader: no cable found")
    monkeypatch.setattr(bringup.loader, "detect", fail)
    monkeypatch.setattr(bringup.loader, "load", fail)
    runner = bringup._Bringup(hardware(), progress=lambda m: None)
    for stage, by_hand in ((runner.cable_detects, "openFPGALoader --cable ft2232 --detect"),
                           (runner.load, "load the probe bitstream by hand")):
        with pytest.raises(bringup.StageFailed) as info:
            stage()
        assert info.value.detail == "openFPGALoader: no cable found"
        assert "boards.versa.cable in lab.yaml" in info.value.next_step and by_hand in info.value.next_step


def test_load_says_what_was_loaded(monkeypatch):
    class Loaded:
        def to_record(self):
            return {"bitstream": "build/versa/top.bit", "mode": "sram", "seconds": 4.2}
    monkeypatch.setattr(bringup.loader, "load", lambda config, progress: Loaded())
    status, detail = bringup._Bringup(hardware(), progress=lambda m: None).load()
    assert (status, detail) == (PASSED, "build/versa/top.bit into sram in 4.2 s")


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
