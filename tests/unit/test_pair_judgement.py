"""Pair judgement: lane rates from cycles, BER bounds, totals against INTERCARD with projection."""
import math

import pytest

from sailbench.harness.judge.pair import (BitErrorRatio, LaneRate, judge_direction, lane_ceiling_bytes_per_s,
                                    poisson_upper_95)

CLK = 75_000_000


def rate(lane, direction="upstream->downstream", bytes_per_frame=1000, frames=100, cycles=75_000):
    return LaneRate(lane, direction, frames, frames * bytes_per_frame, 10, 10 + cycles - 1, CLK)


def test_lane_ceiling_is_125_mb_per_s():
    assert lane_ceiling_bytes_per_s() == 125e6


def test_payload_rate_from_cycles_first_to_last_inclusive():
    r = rate(0)                                   # 100 frames from first start to last end in 1 ms
    assert r.rate_bytes_per_s == pytest.approx(100_000 / 0.001)
    assert r.efficiency == pytest.approx(100e6 / 125e6)
    assert rate(0, frames=0).rate_bytes_per_s == 0.0


def test_zero_errors_reports_upper_bound_not_zero():
    b = BitErrorRatio(0, "upstream->downstream", "prbs31", 0, 3_000_000_000, 150_000_000, CLK)
    assert b.ber is None and b.upper_95 == pytest.approx(1e-9)
    assert "< 1.0e-09" in b.text() and b.line_rate_bps == pytest.approx(1.5e9)


def test_errors_give_ratio_and_exact_poisson_bound():
    b = BitErrorRatio(1, "downstream->upstream", "prbs7", 7, 1_000_000, 75_000, CLK)
    assert b.ber == pytest.approx(7e-6)
    assert poisson_upper_95(0) == 3.0
    assert poisson_upper_95(1) == pytest.approx(4.744, abs=1e-3)
    assert poisson_upper_95(7) == pytest.approx(13.148, abs=1e-3)
    assert b.upper_95 == pytest.approx(13.148e-6, rel=1e-3)


def test_four_lanes_judged_without_projection():
    j = judge_direction("upstream->downstream", [rate(i) for i in range(4)], 500e6, 0.1, 0.25)
    assert j.total_bytes_per_s == pytest.approx(400e6) and j.projection_bytes_per_s is None
    assert j.verdict.verdict == "optimistic" and "4 lanes measured" in j.message


def test_fewer_lanes_give_labelled_projection():
    rates = [rate(0), rate(2), rate(1, direction="downstream->upstream")]
    j = judge_direction("upstream->downstream", rates, 500e6, 0.1, 0.25)
    assert j.lanes_measured == (0, 2) and j.total_bytes_per_s == pytest.approx(200e6)
    assert j.projection_bytes_per_s == pytest.approx(400e6)
    assert "PROJECTION to 4 lanes (not measured): 400.0 MB/s" in j.message
    assert j.verdict.measured_bytes_per_s == pytest.approx(200e6)     # the verdict is on what was measured
    assert j.to_dict()["lane_count"] == 2 and j.to_dict()["projection_lanes"] == 4
    assert math.isfinite(j.to_dict()["total_bytes_per_s"])
