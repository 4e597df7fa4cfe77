"""Pair reservation (both boards or neither), placement candidates, phases."""
import random
import threading
import time
from pathlib import Path

import pytest

from sailbench.harness.config import Lab, PairConfig
from sailbench.harness.errors import ConfigError, PairBusyError, PairError, PhaseError
from sailbench.harness.board.locks import BoardLock
from sailbench.harness.run.pair.phase import Phase, PhaseMachine
from sailbench.harness.run.pair.reservation import Busy, PairReservation, reserve_first, try_reserve
from sailbench.harness.run.pair.placement import candidates, check_placement


def pair(name, up, down, kind="hardware", profile="versa-ecp5", lanes=(0, 1, 2, 3)):
    return PairConfig(name, kind, profile, up, down, tuple(lanes))


def test_try_reserve_takes_both_or_neither(tmp_path):
    held = BoardLock(tmp_path, "b", wait_s=0).acquire()
    got = try_reserve(tmp_path, pair("ab", "a", "b"))
    assert isinstance(got, Busy) and got.board == "b" and "held by pid" in got.reason
    # 'a' was not kept: another run can take it at once
    assert BoardLock(tmp_path, "a", wait_s=0).acquire().held
    held.release()


def test_reservation_released_frees_both(tmp_path):
    r = try_reserve(tmp_path, pair("ab", "a", "b"))
    assert isinstance(r, PairReservation) and r.held
    assert isinstance(try_reserve(tmp_path, pair("ba", "b", "a")), Busy)
    r.release()
    again = try_reserve(tmp_path, pair("ba", "b", "a"))
    assert isinstance(again, PairReservation)
    again.release()


def test_overlapping_pairs_never_deadlock_or_hold_half(tmp_path):
    """Many threads reserving a-b, b-a, b-c, c-a at once: all finish; never two holders of a board."""
    pairs = [pair("ab", "a", "b"), pair("ba", "b", "a"), pair("bc", "b", "c"), pair("ca", "c", "a")]
    holders: dict[str, int] = {"a": 0, "b": 0, "c": 0}
    guard = threading.Lock()
    errors: list[str] = []
    done = []

    def worker(i: int) -> None:
        for _ in range(5):
            p = random.choice(pairs)
            with reserve_first(tmp_path, [p], timeout_s=30) as r:
                with guard:
                    for b in r.pair.boards:
                        holders[b] += 1
                        if holders[b] > 1:
                            errors.append(f"{b} held twice")
                time.sleep(0.002)
                with guard:
                    for b in r.pair.boards:
                        holders[b] -= 1
        done.append(i)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert len(done) == 8 and not errors


def test_reserve_first_times_out_naming_holder_and_holding_nothing(tmp_path):
    held = BoardLock(tmp_path, "a", wait_s=0, command="other bench").acquire()
    seen = []
    with pytest.raises(PairBusyError, match=r"board 'a' is held by .*other bench.*waited"):
        reserve_first(tmp_path, [pair("ab", "a", "b")], timeout_s=0.3, on_busy=seen.append)
    assert seen and isinstance(seen[0][0], Busy)
    assert BoardLock(tmp_path, "b", wait_s=0).acquire().held      # b was never kept
    held.release()


def test_reserve_first_falls_to_next_candidate(tmp_path):
    held = BoardLock(tmp_path, "a", wait_s=0).acquire()
    with reserve_first(tmp_path, [pair("ab", "a", "b"), pair("cd", "c", "d")], timeout_s=1) as r:
        assert r.pair.name == "cd"
    held.release()


def lab_of(*pairs_):
    return Lab(path=Path("lab.yaml"), boards={}, pairs={p.name: p for p in pairs_})


def test_candidates_preferred_and_strict():
    lab = lab_of(pair("p1", "a", "b", "sim"), pair("p2", "c", "d", "sim"), pair("p3", "e", "f", "sim", lanes=(0,)),
                 pair("hw", "g", "h"), pair("p4", "i", "j", "sim", profile="sail-reva"))
    assert [p.name for p in candidates(lab, "p1", "preferred")] == ["p1", "p2"]
    assert [p.name for p in candidates(lab, "p1", "strict")] == ["p1"]


def test_unknown_placement_rejected():
    with pytest.raises(ConfigError, match="unknown placement 'anywhere'; use one of: preferred, strict"):
        check_placement("anywhere")


def test_phases_and_terminal_is_final():
    m = PhaseMachine("p")
    assert m.phase is Phase.PENDING
    with pytest.raises(PhaseError, match="cannot go from Pending to Succeeded"):
        m.transition(Phase.SUCCEEDED)
    m.transition(Phase.READY, "pods up")
    m.transition(Phase.FAILED, "rank 1 died")
    for to in Phase:
        with pytest.raises(PhaseError, match="terminal phases are final"):
            m.transition(to)
    assert m.phase is Phase.FAILED and m.wait_terminal(0)
    m.note("ignored")
    assert m.reason == "rank 1 died"


def test_wait_phase_is_woken_by_the_transition():
    """A waiter on Ready wakes when another thread moves the machine (an event, no polling); a terminal
    phase other than the one waited for ends the wait with False, and so does the timeout."""
    import threading
    m = PhaseMachine("p")
    assert not m.wait_phase(Phase.READY, 0)                  # the timeout: still Pending
    woke = threading.Event()
    waiter = threading.Thread(target=lambda: m.wait_phase(Phase.READY, 60) and woke.set())
    waiter.start()
    m.transition(Phase.READY, "pods up")
    waiter.join(60)
    assert woke.is_set()
    m.transition(Phase.FAILED, "rank 1 died")
    assert not m.wait_phase(Phase.SUCCEEDED, 60)             # returns at once: Failed is final
