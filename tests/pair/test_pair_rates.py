"""The simulated pair at other line rates and codes: 4 lanes at 2.5 Gb/s (8b/10b) and 4 lanes of
64b/66b at 1.25 Gb/s, each lane's payload against its code's ceiling; `sweep lanes` on one rate.

One session-scoped pair build per (rate, code), parametrized (a Verilator pair build costs minutes);
each test is one short pair run (50 frames of 2048 bytes per lane and direction)."""
from __future__ import annotations

import json

import pytest

from sailbench.gateware.profiles.lane_rates import LineRate
from sailbench.harness.config import load_lab
from sailbench.harness.run.pair.runner import PairRun, PairSettings
from sailbench.harness.run.pair.table import render_pair

QUICK = dict(payload_frames=50, prbs_seconds=0.2, link_timeout_s=20.0)
RATES = {"2.5G-8b10b": LineRate(2.5, "8b10b"), "1.25G-64b66b": LineRate(1.25, "64b66b")}


@pytest.fixture(scope="session", params=list(RATES))
def built_rate(request) -> LineRate:
    """A 4-lane pair build at this rate and code (built once per session)."""
    from sailbench.harness.build.cache import ensure_pair_build
    rate = RATES[request.param]
    ensure_pair_build("versa-ecp5", 4, progress=lambda m: print(m, flush=True), line_rate_gbps=rate.line_rate_gbps,
                      coding=rate.coding)
    return rate


def _lab(tmp_path, rate: LineRate):
    path = tmp_path / "lab.yaml"
    path.write_text("boards:\n  sim: {kind: sim}\npairs:\n  fast: {kind: sim, profile: versa-ecp5, upstream: fast-up, "
                    f"downstream: fast-down, lanes: 4, line_rate: {rate.line_rate_gbps:g}, coding: {rate.coding}}}\n"
                    "locks: {dir: locks, wait_s: 5}\nresults: {dir: results}\n")
    return load_lab(path)


def test_four_lanes_carry_097_of_the_ceiling_at_the_rate(tmp_path, built_rate):
    rate = built_rate
    run = PairRun(_lab(tmp_path, rate), "fast", PairSettings(**QUICK)).start()
    result = run.wait_until_complete(900)
    assert result.link_wait.status == "ready", result.link_wait.reason
    assert result.line_rate == rate
    assert len(result.lane_rates) == 8                     # 4 lanes, both directions
    for r in result.lane_rates:
        assert r.ceiling_bytes_per_s == pytest.approx(rate.ceiling_bytes_per_s)
        assert 0.97 * rate.ceiling_bytes_per_s <= r.rate_bytes_per_s <= rate.ceiling_bytes_per_s, (r.lane, r.direction)
        print(f"{rate.label} lane {r.lane} {r.direction}: {r.rate_bytes_per_s / 1e6:.1f} MB/s (sim), "
              f"{r.efficiency * 100:.1f} % of {rate.ceiling_bytes_per_s / 1e6:.1f}")
    for c in result.word_clocks:                          # the word clock follows the rate: rate / 20
        assert c["nominal_hz"] == pytest.approx(rate.word_clk_hz) and c["within_tolerance"], c
    for j in result.judgements:
        assert j.line_rate == rate and f"({rate.label})" in j.message
        assert "would hold with" in j.options and rate.coding in j.options, j.options
    text = render_pair(result)
    assert f"lanes at {rate.label}" in text
    totals = [r for r in json.loads(run.results.path.read_text())["records"] if r.get("quantity") == "pair total"]
    assert {(t["line_rate_gbps"], t["coding"]) for t in totals} == {(rate.line_rate_gbps, rate.coding)}


def test_sweep_lanes_prints_its_table_and_draws_its_chart(tmp_path):
    from sailbench.harness.run.sweep_lanes import render_lane_sweep, run_lane_sweep
    from sailbench.harness.build.cache import ensure_pair_build
    ensure_pair_build("versa-ecp5", 4, progress=lambda m: print(m, flush=True), line_rate_gbps=2.5)
    lab = _lab(tmp_path, LineRate(1.25, "8b10b"))
    outcome = run_lane_sweep(lab, "fast", [2.5], progress=print)
    text = render_lane_sweep(outcome)
    print(text)
    (point,) = outcome.points
    assert not point.error and point.lowest >= 0.97 * 250e6
    assert point.timing == "no build" and point.closes_timing is None      # no bitstream in this lab
    assert "2.5 Gb/s" in text and "250.0 MB/s" in text and "no build" in text
    (svg,) = outcome.artifacts
    assert svg.read_text().startswith("<svg") and "lowest lane (sim)" in svg.read_text()
    records = [r for r in json.loads(outcome.results.path.read_text())["records"] if r.get("probe") == "lane_sweep"]
    assert records[0]["line_rate_gbps"] == 2.5 and records[0]["lowest_lane_bytes_per_s"] == point.lowest
