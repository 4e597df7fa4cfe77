"""Line rates and codes (gateware/profiles/lane_rates.py), the INTERCARD lane options, lab.yaml keys, the lane
sweep's parsing and rendering: pure functions, no simulation."""
from __future__ import annotations

import re

import pytest

from sailbench.gateware.profiles.lane_rates import LineRate, check_line_rate, lanes_needed
from sailbench.harness.config import load_lab
from sailbench.harness.errors import ConfigError
from sailbench.harness.judge.lane_options import holding_options, options_text
from sailbench.harness.judge.pair import LaneRate, judge_direction, lane_ceiling_bytes_per_s


@pytest.mark.parametrize("gbps,coding,word_mhz,ceiling_mb", [
    (1.25, "8b10b", 62.5, 125.0), (2.5, "8b10b", 125.0, 250.0), (3.125, "8b10b", 156.25, 312.5),
    (5.0, "8b10b", 250.0, 500.0), (1.25, "64b66b", 62.5, 151.515), (2.5, "64b66b", 125.0, 303.03)])
def test_word_clock_and_ceiling_follow_rate_and_code(gbps, coding, word_mhz, ceiling_mb):
    r = LineRate(gbps, coding)
    assert r.word_clk_hz == pytest.approx(word_mhz * 1e6)
    assert r.ceiling_bytes_per_s / 1e6 == pytest.approx(ceiling_mb, abs=1e-3)
    assert lane_ceiling_bytes_per_s(gbps * 1e9, coding) == pytest.approx(r.ceiling_bytes_per_s)


def test_intercard_is_four_8b10b_lanes_at_1_25_and_606_in_64b66b():
    assert 4 * LineRate().ceiling_bytes_per_s == 500e6
    assert 4 * LineRate(1.25, "64b66b").ceiling_bytes_per_s / 1e6 == pytest.approx(606.06, abs=0.01)
    assert lanes_needed(500e6, LineRate(2.5)) == 2 and lanes_needed(500e6, LineRate(1.25)) == 4


def test_bad_rate_or_code_is_refused():
    with pytest.raises(ValueError, match="5 Gb/s needs an ECP5-5G"):
        check_line_rate(5.0, five_g=False)
    with pytest.raises(ValueError, match="8b10b, 64b66b"):
        LineRate(1.25, "128b130b")


def test_holding_options_at_the_measured_efficiency():
    opts = holding_options(500e6, 0.10, 0.25, 0.993, "8b10b", five_g=False)
    assert [(o.lanes, o.rate.line_rate_gbps) for o in opts] == [(4, 1.25), (2, 2.5), (2, 3.125)]
    # 3 lanes at 1.25 Gb/s carry 372 MB/s: under 450, so not an option
    assert all(o.projected_bytes_per_s >= 450e6 for o in opts)
    text = options_text("INTERCARD", 500e6, 0.10, 0.25, 0.993, "8b10b", five_g=False)
    assert "4 lanes at 1.25 Gb/s" in text and "2 lanes at 2.5 Gb/s" in text and "projected" in text


def test_judge_direction_names_the_rate_and_the_options():
    rates = [LaneRate(i, "upstream->downstream", 10, 20_000, 0, 82_00 - 1, 125e6, 0, 250e6) for i in range(2)]
    j = judge_direction("upstream->downstream", rates, 500e6, 0.10, 0.25, line_rate=LineRate(2.5))
    assert "(2.5 Gb/s 8b10b)" in j.message and "would hold with" in j.message
    d = j.to_dict()
    assert d["line_rate_gbps"] == 2.5 and d["coding"] == "8b10b" and d["lane_ceiling_bytes_per_s"] == 250e6


def _lab(tmp_path, extra: str, profile: str = "versa-ecp5"):
    path = tmp_path / "lab.yaml"
    path.write_text(f"boards:\n  sim: {{kind: sim}}\npairs:\n  p: {{kind: sim, profile: {profile}, upstream: a, "
                    f"downstream: b{extra}}}\n")
    return load_lab(path)


def test_lab_pair_line_rate_and_coding(tmp_path):
    p = _lab(tmp_path, ", line_rate: 2.5, coding: 64b66b").pair("p")
    assert (p.line_rate, p.coding) == (2.5, "64b66b")
    p = _lab(tmp_path, "").pair("p")
    assert (p.line_rate, p.coding) == (1.25, "8b10b")


@pytest.mark.parametrize("extra,message", [
    (", line_rate: 2", "pairs.p.line_rate: expected a line rate in Gb/s: one of 1.25, 2.5, 3.125, 5"),
    (", coding: 8b/10b", "pairs.p.coding: expected a lane line code (8b10b, 64b66b)")])
def test_lab_pair_bad_rate_or_code_is_one_line(tmp_path, extra, message):
    with pytest.raises(ConfigError, match=re.escape(message)) as e:
        _lab(tmp_path, extra)
    assert "\n" not in str(e.value)


def test_sweep_lanes_rates_parse():
    from sailbench.harness.run.sweep_lanes import parse_rates
    assert parse_rates("1.25, 2.5,2.5,3.125G") == [1.25, 2.5, 3.125]
    with pytest.raises(ConfigError, match="not one of"):
        parse_rates("2")
    with pytest.raises(ConfigError, match="not a line rate"):
        parse_rates("fast")


def test_with_lane_rate_allows_5g_only_on_an_ecp5_5g(tmp_path):
    from sailbench.gateware.profiles import profiles
    from sailbench.harness.run.sweep_lanes import with_lane_rate
    plain = next((n for n, p in profiles().items() if "UM5G" not in p.fpga.upper()), None)
    lab = _lab(tmp_path, "")
    assert with_lane_rate(lab, 2.5, "64b66b").pair("p").line_rate == 2.5
    assert with_lane_rate(lab, 5.0, None).pair("p").line_rate == 5.0       # versa-ecp5: an LFE5UM5G
    if plain is not None:
        with pytest.raises(ConfigError, match="not an ECP5-5G"):
            with_lane_rate(_lab(tmp_path, "", plain), 5.0, None)


