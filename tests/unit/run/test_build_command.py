"""harness/run/build_command.py: `sailbench build` around a finished build (the build itself stood in for:
a real one takes minutes, tests/bitstream/ builds them). The report is printed and recorded whatever the
verdict; a clock failing timing exits 1 unless allowed; a simulated board's build is the Verilator one."""
import json
from types import SimpleNamespace

import pytest

from sailbench.harness.build import cache
from sailbench.harness.build.bitstream import Bitstream
from sailbench.harness.config import load_lab
from sailbench.harness.record import results
from sailbench.harness.exit_codes import EXIT_FAILED, EXIT_OK
from sailbench.harness.run import build_command as command
from sailbench.harness.run.build_command import build_command, build_record


def built(tmp_path, passed: bool) -> Bitstream:
    (tmp_path / "report.txt").write_text("clock sys: 80.1 MHz (75.0 required)\n")
    clocks = {"eth_rx": SimpleNamespace(achieved_mhz=98.7, required_mhz=125.0)}
    report = SimpleNamespace(text="report.txt", timing_passed=passed, clocks=clocks,
                             failing_clocks=[] if passed else ["eth_rx"], to_dict=lambda: {"passed": passed})
    manifest = SimpleNamespace(bitstream="top.bit", report=report, profile="versa-ecp5", fpga="LFE5UM5G-45F",
                               build_seconds=412.0, step_seconds={"nextpnr": 300.0}, hash="cafe01",
                               identifier="sailbench probe SoC cafe01")
    return Bitstream("versa", tmp_path, manifest)


@pytest.fixture(autouse=True)
def quick_provenance(monkeypatch):
    """The results file's provenance without running git and verilator (a quarter second a run)."""
    monkeypatch.setattr(results, "git_revision", lambda repo=None: "abc123")
    monkeypatch.setattr(results, "tool_versions", lambda: {"python": "3.11"})


@pytest.fixture
def lab(tmp_path):
    path = tmp_path / "lab.yaml"
    path.write_text(f"boards:\n  versa: {{kind: hardware, profile: versa-ecp5, serial: /dev/ttyUSB1, cable: ft2232}}\n"
                    f"  sim: {{kind: sim, profile: versa-ecp5}}\nresults: {{dir: {tmp_path / 'res'}}}\n")
    return load_lab(path)


def run(lab, tmp_path, monkeypatch, passed: bool, **kw):
    monkeypatch.setattr(command, "ensure_bitstream", lambda config, progress: built(tmp_path, passed))
    said = []
    code = build_command(lab, lab.board("versa"), progress=said.append, **kw)
    (results,) = (tmp_path / "res").glob("*.json")
    return code, said, json.loads(results.read_text())


def test_the_build_record_carries_the_provenance_and_report(tmp_path):
    rec = build_record(built(tmp_path, True), allowed=False)
    assert rec == {"probe": "build", "board": "versa", "profile": "versa-ecp5", "fpga": "LFE5UM5G-45F",
                   "build_dir": str(tmp_path), "bitstream": str(tmp_path / "top.bit"), "build_seconds": 412.0,
                   "step_seconds": {"nextpnr": 300.0}, "timing_allowed_to_fail": False, "report": {"passed": True}}


def test_timing_met_is_exit_0_with_the_report_printed_and_recorded(lab, tmp_path, monkeypatch):
    code, said, data = run(lab, tmp_path, monkeypatch, passed=True)
    assert code == EXIT_OK and data["status"] == "passed"
    assert "clock sys: 80.1 MHz (75.0 required)" in said and f"bitstream: {tmp_path / 'top.bit'}" in said
    assert [r["probe"] for r in data["records"]] == ["build"]
    assert data["provenance"]["gateware_hash"] == "cafe01" and data["provenance"]["build_dir"] == str(tmp_path)


def test_timing_failed_is_exit_1_one_error_line_and_a_failed_run(lab, tmp_path, monkeypatch, capsys):
    code, said, data = run(lab, tmp_path, monkeypatch, passed=False)
    assert code == EXIT_FAILED and data["status"] == "failed"
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and err[0].startswith("sailbench: error: board 'versa': timing failed: eth_rx 98.7 MHz "
                                               "< 125.0 MHz required")
    assert "clock sys: 80.1 MHz (75.0 required)" in said, "the report is printed whatever the verdict"
    assert data["errors"] and data["records"][0]["timing_allowed_to_fail"] is False


def test_timing_failed_but_allowed_is_a_warning_and_exit_0(lab, tmp_path, monkeypatch):
    code, said, data = run(lab, tmp_path, monkeypatch, passed=False, allow_timing_fail=True)
    assert code == EXIT_OK and data["status"] == "passed"
    assert any(s.startswith("WARNING: TIMING FAILED, allowed by --allow-timing-fail: eth_rx 98.7 MHz") for s in said)
    assert data["records"][0]["timing_allowed_to_fail"] is True


def test_lab_yaml_allow_timing_fail_counts_as_the_flag(lab, tmp_path, monkeypatch):
    import dataclasses
    allowed = dataclasses.replace(lab, boards={**lab.boards, "versa": dataclasses.replace(
        lab.board("versa"), allow_timing_fail=True)})
    code, _, data = run(allowed, tmp_path, monkeypatch, passed=False)
    assert code == EXIT_OK and data["records"][0]["timing_allowed_to_fail"] is True


def test_a_simulated_board_gets_its_verilator_build_and_no_results_file(lab, tmp_path, monkeypatch):
    monkeypatch.setattr(cache, "ensure_board_sim_build", lambda config, progress: tmp_path / "sim-build")
    monkeypatch.setattr(command, "ensure_bitstream", lambda *a, **k: pytest.fail("no bitstream for a sim board"))
    said = []
    assert build_command(lab, lab.board("sim"), progress=said.append) == EXIT_OK
    assert said == [f"simulated board 'sim' built: {tmp_path / 'sim-build'}"]
    assert not (tmp_path / "res").exists()
