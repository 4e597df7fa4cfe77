"""Bring-up's lane stage on a board cabled into a pair: which partner, a partner that cannot be used
(held by another run, or not there) and how the stage says so, the failure text of a bad direction."""
from contextlib import nullcontext
from types import SimpleNamespace

import pytest

from sailbench.harness.board.locks import BoardLock
from sailbench.harness.config import load_lab
from sailbench.harness.errors import StageFailed
from sailbench.harness.judge.pair import BitErrorRatio
from sailbench.harness.probes.lane_check import LaneCheck
from sailbench.harness.run import bringup_pair
from sailbench.harness.run.bringup import PASSED, BringupReport, Stage, render_bringup
from sailbench.harness.run.bringup_pair import NEEDS_PARTNER, hold_partner, lane_stage_over_pair, pair_link

LAB = """\
default_board: versa-a
boards:
  sim: {{kind: sim}}
  versa-a: {{kind: hardware, profile: versa-ecp5, serial: /dev/serial/by-id/sailbench-test-a}}
  versa-b: {{kind: hardware, profile: versa-ecp5, serial: /dev/serial/by-id/sailbench-test-b-missing}}
  versa-c: {{kind: hardware, profile: versa-ecp5, serial: /dev/serial/by-id/sailbench-test-c}}
pairs:
  versa-pair: {{kind: hardware, profile: versa-ecp5, upstream: versa-a, downstream: versa-b, lanes: [0]}}
  sim-pair: {{kind: sim, profile: versa-ecp5, upstream: sim-pair-up, downstream: sim-pair-down, lanes: 4}}
locks: {{dir: {tmp}/locks, wait_s: 5}}
results: {{dir: {tmp}/results}}
"""


@pytest.fixture
def lab(tmp_path):
    (tmp_path / "lab.yaml").write_text(LAB.format(tmp=tmp_path))
    return load_lab(tmp_path / "lab.yaml")


def test_a_board_in_a_hardware_pair_has_its_partner_and_role(lab):
    a, b = pair_link(lab, "versa-a"), pair_link(lab, "versa-b")
    assert (a.role, a.partner, a.partner_role) == ("upstream", "versa-b", "downstream")
    assert (b.role, b.partner) == ("downstream", "versa-a")
    assert a.command == "sailbench pair --pair versa-pair" and a.lanes_text() == "lane 0"
    assert pair_link(lab, "versa-c") is None          # in no pair: its lanes are looped back to itself
    assert pair_link(lab, "sim") is None and pair_link(lab, "sim-pair-up") is None   # simulated roles: not lab boards


def test_a_partner_held_by_another_run_is_named_with_the_pair_command(lab, tmp_path):
    link = pair_link(lab, "versa-b")                  # the partner, versa-a, is held: the stage does not wait
    with BoardLock(tmp_path / "locks", "versa-a", command="sailbench bench --board versa-a"):
        status, detail = lane_stage_over_pair(None, link, "versa-ecp5", lambda l: hold_partner(lab, l, lambda m: None),
                                              [], progress=lambda m: None)
    assert status == NEEDS_PARTNER
    assert detail.startswith("lane 0 of board 'versa-b' goes to board 'versa-a' (pair 'versa-pair', this board "
                             "downstream), which cannot be used here: ")
    assert "held by pid" in detail and "sailbench bench --board versa-a" in detail
    assert detail.endswith("run `sailbench pair --pair versa-pair` to check them")


def test_a_partner_that_is_not_there_needs_the_partner_rather_than_failing(lab):
    link = pair_link(lab, "versa-a")                  # versa-b's serial port does not exist
    status, detail = lane_stage_over_pair(None, link, "versa-ecp5", lambda l: hold_partner(lab, l, lambda m: None),
                                          [], progress=lambda m: None)
    assert status == NEEDS_PARTNER and "sailbench-test-b-missing does not exist" in detail
    assert "`sailbench pair --pair versa-pair`" in detail


def _check(lane, errors=0):
    ber = BitErrorRatio(lane, "", "prbs31", errors, 10**9, 5 * 10**7, 62.5e6)
    return LaneCheck(lane, f"DCU0 CH{lane}", "Up", "up", True, True, ber)


def _board(name, rate=1.25e9, coding="8b10b"):
    return SimpleNamespace(name=name, manifest=SimpleNamespace(lane=SimpleNamespace(line_rate_baud=rate,
                                                                                    coding=coding)))


