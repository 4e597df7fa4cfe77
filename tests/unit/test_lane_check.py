"""SerDes bring-up per lane, without a board: what each lane's outcome says and where the lane is."""
from sailbench.harness.judge.pair import BitErrorRatio
from sailbench.harness.probes.lane_check import LaneCheck, lane_place


def ber(errors, bits=10_000_000):
    return BitErrorRatio(0, "loopback", "prbs31", errors, bits, 1000, 62.5e6)


def test_lanes_are_named_by_dcu_channel_and_pins():
    assert lane_place("versa-ecp5", 0) == "DCU0 CH0, PCIe x1 edge: TX W4/W5, RX Y5/Y6"
    assert lane_place("versa-ecp5", 1) == "DCU0 CH1, SMA: TX W8/W9, RX Y7/Y8"
    assert lane_place("sail-reva", 3) == "DCU1 CH1, pins not in the platform's table"


def test_each_outcome_says_what_to_check():
    place = lane_place("versa-ecp5", 1)
    cut = LaneCheck(1, place, "Down", "serdes", False, False)
    assert "NOT LOCKED" in cut.text() and "cable or connector" in cut.text()
    cut = LaneCheck(1, place, "Training", "sync", True, False)
    assert not cut.passed and "this lane's cable or connector" in cut.text()
    good = LaneCheck(1, place, "Up", "up", True, True, ber(0))
    assert good.passed
    assert good.text() == f"lane 1 ({place}): locked, aligned, PRBS31 < 3.0e-07 (95 %, 0 errors in 1e+07 bits)"
    bad = LaneCheck(1, place, "Up", "up", True, True, ber(4))
    assert not bad.passed and "marginal lane" in bad.text() and "4 errors" in bad.text()
    assert not LaneCheck(1, place, "Up", "up", True, True, ber(0, bits=0)).passed
    assert not LaneCheck(1, place, "Up", "up", True, True, ber(0), lock_losses=2).passed
