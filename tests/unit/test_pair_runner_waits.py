"""The pair runner's waits, without a simulator: the link-ready wait when polls fail, wait_until_complete
at its deadline, and preferred placement when every candidate pair is busy."""
import threading
from types import SimpleNamespace

import pytest

import sailbench.harness.run.pair.lane_measurement as lane_measurement
import sailbench.harness.run.pair.pod_client as pod_client
from sailbench.harness.board.locks import BoardLock, checkout_scope
from sailbench.harness.config import load_lab
from sailbench.harness.errors import PairPendingError, PairRunFailed
from sailbench.harness.run.pair.phase import Phase
from sailbench.harness.run.pair.pod_client import PodStepError, RankExit
from sailbench.harness.run.pair.lane_measurement import wait_link_ready
import sailbench.harness.run.pair.runner as runner
from sailbench.harness.run.pair.runner import PairRun, PairSettings


class Pod:
    def __init__(self, role):
        self.role = role

    def send(self, op, args=None):
        pass


def lanes_state(up):
    """Both ends' lane_states reply with lanes `up` Up and aligned, the others Training."""
    one = {str(i): {"state": "Up" if i in up else "Training", "aligned": i in up} for i in range(4)}
    return {"upstream": one, "downstream": one}


def scripted(monkeypatch, replies):
    """receive_all answers from `replies` in turn (an exception is raised), the last one forever."""
    calls = []

    def receive_all(pods, op, timeout_s):
        reply = replies[min(len(calls), len(replies) - 1)]
        calls.append(op)
        if isinstance(reply, BaseException):
            raise reply
        return reply
    monkeypatch.setattr(pod_client, "receive_all", receive_all)
    return calls


SESSION = SimpleNamespace(pods=[Pod("upstream"), Pod("downstream")])


def test_a_failed_last_poll_keeps_a_degraded_link_degraded(monkeypatch):
    calls = scripted(monkeypatch, [lanes_state({0, 1, 2})] * 3 + [PodStepError("step 'lane_states': no answer",
                                                                             rank=1, board="b")])
    link = wait_link_ready(SESSION, [0, 1, 2, 3], timeout_s=0.3, step_timeout_s=1, poll_s=0.05)
    assert len(calls) > 3, "the deadline came before the failing poll"
    assert link.status == lane_measurement.DEGRADED and link.lanes_up == [0, 1, 2]
    assert "lane state poll failed" in link.reason and "no answer" in link.reason


def test_polls_that_always_fail_end_in_timeout_with_the_poll_error(monkeypatch):
    scripted(monkeypatch, [PodStepError("step 'lane_states': no answer within 1 s", rank=0, board="a")])
    link = wait_link_ready(SESSION, [0, 1], timeout_s=0.15, step_timeout_s=1, poll_s=0.05)
    assert link.status == lane_measurement.TIMEOUT and link.lanes_up == []
    assert "lane state poll failed" in link.reason and "no answer within 1 s" in link.reason


def test_no_lane_up_at_the_deadline_is_a_timeout(monkeypatch):
    scripted(monkeypatch, [lanes_state(set())])
    link = wait_link_ready(SESSION, [0, 1], timeout_s=0.1, step_timeout_s=1, poll_s=0.05)
    assert link.status == lane_measurement.TIMEOUT and "no lane up after 0.1 s" in link.reason


def test_all_lanes_up_is_ready_even_after_a_failed_poll(monkeypatch):
    scripted(monkeypatch, [PodStepError("hiccup", rank=0, board="a"), lanes_state({0, 1})])
    link = wait_link_ready(SESSION, [0, 1], timeout_s=2, step_timeout_s=1, poll_s=0.01)
    assert link.status == lane_measurement.READY


