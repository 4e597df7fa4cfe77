"""Pair judgement: lane rates from cycles, BER bounds, totals against INTERCARD with projection."""
import math

import pytest

from sailbench.harness.judge.pair import (BitErrorRatio, GroupWindow, LaneRate, judge_direction,
                                          lane_ceiling_bytes_per_s, one_window_aggregate, poisson_upper_95)

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


WORD = 62_500_000


def grouped(lane, direction="upstream->downstream", frames=100, bytes_per_frame=2000, first=1000, cycles=62_500,
            latch=200_000, clock=WORD):
    """A lane whose frames ran from word cycle `first` for `cycles` cycles, its counter `latch` at the group latch."""
    return LaneRate(lane, direction, frames, frames * bytes_per_frame, first, first + cycles - 1, clock,
                    latch_cycle=latch)


def test_four_lanes_in_one_window_judged_on_the_aggregate():
    rates = [grouped(i, bytes_per_frame=1250) for i in range(4)]          # 125 kB per lane in 1 ms: 125 MB/s each
    window = GroupWindow(latch_sys_cycle=300_000, sys_clk_hz=75e6)
    j = judge_direction("upstream->downstream", rates, 500e6, 0.1, 0.25, window)
    assert j.one_window and j.window_s == pytest.approx(0.001)
    assert j.total_bytes_per_s == pytest.approx(500e6) and j.verdict.verdict == "holds"
    assert j.projection_bytes_per_s is None and j.per_lane_text is None
    assert "4 lanes measured" in j.message and "one window of 1.000 ms" in j.message


def test_aggregate_is_total_bytes_over_the_common_window_not_a_sum_of_lane_windows():
    # lane 1 starts its frames half a window later: each lane alone runs at 125 MB/s, but together the lanes
    # span 1.5 ms, so the aggregate is 4 x 125 kB / 1.5 ms, not 500 MB/s
    rates = [grouped(i, bytes_per_frame=1250, first=1000 + (31_250 if i == 1 else 0),
                     cycles=62_500) for i in range(4)]
    assert sum(r.rate_bytes_per_s for r in rates) == pytest.approx(500e6)
    total, seconds = one_window_aggregate(rates, GroupWindow(300_000, 75e6))
    assert seconds == pytest.approx(0.0015) and total == pytest.approx(500e3 / 0.0015)
    j = judge_direction("upstream->downstream", rates, 500e6, 0.1, 0.25, GroupWindow(300_000, 75e6))
    assert j.verdict.verdict == "optimistic"


def test_stamps_mapped_to_sys_through_each_lanes_own_counter_and_clock():
    # two lanes with unrelated word counter origins and slightly different measured clocks: the same
    # instants on sys once mapped through the group latch
    a = LaneRate(0, "upstream->downstream", 10, 20_000, 100, 100 + 6_250 - 1, 62.5e6, latch_cycle=10_000)
    b = LaneRate(1, "upstream->downstream", 10, 20_000, 5_100, 5_100 + 6_250 - 1, 62.5e6, latch_cycle=15_000)
    total, seconds = one_window_aggregate([a, b], GroupWindow(1_000_000, 75e6))
    assert seconds == pytest.approx(6_250 / 62.5e6) and total == pytest.approx(40_000 / seconds)


def test_three_lanes_not_judged_with_per_lane_share_and_projection():
    rates = [grouped(i, bytes_per_frame=1240) for i in (0, 2, 3)]          # 124 MB/s per lane
    j = judge_direction("upstream->downstream", rates, 500e6, 0.1, 0.25, GroupWindow(300_000, 75e6))
    assert j.verdict.verdict == "not judged" and j.verdict.reason == "3 of 4 lanes"
    assert j.verdict.label == "not judged (3 of 4 lanes)" and not j.verdict.holds
    assert "INTERCARD_BW_BYTES_PER_SEC not judged: 3 of 4 lanes" in j.message
    assert "OPTIMISTIC" not in j.message and "optimistic" not in j.verdict.message
    assert j.total_bytes_per_s == pytest.approx(372e6)
    assert j.per_lane_bytes_per_s == pytest.approx(124e6) and j.per_lane_share_bytes_per_s == pytest.approx(125e6)
    assert "PER LANE 124.0 MB/s (mean of 3 lanes) against the constant's per-lane share 125.0 MB/s" in j.per_lane_text
    assert j.per_lane_text in j.message
    assert j.projection_bytes_per_s == pytest.approx(496e6)
    assert "PROJECTION to 4 lanes (not measured): 496.0 MB/s" in j.message
    d = j.to_dict()
    assert d["verdict"]["verdict"] == "not judged" and d["lane_count"] == 3 and d["design_lanes"] == 4