def test_lane_timing_from_a_cached_bitstream_against_the_rate(tmp_path, monkeypatch):
    """The sweep's timing column: the lane clocks' Fmax of a real build against rate / 20."""
    from types import SimpleNamespace

    from sailbench.gateware.build.manifest import ClockSummary, ReportSummary
    import sailbench.harness.build.bitstream as bitstream
    import sailbench.harness.build.manifest as manifest
    from sailbench.harness.run.sweep_lanes import lane_timing
    path = tmp_path / "lab.yaml"
    path.write_text("boards:\n  versa: {kind: hardware, profile: versa-ecp5, serial: /dev/ttyUSB0}\n")
    lab = load_lab(path)
    assert lane_timing(lab, "ecpix-5", LineRate(2.5)) == (None, "no build")
    built = tmp_path / "bitstream"
    built.mkdir()
    (built / "sailbench.json").write_text("{}")
    clocks = {"sys": ClockSummary(92.2, 75.0, True), "lane0_rx": ClockSummary(99.8, 62.5, True),
              "lane0_tx": ClockSummary(149.3, 62.5, True)}
    report = ReportSummary("r.json", "r.txt", True, True, (), clocks, {})
    monkeypatch.setattr(bitstream, "bitstream_dir", lambda config, hz=None: built)
    monkeypatch.setattr(manifest, "read_build_manifest", lambda out: SimpleNamespace(report=report))
    closes, text = lane_timing(lab, "versa-ecp5", LineRate(1.25))
    assert closes is True and "62.5 MHz needed: closes" in text
    assert text.endswith("(bitstream of 'versa' at 1.25 Gb/s)")
    closes, text = lane_timing(lab, "versa-ecp5", LineRate(2.5))
    assert closes is False and "lane0_rx 99.8, lane0_tx 149.3 MHz Fmax vs 125 MHz needed: lane0_rx FAILS" in text
    assert text.endswith("(the 1.25 Gb/s bitstream of 'versa': no build at 2.5 Gb/s)")


def test_lane_timing_prefers_the_bitstream_built_at_the_rate(tmp_path, monkeypatch):
    """A bitstream built with --line-rate 2.5 has its own placement and PLL setting: it answers for 2.5."""
    from types import SimpleNamespace

    from sailbench.gateware.targets.ecp5_options import Ecp5Options, ecp5_build_dir
    from sailbench.gateware.build.manifest import ClockSummary, ReportSummary
    from sailbench.gateware.profiles import buildable_profile
    import sailbench.harness.build.manifest as manifest
    from sailbench.harness.build.bitstream import ecp5_options
    from sailbench.harness.run.sweep_lanes import lane_timing
    monkeypatch.setenv("SAILBENCH_BUILD_DIR", str(tmp_path / "build"))
    path = tmp_path / "lab.yaml"
    path.write_text("boards:\n  versa: {kind: hardware, profile: versa-ecp5, serial: /dev/ttyUSB0}\n")
    lab = load_lab(path)
    options = Ecp5Options(**{**ecp5_options(lab.board("versa")).__dict__, "line_rate_gbps": 2.5})
    at_rate = ecp5_build_dir(tmp_path / "build", buildable_profile("versa-ecp5"), options)[0]
    at_rate.mkdir(parents=True)
    (at_rate / "sailbench.json").write_text("{}")
    clocks = {"lane0_rx": ClockSummary(131.0, 125.0, True), "lane0_tx": ClockSummary(150.0, 125.0, True)}
    report = ReportSummary("r.json", "r.txt", True, True, (), clocks, {})
    monkeypatch.setattr(manifest, "read_build_manifest", lambda out: SimpleNamespace(report=report))
    closes, text = lane_timing(lab, "versa-ecp5", LineRate(2.5))
    assert closes is True and text.endswith("125 MHz needed: closes (bitstream of 'versa' at 2.5 Gb/s)")
    assert lane_timing(lab, "versa-ecp5", LineRate(1.25)) == (None, "no build")     # no default-rate build


def test_a_hardware_pair_keeps_lab_yamls_rate_its_boards_are_built_at(tmp_path):
    from sailbench.harness.run.sweep_lanes import with_lane_rate
    path = tmp_path / "lab.yaml"
    path.write_text("boards:\n  a: {kind: hardware, profile: versa-ecp5, serial: /dev/ttyUSB0}\n"
                    "  b: {kind: hardware, profile: versa-ecp5, serial: /dev/ttyUSB1}\n"
                    "pairs:\n  hw: {kind: hardware, profile: versa-ecp5, upstream: a, downstream: b, lanes: 1}\n"
                    "  sp: {kind: sim, profile: versa-ecp5, upstream: sp-up, downstream: sp-down, lanes: 1}\n")
    lab = load_lab(path)
    changed = with_lane_rate(lab, 2.5, None, requested="sp")
    assert (changed.pair("sp").line_rate, changed.pair("hw").line_rate) == (2.5, 1.25)
    assert with_lane_rate(lab, 1.25, "8b10b", requested="hw").pair("hw").line_rate == 1.25   # what it is: fine
    with pytest.raises(ConfigError) as e:
        with_lane_rate(lab, 2.5, None, requested="hw")
    assert "pair 'hw' is a hardware pair" in str(e.value) and "pairs.hw.line_rate (1.25 Gb/s, 8b10b)" in str(e.value)
