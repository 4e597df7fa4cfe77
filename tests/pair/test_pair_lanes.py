"""Lane faults on the simulated pair: exact bit error counts, a cut lane measured as degraded."""
from __future__ import annotations

import json

import pytest

from sailbench.harness.record.outcome import MEASUREMENT, run_outcome
from sailbench.harness.run.pair.phase import Phase
from sailbench.harness.run.pair.table import exit_code, render_pair
from sailbench.harness.run.pair.runner import PairRun, PairSettings

QUICK = dict(payload_frames=50, prbs_seconds=0.5, link_timeout_s=10.0)


def test_injected_bit_errors_counted_exactly(pair_lab, needs_lanes):
    mask = 0b1010_0000_0100_0000_0001          # 4 bits flipped in one word
    settings = PairSettings(inject=[{"role": "downstream", "lane": 2, "mask": mask, "words_ahead": 20_000}], **QUICK)
    run = PairRun(pair_lab, "sim-pair", settings).start()
    result = run.wait_until_complete(600)
    assert result.link_wait.status == "ready"
    errors = {(b.direction, b.lane): b.errors for b in result.bers}
    assert errors.pop(("upstream->downstream", 2)) == 4
    assert set(errors.values()) == {0}
    hit = next(b for b in result.bers if b.lane == 2 and b.direction == "upstream->downstream")
    assert hit.ber == pytest.approx(4 / hit.bits) and hit.upper_95 > hit.ber
    assert not result.all_hold                    # bit errors are a finding
    records = [r for r in json.loads(run.results.path.read_text())["records"] if r.get("quantity") == "prbs"]
    assert {(r["direction"], r["lane"]): r["injected_bit_errors"] for r in records
            if r["injected_bit_errors"]} == {("upstream->downstream", 2): 4}


def test_cut_lane_gives_degraded_and_the_rest_measured(pair_lab, needs_lanes):
    settings = PairSettings(faults=[{"role": "downstream", "lane": 1, "knobs": {"cut": 1}}],
                            **{**QUICK, "link_timeout_s": 10.0})   # the 3 good lanes train in well under 1 s unloaded
    run = PairRun(pair_lab, "sim-pair", settings).start()
    result = run.wait_until_complete(600)
    assert run.phase is Phase.SUCCEEDED
    assert result.link_wait.status == "degraded" and result.link_wait.lanes_up == [0, 2, 3]
    assert "lanes [1] not" in result.link_wait.reason
    assert sorted({r.lane for r in result.lane_rates}) == [0, 2, 3]
    for j in result.judgements:
        assert j.lanes_measured == (0, 2, 3)
        assert j.projection_bytes_per_s == pytest.approx(j.total_bytes_per_s / 3 * 4)
        assert "PROJECTION to 4 lanes (not measured)" in j.message
        # judged only on what the constant describes: 3 lanes are never OPTIMISTIC against 4 lanes' constant
        assert j.verdict.verdict == "not judged" and j.verdict.reason == "3 of 4 lanes", j.message
        assert "INTERCARD_BW_BYTES_PER_SEC not judged: 3 of 4 lanes" in j.message
        assert "OPTIMISTIC" not in j.message
        assert j.per_lane_share_bytes_per_s == 125e6 and 0.97 * 125e6 <= j.per_lane_bytes_per_s <= 125e6
        assert "PER LANE" in j.per_lane_text
    data = json.loads(run.results.path.read_text())
    assert data["link_wait"]["status"] == "degraded"
    assert data["link_wait"]["lanes"] == [0, 1, 2, 3] and data["link_wait"]["lanes_up"] == [0, 2, 3]
    assert all(v["verdict"] == "not judged" for v in data["verdicts"])
    outcome = run_outcome(data)
    assert outcome.outcome == MEASUREMENT and "link fault: lane 1 down" in outcome.message
    text = render_pair(result)
    assert "link fault: lane 1 down" in text and "not judged (3 of 4 lanes)" in text
    assert "optimistic" not in text.lower()
    assert exit_code(result) == 1


def test_configured_two_lanes_not_judged(tmp_path, needs_lanes):
    from sailbench.harness.config import load_lab
    path = tmp_path / "lab.yaml"
    path.write_text("boards:\n  sim: {kind: sim}\npairs:\n  two: {kind: sim, profile: versa-ecp5, upstream: two-up, "
                    "downstream: two-down, lanes: [1, 3]}\nlocks: {dir: locks, wait_s: 5}\nresults: {dir: results}\n")
    lab = load_lab(path)
    run = PairRun(lab, "two", PairSettings(**QUICK)).start()
    result = run.wait_until_complete(600)
    assert result.link_wait.status == "ready" and result.link_wait.lanes == [1, 3]
    assert sorted({r.lane for r in result.lane_rates}) == [1, 3]
    for j in result.judgements:
        assert j.one_window and j.verdict.verdict == "not judged" and j.verdict.reason == "2 of 4 lanes", j.message
    found = run_outcome(json.loads(run.results.path.read_text()))
    # measured cleanly, but two lanes judge no constant: a run that judged nothing never passes
    assert found.outcome == MEASUREMENT and "no scheduler constant was judged" in found.message, found
