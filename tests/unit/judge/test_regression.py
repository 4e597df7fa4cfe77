"""Regression alarms: which records are figures, and how a figure is judged against its baseline."""
import pytest

from sailbench.harness.judge.regression import BASELINE, OK, REGRESSED, FigureKey, compare, figure_key, size_text

DDR_SUMMARY = {"board": "sim", "probe": "ddr", "direction": "write", "pattern": "sequential", "summary": True,
               "bytes": 1 << 20, "rate_bytes_per_s": 496.2e6}
KEY = FigureKey("sim", "ddr", "write", "sequential", 1 << 20)


def test_figures_are_summaries_and_single_rates():
    assert figure_key(DDR_SUMMARY) == KEY
    assert KEY.label == "DDR write sequential 1 MiB"
    one_repeat = DDR_SUMMARY | {"summary": False, "repeat": 1}
    del one_repeat["summary"]
    assert figure_key(one_repeat) is None                              # one repeat among several
    assert figure_key({"board": "sim", "probe": "clock", "used_hz": 75e6}) is None   # no rate
    hostlink = {"board": "sim", "probe": "hostlink", "direction": "board_to_host", "payload_bytes": 1472,
                "bytes": 1472000, "rate_bytes_per_s": 120e6}
    assert figure_key(hostlink) == FigureKey("sim", "hostlink", "board_to_host", None, 1472)
    assert figure_key(hostlink | {"sweep": True}).pattern == "sweep"    # sweep points never mix with the judged row
    assert figure_key(DDR_SUMMARY | {"rate_bytes_per_s": True}) is None


def test_size_text():
    assert (size_text(1 << 20), size_text(64 << 10), size_text(1472), size_text(None)) == \
        ("1 MiB", "64 KiB", "1472 B", None)


def test_first_figure_starts_a_baseline_and_names_the_previous_build():
    c = compare(KEY, "abc123", 496.2e6, [], 0.10, previous_build_hash="old999")
    assert c.status == BASELINE and c.baseline_bytes_per_s is None
    assert "first figure for build abc123 (previous build old999)" in c.message
    assert "new baseline" in c.message and "496.2 MB/s" in c.message


def test_within_threshold_is_ok():
    c = compare(KEY, "abc123", 450e6, [("r2", 500e6), ("r1", 490e6), ("r0", 10e6)], 0.10)
    assert c.status == OK and c.baseline_bytes_per_s == 490e6        # median of the runs
    assert c.change == pytest.approx(450 / 490 - 1)
    assert c.baseline_runs == ["r2", "r1", "r0"]


def test_a_drop_beyond_the_threshold_is_a_regression_with_both_numbers():
    c = compare(KEY, "abc123", 248.1e6, [("r1", 496.2e6)], 0.10)
    assert c.status == REGRESSED and c.regressed
    assert "REGRESSION on 'sim'" in c.message
    assert "248.1 MB/s" in c.message and "496.2 MB/s" in c.message and "-50.0 %" in c.message
    assert "median of the last 1 run on build abc123; threshold 10 %" in c.message
    assert c.to_dict()["status"] == "regressed"


def test_threshold_edge_and_improvement():
    assert compare(KEY, "h", 90e6, [("r", 100e6)], 0.10).status == OK          # exactly 10 % down
    assert compare(KEY, "h", 89.9e6, [("r", 100e6)], 0.10).status == REGRESSED
    assert compare(KEY, "h", 150e6, [("r", 100e6)], 0.10).status == OK         # faster is not an alarm
