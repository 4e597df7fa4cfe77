"""Bring-up stages that need no board: the loader's absence said plainly, the rendered summary."""
from sailbench.harness.run import bringup
from sailbench.harness.run.bringup import FAILED, NOT_RUN, PASSED, UNAVAILABLE, BringupReport, Stage, render_bringup
from sailbench.harness.config.lab import BoardConfig


def hardware(name="versa"):
    return BoardConfig(name=name, kind="hardware", profile="versa-ecp5", serial="/dev/ttyUSB1", cable="ft2232")


def test_without_harness_loader_cable_and_load_are_unavailable(monkeypatch):
    monkeypatch.setattr(bringup, "_loader", lambda: None)
    runner = bringup._Bringup(hardware(), say=lambda m: None)
    for stage in (runner.cable_detects, runner.load):
        status, detail = stage()
        assert status == UNAVAILABLE
        assert "unavailable: real-board loading (harness/loader.py) is not in this checkout" in detail
        assert "openFPGALoader --cable ft2232 --detect" in detail or "by hand" in detail


def test_loader_without_the_function_is_unavailable(monkeypatch):
    monkeypatch.setattr(bringup, "_loader", lambda: object())
    status, detail = bringup._Bringup(hardware(), say=lambda m: None).cable_detects()
    assert status == UNAVAILABLE and "sailbench.harness.board.loader has no detect()" in detail


def test_render_stops_with_the_next_step():
    report = BringupReport("sim", "sim", [Stage("tool present", PASSED, "found verilator"),
                                          Stage("cable detects", FAILED, "no cable", "plug it in"),
                                          Stage("load")])
    text = render_bringup(report)
    assert "stopped at 'cable detects': no cable" in text and "check next: plug it in" in text
    assert "load" in text and NOT_RUN in text and report.exit_code == 1
    ok = BringupReport("sim", "sim", [Stage("tool present", PASSED), Stage("cable detects", UNAVAILABLE, "x")])
    assert "bring-up passed (not checked here: cable detects)" in render_bringup(ok) and ok.exit_code == 0
