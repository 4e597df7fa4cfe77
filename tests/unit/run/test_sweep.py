"""The DDR clock sweep's pure parts: clock parsing, the table, the closing line, the plot."""
import pytest

from sailbench.harness.errors import ConfigError
from sailbench.harness.run.sweep import SweepOutcome, SweepPoint, fastest_line, parse_clocks, render_sweep, sweep_chart


def test_parse_clocks():
    assert parse_clocks("50M,75M,100M") == [50_000_000, 75_000_000, 100_000_000]
    assert parse_clocks("62.5MHz, 75000000,0.1G,75M") == [62_500_000, 75_000_000, 100_000_000]
    for bad in ("", "fast", "-5M", "0"):
        with pytest.raises(ConfigError):
            parse_clocks(bad)


def _point(mhz, w, r, closes, timing="closes"):
    hz = int(mhz * 1e6)
    return SweepPoint(hz, transfers_per_s=hz * 4, peak_bytes_per_s=hz * 8, write_bytes_per_s=w,
                      read_bytes_per_s=r, closes_timing=closes, timing=timing)


def _outcome(points, kind="sim"):
    return SweepOutcome("sim", "versa-ecp5", kind, points, results=None)


def test_table_and_fastest_setting_that_closes():
    out = _outcome([_point(50, 380e6, 381e6, True), _point(75, 568.6e6, 570.6e6, True),
                    _point(100, 750e6, 760e6, False, "sys 83.6 MHz < 100.0 MHz required")])
    text = render_sweep(out)
    assert "300 MT/s" in text and "568.6 MB/s" in text and "94.8 %" in text
    assert "NO (sys 83.6 MHz < 100.0 MHz required)" in text
    assert text.splitlines()[-1] == ("fastest setting that closes timing on versa-ecp5: 300 MT/s -> 568.6 MB/s "
                                     "measured (sim) / not measured (hardware)")
    hw = _outcome([_point(75, None, None, True)], kind="hardware")
    assert fastest_line(hw).endswith("300 MT/s -> not measured (sim) / not measured (hardware)")


def test_no_verdict_is_said_as_such():
    out = _outcome([_point(75, 568e6, 570e6, None, "no bitstream built at this clock")])
    assert fastest_line(out).endswith("none known (no timing verdict at any swept clock (no bitstreams built))")


def test_chart_has_write_read_and_peak():
    chart = sweep_chart(_outcome([_point(50, 1e8, 2e8, True), _point(75, 3e8, 4e8, False)]))
    assert [s.name for s in chart.series] == ["write measured", "read measured", "peak"]
    assert chart.markers == [(300.0, "timing fails")]


def test_ddr_timing_ignores_only_the_ethernet_domains():
    from sailbench.gateware.build.manifest import ClockSummary, ReportSummary
    from sailbench.harness.run.sweep import ddr_timing

    def report(clocks, failing):
        return ReportSummary(json="report.json", text="report.txt", timing_passed=not failing, fits=True,
                             failing_clocks=tuple(failing), clocks=clocks, utilisation={})
    clocks = {"sys": ClockSummary(81.27, 75.01, True), "eth_rx": ClockSummary(92.7, 125.0, False)}
    closes, text = ddr_timing(report(clocks, ["eth_rx"]))
    assert closes and text == "sys 81.3/75.0 MHz; host link eth_rx 92.7/125.0 MHz fails (not the DDR path)"
    clocks["sys"] = ClockSummary(81.27, 100.0, False)
    closes, text = ddr_timing(report(clocks, ["sys", "eth_rx"]))
    assert not closes and text.startswith("sys 81.3/100.0 MHz FAILS")


def test_ddr_timing_counts_the_clocks_judge_timing_counts_for_ddr():
    """One rule for which clocks the DDR path runs on: a failing lane word clock is not the DDR's."""
    from sailbench.gateware.build.manifest import ClockSummary, ReportSummary
    from sailbench.harness.judge.timing import clock_serves
    from sailbench.harness.run.sweep import ddr_timing
    clocks = {"sys": ClockSummary(81.27, 75.01, True), "lane0_word": ClockSummary(60.0, 62.5, False),
              "sys2x": ClockSummary(140.0, 150.0, False)}
    for failing, closes in ((["lane0_word"], True), (["sys2x"], False), (["lane0_word", "sys2x"], False)):
        report = ReportSummary(json="r.json", text="r.txt", timing_passed=False, fits=True,
                               failing_clocks=tuple(failing), clocks=clocks, utilisation={})
        assert ddr_timing(report)[0] == closes == (not any(clock_serves("ddr", c) for c in failing))
    assert "lanes lane0_word 60.0/62.5 MHz fails (not the DDR path)" in ddr_timing(report)[1]
