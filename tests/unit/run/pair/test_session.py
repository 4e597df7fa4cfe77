"""PairSession: what it says about placement, its record, and close(): every pod stopped (a failed
rank named), the simulation closed and both boards released even when a step fails. The pods and
the simulation are stand-ins (they start processes); the boards' locks are real."""
import pytest

from sailbench.harness.board.locks import BoardLock
from sailbench.harness.config import PairConfig
from sailbench.harness.errors import BoardBusyError
from sailbench.harness.run.pair.reservation import PairReservation, try_reserve
from sailbench.harness.run.pair.session import Cancel, PairSession


class _Pod:
    def __init__(self, rank: int, fail: bool = False):
        self.rank, self.fail, self.stops = rank, fail, []

    def stop(self, why: str, failed: bool):
        self.stops.append((why, failed))
        if self.fail:
            raise RuntimeError("pod would not stop")
        return (self.rank, why, failed)


class _Sim:
    closed = 0

    def close(self):
        self.closed += 1


def _session(tmp_path, requested="ab", name="ab"):
    pair = PairConfig(name, "hardware", "versa-ecp5", "a", "b")
    reservation = try_reserve(tmp_path, pair)
    assert isinstance(reservation, PairReservation)
    return PairSession(requested, "preferred", pair, reservation)


def _free(tmp_path, board):
    try:
        BoardLock(tmp_path, board, wait_s=0).acquire().release()
    except BoardBusyError:
        return False
    return True


def test_placement_text_and_record_say_when_the_run_fell_back(tmp_path):
    same = _session(tmp_path)
    assert not same.fell_back and "as requested" in same.placement_text()
    same.close()
    other = _session(tmp_path, requested="cd")
    assert other.fell_back and "INSTEAD OF 'cd'" in other.placement_text()
    record = other.to_dict()
    assert record["requested"] == "cd" and record["measured"] == "ab" and record["fell_back"]
    assert record["upstream"] == "a" and record["downstream"] == "b" and record["lanes"] == [0, 1, 2, 3]
    other.close()


def test_close_stops_every_pod_names_the_failed_rank_and_releases_the_boards(tmp_path):
    s = _session(tmp_path)
    s.pods, s.sim = [_Pod(0), _Pod(1)], _Sim()
    sim = s.sim
    exits = s.close("run finished", failed_ranks={1: "rank 1 lost its lanes"})
    assert exits == [(0, "run finished", False), (1, "rank 1 lost its lanes", True)]
    assert sim.closed == 1 and s.sim is None
    assert _free(tmp_path, "a") and _free(tmp_path, "b")


def test_a_pod_that_fails_to_stop_still_releases_the_simulation_and_boards(tmp_path):
    s = _session(tmp_path)
    s.pods, s.sim = [_Pod(0, fail=True), _Pod(1)], _Sim()
    sim = s.sim
    with pytest.raises(RuntimeError, match="would not stop"):
        s.close()
    assert sim.closed == 1
    assert _free(tmp_path, "a") and _free(tmp_path, "b")


def test_the_context_manager_closes_the_session(tmp_path):
    with _session(tmp_path) as s:
        s.pods = [_Pod(0), _Pod(1)]
        assert not _free(tmp_path, "a")
    assert [p.stops for p in s.pods] == [[("session closed", False)], [("session closed", False)]]
    assert _free(tmp_path, "a") and _free(tmp_path, "b")


def test_cancel_keeps_the_first_reason():
    c = Cancel()
    assert not c
    c.set("timeout after 600 s")
    c.set("interrupted (Ctrl-C)")
    assert c and c.reason == "timeout after 600 s"