def test_configured_two_lanes_not_judged():
    rates = [rate(0), rate(2), rate(1, direction="downstream->upstream")]
    j = judge_direction("upstream->downstream", rates, 500e6, 0.1, 0.25)
    assert j.lanes_measured == (0, 2) and j.total_bytes_per_s == pytest.approx(200e6)
    assert j.verdict.verdict == "not judged" and j.verdict.reason == "2 of 4 lanes"
    assert j.projection_bytes_per_s == pytest.approx(400e6)
    assert "PROJECTION to 4 lanes (not measured): 400.0 MB/s" in j.message
    assert j.to_dict()["lane_count"] == 2 and j.to_dict()["projection_lanes"] == 4
    assert math.isfinite(j.to_dict()["total_bytes_per_s"])


def test_four_lanes_without_a_lane_group_not_judged():
    j = judge_direction("upstream->downstream", [rate(i) for i in range(4)], 500e6, 0.1, 0.25)
    assert j.total_bytes_per_s == pytest.approx(400e6) and not j.one_window
    assert j.verdict.verdict == "not judged" and j.verdict.reason == "lanes not measured at once"
    assert "sum of per-lane windows" in j.message


def test_not_judged_intercard_fails_the_acceptance_check_with_its_message():
    from sailbench.harness.run.acceptance import _verdict_check
    j = judge_direction("upstream->downstream", [grouped(i) for i in (0, 2, 3)], 500e6, 0.1, 0.25,
                        GroupWindow(300_000, 75e6))
    c = _verdict_check("INTERCARD_BW_BYTES_PER_SEC[upstream->downstream]", j.verdict, True, "run")
    assert not c.held and "not judged: 3 of 4 lanes" in c.message and c.properties["verdict"] == "not judged"


def test_a_silent_lane_does_not_count_toward_the_four():
    """A lane that trained up but delivered no frame: 3 lanes measured, never an OPTIMISTIC constant."""
    rates = [grouped(i, bytes_per_frame=1250) for i in (0, 2, 3)] + [grouped(1, frames=0)]
    window = GroupWindow(latch_sys_cycle=300_000, sys_clk_hz=75e6)
    j = judge_direction("upstream->downstream", rates, 500e6, 0.1, 0.25, window)
    assert j.lanes_measured == (0, 2, 3) and j.verdict.verdict == "not judged"
    assert "lane 1 received no frame" in j.message and "OPTIMISTIC" not in j.message


def test_more_lanes_than_the_constant_assumes_are_judged_per_four():
    """8 lanes at 125 MB/s carry 1 GB/s: judged as 500 MB/s per 4 lanes (holds), never a 2x PESSIMISTIC."""
    rates = [grouped(i, bytes_per_frame=1250) for i in range(8)]
    window = GroupWindow(latch_sys_cycle=300_000, sys_clk_hz=75e6)
    j = judge_direction("upstream->downstream", rates, 500e6, 0.1, 0.25, window)
    assert j.total_bytes_per_s == pytest.approx(1e9)
    assert j.verdict.verdict == "holds" and j.verdict.measured_bytes_per_s == pytest.approx(500e6)
    assert "judged PER 4 LANES: 500.0 MB/s" in j.message
    assert "assumes 4 lanes x 1.25 Gb/s x 8b/10b = 500.0 MB/s per direction" in j.verdict.message
    slow = [grouped(i, bytes_per_frame=800) for i in range(8)]        # 80 MB/s a lane: 640 MB/s in total
    k = judge_direction("upstream->downstream", slow, 500e6, 0.1, 0.25, window)
    assert k.verdict.verdict == "optimistic", k.message              # 320 MB/s per 4 lanes, not a bigger "holds"