def test_each_direction_is_checked_and_a_bad_one_names_its_lane_and_direction(lab, monkeypatch):
    link = pair_link(lab, "versa-a")
    seen = {}
    a, b = _board("A"), _board("B")

    def both_ways(board, partner, link_, profile, tolerance):
        seen.update(board=board, partner=partner, profile=profile)
        return {"versa-a -> versa-b": [_check(0)], "versa-b -> versa-a": [_check(0, errors=4)]}
    monkeypatch.setattr(bringup_pair, "check_both_ways", both_ways)
    records = []
    with pytest.raises(StageFailed) as e:
        lane_stage_over_pair(a, link, "versa-ecp5", lambda l: nullcontext(b), records, progress=lambda m: None)
    assert seen == {"board": a, "partner": b, "profile": "versa-ecp5"}
    assert e.value.next_step.startswith("lane 0 versa-b -> versa-a failed, the others pass")
    assert "versa-a -> versa-b: lane 0 (DCU0 CH0): locked, aligned" in e.value.detail
    assert records[0]["partner"] == "versa-b" and set(records[0]["directions"]) == {"versa-a -> versa-b",
                                                                                    "versa-b -> versa-a"}
    monkeypatch.setattr(bringup_pair, "check_both_ways", lambda *a: {"versa-a -> versa-b": [_check(0)],
                                                                     "versa-b -> versa-a": [_check(0)]})
    status, detail = lane_stage_over_pair(a, link, "versa-ecp5", lambda l: nullcontext(b), [],
                                          progress=lambda m: None)
    assert status == PASSED and detail.count("locked, aligned") == 2
    monkeypatch.setattr(bringup_pair, "check_both_ways", lambda *a: {"versa-a -> versa-b": [_check(0, errors=1)],
                                                                     "versa-b -> versa-a": [_check(0, errors=1)]})
    with pytest.raises(StageFailed) as e:
        lane_stage_over_pair(a, link, "versa-ecp5", lambda l: nullcontext(b), [], progress=lambda m: None)
    assert e.value.next_step.startswith("every lane failed both ways: the cabling between 'versa-a' and 'versa-b'")


def test_partners_built_at_two_line_rates_fail_before_any_lane_is_checked(lab, monkeypatch):
    monkeypatch.setattr(bringup_pair, "check_both_ways", lambda *a: pytest.fail("checked lanes at two rates"))
    with pytest.raises(StageFailed) as e:
        lane_stage_over_pair(_board("A"), pair_link(lab, "versa-a"), "versa-ecp5",
                             lambda l: nullcontext(_board("B", 2.5e9)), [], progress=lambda m: None)
    assert e.value.detail == ("board 'versa-a' runs its lanes at 1.25 Gb/s 8b10b, its partner 'versa-b' at 2.5 Gb/s "
                              "8b10b: they cannot link")
    assert "pairs.versa-pair.line_rate" in e.value.next_step


def test_a_bringup_whose_lanes_need_the_partner_passes_and_says_so():
    report = BringupReport("versa-b", "hardware", [Stage("scratch", PASSED),
                                                   Stage("SerDes lock", NEEDS_PARTNER, "lane 0 ... run `sailbench "
                                                                                       "pair --pair versa-pair`")])
    text = render_bringup(report)
    assert report.exit_code == 0 and "bring-up passed (not checked here: SerDes lock)" in text
    assert "SerDes lock needs the partner: lane 0 ... run `sailbench pair --pair versa-pair`" in text


def test_the_serdes_stage_goes_over_the_pair_when_the_board_is_in_one(lab, monkeypatch):
    from sailbench.harness.run import bringup
    from sailbench.harness.transport.regmap import RegisterMap
    calls = []
    monkeypatch.setattr(bringup, "lane_stage_over_pair", lambda *a: calls.append(a) or (NEEDS_PARTNER, "x"))
    runner = bringup._Bringup(lab.board("versa-a"), lambda m: None, SimpleNamespace(),
                              pair=pair_link(lab, "versa-a"), open_partner=lambda l: nullcontext(None))
    runner.board = SimpleNamespace(regmap=RegisterMap.from_dict(
        {"csr_registers": {"lane0_status": {"addr": 0, "size": 1, "type": "ro"}}}))
    assert runner.serdes() == (NEEDS_PARTNER, "x") and calls[0][1].partner == "versa-b"