@pytest.fixture
def lab(tmp_path):
    path = tmp_path / "lab.yaml"
    pair = "kind: sim, profile: versa-ecp5, lanes: 4, tags: [sim]"
    path.write_text(f"default_board: sim\nboards:\n  sim: {{kind: sim}}\n"
                    f"pairs:\n  p1: {{upstream: p1-up, downstream: p1-down, {pair}}}\n"
                    f"  p2: {{upstream: p2-up, downstream: p2-down, {pair}}}\n"
                    f"results: {{dir: {tmp_path / 'results'}}}\nlocks: {{dir: {tmp_path / 'locks'}}}\n")
    return load_lab(path)


def ends_in_the_last_poll(run, to, reason):
    """The phase turns terminal just as the wait times out (wait_terminal says False)."""
    def wait_terminal(timeout_s):
        run.phases.transition(Phase.READY, "pods up")
        run.phases.transition(to, reason)
        return False
    run.phases.wait_terminal = wait_terminal


def test_a_run_that_succeeded_in_the_last_poll_returns_its_result(lab):
    run = PairRun(lab, "p1", PairSettings())
    run.result = SimpleNamespace(run_id="x")
    ends_in_the_last_poll(run, Phase.SUCCEEDED, "measured")
    assert run.wait_until_complete(0.01) is run.result


def test_a_run_that_failed_in_the_last_poll_raises_with_its_ranks_exits(lab):
    run = PairRun(lab, "p1", PairSettings())
    run.ranks = [RankExit(1, "p1-down", "downstream", 3, "board did not answer", failed=True)]
    ends_in_the_last_poll(run, Phase.FAILED, "rank 1 died")
    with pytest.raises(PairRunFailed, match="rank 1 died") as e:
        run.wait_until_complete(0.01)
    assert "still" not in str(e.value) and e.value.ranks == run.ranks


def test_preferred_placement_with_every_pair_busy_stays_pending_naming_the_pairs_it_tried(lab):
    held = [BoardLock(lab.lock_dir, board, wait_s=0, command="another bench", scope=checkout_scope(True)).acquire()
            for board in ("p1-down", "p2-down")]
    try:
        run = PairRun(lab, "p1", PairSettings(placement="preferred", timeout_s=0.3), progress=lambda m: None)
        run.start()
        with pytest.raises(PairPendingError) as e:
            run.wait_until_complete(10)
        run.join(5)
        assert run.phase is Phase.PENDING
        assert "tried 'p1', 'p2'" in e.value.reason and "another bench" in e.value.reason
        assert run.results.data["phase"]["phase"] == "Pending"
        assert "tried 'p1', 'p2'" in run.results.data["phase"]["reason"]
    finally:
        for lock in held:
            lock.release()


def test_run_pair_to_end_cancels_a_run_still_pending_at_its_deadline_and_joins_it(lab):
    held = BoardLock(lab.lock_dir, "p1-down", wait_s=0, command="another bench").acquire()
    try:
        run = PairRun(lab, "p1", PairSettings(placement="strict", timeout_s=600), progress=lambda m: None)
        with pytest.raises(PairPendingError, match="still Pending after 0.3 s"):
            runner.run_pair_to_end(run, timeout_s=0.3)
        assert run.cancel_flag.reason == "gave up waiting"
        assert not run._thread.is_alive(), "the run's thread outlived the blocking call"
    finally:
        held.release()


def test_run_pair_to_end_waits_the_pending_time_and_then_the_run():
    settings = PairSettings(timeout_s=100, run_timeout_s=50)
    assert settings.deadline_s == 150


def test_run_pair_to_end_cancels_on_ctrl_c_and_lets_it_through(lab):
    held = BoardLock(lab.lock_dir, "p1-down", wait_s=0, command="another bench").acquire()
    try:
        run = PairRun(lab, "p1", PairSettings(placement="strict", timeout_s=600), progress=lambda m: None)

        def interrupted(timeout_s):
            raise KeyboardInterrupt
        run.wait_until_complete = interrupted
        with pytest.raises(KeyboardInterrupt):
            runner.run_pair_to_end(run)
        assert run.cancel_flag.reason == "interrupted (Ctrl-C)"
        assert not run._thread.is_alive()
    finally:
        held.release()
