"""nextpnr report parsing: captured log text and report JSON -> utilisation and per-clock verdicts."""
import json
from pathlib import Path

import pytest

from sailbench.gateware.build.manifest import ClockSummary
from sailbench.gateware.build.pnr_report import BuildReport, ReportError, clock_domain, from_files, parse_log, parse_report_json

DATA = Path(__file__).resolve().parents[1] / "data"
KNOWN = {"sys": 75.0, "sys2x": 150.0, "init": 25.0, "clk100": 100.0}   # what gateware/targets/ecp5.py passes


@pytest.fixture
def log_report() -> BuildReport:
    return parse_log((DATA / "nextpnr_versa_ecp5.log").read_text(), "versa-ecp5", "LFE5UM5G-45F-8BG381C", KNOWN)


def test_log_takes_the_final_timing_not_the_pre_route_estimate(log_report):
    clocks = {c.domain: c for c in log_report.clocks}
    assert set(clocks) == {"clk100", "eth_rx", "init", "sys"}
    assert clocks["eth_rx"].achieved_mhz == 93.84          # final (a "Warning:" line), not 85.28 pre-route
    assert clocks["sys"].achieved_mhz == 92.34 and clocks["sys"].required_mhz == 75.01


def test_rgmii_rx_failing_is_surfaced(log_report):
    assert not log_report.timing_passed
    assert [c.domain for c in log_report.failing] == ["eth_rx"]
    text = log_report.render()
    assert text.splitlines()[0].startswith("TIMING FAILED on versa-ecp5")
    assert "eth_rx 93.8 MHz < 125.0 MHz" in text.splitlines()[0]
    fail_lines = [ln for ln in text.splitlines() if ln.startswith("eth_rx")]
    assert fail_lines and "FAIL" in fail_lines[0] and "-24.9%" in fail_lines[0]


def test_utilisation_in_the_engineers_words(log_report):
    u = {x.resource: x for x in log_report.utilisation}
    assert [x.resource for x in log_report.utilisation][:5] == ["LUT4", "FF", "DP16KD", "DCUA", "I/O"]
    assert (u["LUT4"].cell, u["LUT4"].used, u["LUT4"].available) == ("TRELLIS_COMB", 11558, 43848)
    assert (u["FF"].used, u["DP16KD"].used, u["DCUA"].used, u["I/O"].used) == (6012, 4, 0, 63)
    assert log_report.fits


def test_report_json_and_round_trip():
    data = {"utilization": {"TRELLIS_COMB": {"used": 100, "available": 43848},
                            "TRELLIS_FF": {"used": 50, "available": 43848},
                            "TRELLIS_IO": {"used": 300, "available": 245}},
            "fmax": {"$glbnet$hostlink_clk": {"achieved": 80.0, "constraint": 75.0075},
                     "$glbnet$eth_clocks1_rx$TRELLIS_IO_IN": {"achieved": 130.0, "constraint": 125}},
            "critical_paths": []}
    r = parse_report_json(json.dumps(data), "p", "d", KNOWN)
    assert {c.domain: c.passed for c in r.clocks} == {"sys": True, "eth1_rx": True}
    assert r.timing_passed and not r.fits
    assert "DOES NOT FIT: TRELLIS_IO" in r.render()
    again = BuildReport.from_dict(json.loads(json.dumps(r.to_dict())))
    assert again.summary() == r.summary()
    assert r.summary().clocks["sys"] == ClockSummary(achieved_mhz=80.0, required_mhz=75.01, passed=True)
    assert r.summary().failing_clocks == () and r.summary().json == "report.json"


@pytest.mark.parametrize("net,required,domain", [
    ("$glbnet$sys_clk", 75.0, "sys"),
    ("$glbnet$etherbone_clk", 75.0075, "sys"),          # nextpnr names the net after another alias
    ("$glbnet$crg_clkout1", 25.0, "init"),
    ("$glbnet$clk100$TRELLIS_IO_IN", 100.0, "clk100"),
    ("$glbnet$eth_clocks0_rx$TRELLIS_IO_IN", 125.0, "eth_rx"),
    ("$glbnet$mystery", 33.0, "mystery"),                # unknown: keep nextpnr's name
])
def test_clock_domain_names(net, required, domain):
    assert clock_domain(net, required, KNOWN) == domain


def test_unreadable_reports_are_errors(tmp_path):
    with pytest.raises(ReportError):
        parse_log("Info: nothing useful here\n")
    with pytest.raises(ReportError):
        parse_report_json("{not json")
    with pytest.raises(ReportError):
        from_files(tmp_path / "nope.json", tmp_path / "nope.log")
    (tmp_path / "nextpnr.log").write_text((DATA / "nextpnr_versa_ecp5.log").read_text())
    assert from_files(tmp_path / "nope.json", tmp_path / "nextpnr.log").source == "log"
