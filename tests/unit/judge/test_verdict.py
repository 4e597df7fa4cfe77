"""Verdicts on constants and the scheduler's invariants."""
import json

import pytest

from sailbench.harness.judge.constants import HOST_LINK, INTERCARD, LOCAL_DDR
from sailbench.harness.errors import ConstantsError
from sailbench.harness.judge.verdict import judge, judge_invariants

C = 2_000_000_000


@pytest.mark.parametrize("measured, expected", [
    (C * 0.9, "holds"),            # exactly at the tolerance bound
    (C * 0.9 - 1, "optimistic"),
    (C, "holds"),
    (C * 1.25, "holds"),           # exactly at the slack bound
    (C * 1.25 + 1, "pessimistic"),
    (0, "optimistic"),
])
def test_boundaries(measured, expected):
    assert judge(LOCAL_DDR, C, measured, 0.10, 0.25).verdict == expected


def test_optimistic_message_and_ratio():
    v = judge(LOCAL_DDR, C, 497_100_000, 0.10, 0.25)
    assert v.verdict == "optimistic" and not v.holds
    assert v.ratio == pytest.approx(0.24855)
    assert v.message.startswith("LOCAL_DDR_BW_BYTES_PER_SEC is OPTIMISTIC: measured 497.1 MB/s "
                                "is 0.25x the constant 2000.0 MB/s")
    assert "1800.0 to 2500.0 MB/s" in v.message
    d = v.to_dict()
    assert json.loads(json.dumps(d)) == d
    assert d["constant"] == LOCAL_DDR and d["tolerance"] == 0.10 and d["slack"] == 0.25


def test_pessimistic_and_holds_messages():
    assert "is PESSIMISTIC" in judge(HOST_LINK, 100e6, 140e6, 0.1, 0.25).message
    v = judge(HOST_LINK, 100e6, 94.1e6, 0.1, 0.25)
    assert v.holds and v.message.startswith("HOST_LINK_BW_BYTES_PER_SEC holds: measured 94.1 MB/s "
                                            "is 0.94x")


def test_bad_inputs():
    with pytest.raises(ConstantsError, match="LOCAL_DDR"):
        judge(LOCAL_DDR, 0, 1, 0.1, 0.25)
    with pytest.raises(ValueError):
        judge(LOCAL_DDR, C, float("nan"), 0.1, 0.25)
    with pytest.raises(ValueError):
        judge(LOCAL_DDR, C, 1, 1.0, 0.25)


def test_invariants_all_constants_hold():
    vs = judge_invariants({LOCAL_DDR: (2e9, False), INTERCARD: (500e6, False),
                           HOST_LINK: (100e6, False)})
    assert [v.name for v in vs] == ["HOST < INTERCARD", "INTERCARD < LOCAL_DDR",
                                    "LOCAL_DDR >= 4 x INTERCARD"]
    assert all(v.holds for v in vs)
    assert "measured" not in vs[0].message and "scheduler constant" in vs[0].message


def test_measured_ddr_breaks_4x_invariant():
    vs = judge_invariants({LOCAL_DDR: (497.1e6, True), INTERCARD: (500e6, False),
                           HOST_LINK: (100e6, False)})
    by = {v.name: v for v in vs}
    four = by["LOCAL_DDR >= 4 x INTERCARD"]
    assert not four.holds
    assert four.message == ("LOCAL_DDR >= 4 x INTERCARD is BROKEN: LOCAL_DDR 497.1 MB/s (measured) "
                            "< 4 x INTERCARD 500.0 MB/s (scheduler constant) = 2000.0 MB/s")
    assert four.inputs == {LOCAL_DDR: {"value": 497.1e6, "measured": True},
                           INTERCARD: {"value": 500e6, "measured": False}}
    assert not by["INTERCARD < LOCAL_DDR"].holds
    assert "INTERCARD 500.0 MB/s (scheduler constant) >= LOCAL_DDR 497.1 MB/s (measured)" \
        in by["INTERCARD < LOCAL_DDR"].message
    assert by["HOST < INTERCARD"].holds
    d = four.to_dict()
    assert json.loads(json.dumps(d)) == d


def test_invariants_need_all_values():
    with pytest.raises(ValueError, match="HOST_LINK_BW_BYTES_PER_SEC"):
        judge_invariants({LOCAL_DDR: (1, True), INTERCARD: (1, False)})
