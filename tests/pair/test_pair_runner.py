"""The bench pair runner on the simulated pairs: phases, placement, ranks, results on disk."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from sailbench.harness.errors import ConfigError, PairCancelled, PairPendingError, PairRunFailed, PhaseError
from sailbench.harness.run.pair.phase import Phase
from sailbench.harness.run.pair.reservation import PairReservation, try_reserve
from sailbench.harness.run.pair.runner import PairRun, PairSettings

REPO = Path(__file__).resolve().parents[2]
QUICK = dict(payload_frames=50, prbs_seconds=0.3, link_timeout_s=10.0)


def results_of(run: PairRun) -> dict:
    return json.loads(run.results.path.read_text())


def hold(lab, name: str) -> PairReservation:
    got = try_reserve(lab.lock_dir, lab.pair(name), command="test holding the pair")
    assert isinstance(got, PairReservation), got
    return got


def wait_phase(run: PairRun, phase: Phase, timeout_s: float = 300) -> None:
    """Woken by the phase transition itself (PhaseMachine.wait_phase), not by polling."""
    reached = run.phases.wait_phase(phase, timeout_s)
    assert reached, f"run is {run.phase.value}, not {phase.value}: {run.reason}"


class RecordSeen:
    """A results sink whose event is set when a record of `step` is added (or already was)."""

    def __init__(self, step: str):
        self.step, self.event = step, threading.Event()

    def record_added(self, results, record: dict) -> None:
        if record.get("step") == self.step:
            self.event.set()

    def run_updated(self, results) -> None:
        pass


def wait_record(run: PairRun, step: str, timeout_s: float = 120) -> None:
    """Until the run's results get a record of `step`: an event set by the results file, not a poll."""
    seen = RecordSeen(step)
    run.results.sinks.append(seen)
    if any(r.get("step") == step for r in run.results.data["records"]):     # added before the sink was
        seen.event.set()
    assert seen.event.wait(timeout_s), f"no '{step}' record after {timeout_s} s ({run.phase.value}: {run.reason})"


def test_end_to_end_pass(pair_lab, needs_lanes):
    run = PairRun(pair_lab, "sim-pair", PairSettings(**QUICK), progress=print).start()
    result = run.wait_until_complete(600)
    assert run.phase is Phase.SUCCEEDED
    assert result.session["measured"] == "sim-pair" and not result.session["fell_back"]
    assert [(r.rank, r.role, r.board, r.exit_code, r.failed) for r in result.ranks] == [
        (0, "upstream", "sim-pair-up", 0, False), (1, "downstream", "sim-pair-down", 0, False)]
    assert result.steps["ident"]["upstream"].endswith(result.steps["ident"]["downstream"].split("hash=")[1])
    assert all(c["second"] > c["first"] for c in result.steps["cycles"].values())
    data = results_of(run)
    assert data["phase"]["phase"] == "Succeeded" and data["pair"]["measured"] == "sim-pair"
    assert [r["exit_code"] for r in data["ranks"]] == [0, 0]
    assert needs_lanes == [0, 1, 2, 3]
    # a skipped link wait (no lane probe) is a failure here, never an early pass
    assert result.link_wait is not None and result.link_wait.status == "ready", result.link_wait
    assert sorted({(r.lane, r.direction) for r in result.lane_rates}) == sorted(
        {(i, d) for i in range(4) for d in ("upstream->downstream", "downstream->upstream")})
    for r in result.lane_rates:
        assert r.frames == QUICK["payload_frames"] and r.sequence_errors == 0
        # 2048-byte frames (1024 words + framing) carry 99.3 % of the 8b/10b lane ceiling (125 MB/s)
        assert r.ceiling_bytes_per_s == 125e6 and r.bytes == QUICK["payload_frames"] * 2048
        assert 0.97 <= r.efficiency <= 1.0, r
    for b in result.bers:
        assert b.errors == 0 and b.bits > 0 and b.ber is None and b.upper_95 == pytest.approx(3 / b.bits)
    assert [len(j.lanes_measured) for j in result.judgements] == [4, 4]
    assert all(j.projection_bytes_per_s is None for j in result.judgements)
    # the word clock counted against sys in the same hardware window (two lane group latches): nominal 62.5 MHz
    rx = [c for c in result.word_clocks if c["side"] == "rx"]
    assert len(rx) == 8 and all(c["source"].startswith("measured") for c in rx)
    for c in result.word_clocks:
        assert c["measured_hz"] == pytest.approx(62.5e6, rel=1e-4) and c["within_tolerance"], c
        assert abs(c["measured_hz"] - 62.5e6) <= c["uncertainty_hz"], c      # nominal within the count's resolution
    for r in result.lane_rates:
        assert r.sys_clk_hz == pytest.approx(62.5e6, rel=1e-4)
    # INTERCARD judged on one aggregate: all lanes started and latched together, total bytes over the common
    # window; below the 500 MB/s of 4 lanes by the framing (99.3 %) at most, above the slowest lane x 4 - a frame
    for j in result.judgements:
        assert j.one_window and j.window_s > 0
        lanes = [r for r in result.lane_rates if r.direction == j.direction]
        assert j.total_bytes_per_s <= sum(r.rate_bytes_per_s for r in lanes) * (1 + 1e-9)
        assert 0.97 * 500e6 <= j.total_bytes_per_s <= 500e6, j.message
        assert j.verdict.verdict == "holds", j.message
        print(j.message)
    for c in rx:
        print(f"lane {c['lane']} {c['role']} rx word clock {c['measured_hz']:.1f} Hz ({c['word_cycles']} / "
              f"{c['sys_cycles']} sys cycles)")
    for r in result.lane_rates:
        print(f"lane {r.lane} {r.direction}: {r.rate_bytes_per_s / 1e6:.2f} MB/s")
    assert data["verdicts"] and data["link_wait"]["status"] == "ready"


@pytest.fixture
def long_step_sent(monkeypatch) -> threading.Event:
    """Set once the long "sleep" step has been sent to both pods (an event, not a guessed sleep)."""
    from sailbench.harness.run.pair import pod_client
    sent, both = [], threading.Event()
    original = pod_client.PodHandle.send

    def send(self, op, args=None):
        original(self, op, args)
        if op == "sleep":
            sent.append(self.role)
            if len(sent) >= 2:
                both.set()
    monkeypatch.setattr(pod_client.PodHandle, "send", send)
    return both


def test_pod_killed_mid_run_gives_failed_with_that_rank(pair_lab, long_step_sent):
    settings = PairSettings(extra_steps=[("sleep", {"seconds": 60})], **QUICK)
    run = PairRun(pair_lab, "sim-pair", settings, progress=print).start()
    wait_phase(run, Phase.READY)
    assert long_step_sent.wait(300), f"the long step was never sent ({run.phase.value}: {run.reason})"
    victim = run.session.downstream
    os.killpg(victim.pid, signal.SIGKILL)
    with pytest.raises(PairRunFailed) as e:
        run.wait_until_complete(120)
    assert run.phase is Phase.FAILED
    failed = e.value.ranks
    assert [(r.rank, r.board) for r in failed] == [(1, "sim-pair-down")]
    assert failed[0].exit_code == -signal.SIGKILL and "SIGKILL" in failed[0].reason
    assert "rank 1 (downstream, board 'sim-pair-down')" in str(e.value)
    up = next(r for r in run.ranks if r.rank == 0)
    assert not up.failed
    data = results_of(run)
    assert data["phase"]["phase"] == "Failed" and data["status"] == "error"
    assert {r["rank"]: r["failed"] for r in data["ranks"]} == {0: False, 1: True}
    assert any(r.get("step") == "ident" for r in data["records"])       # partial results kept
    with pytest.raises(PhaseError, match="already Failed"):
        run.wait_until_complete(1)                    # terminal when called: raises at once
    with pytest.raises(PhaseError, match="terminal phases are final"):
        run.phases.transition(Phase.SUCCEEDED)


def test_strict_against_busy_pair_stays_pending(pair_lab):
    with hold(pair_lab, "sim-pair"):
        run = PairRun(pair_lab, "sim-pair", PairSettings(placement="strict", timeout_s=1.5, **QUICK)).start()
        with pytest.raises(PairPendingError) as e:
            run.wait_until_complete(60)
        assert "board 'sim-pair-down' is held by" in e.value.reason and "test holding the pair" in e.value.reason
        assert run.phase is Phase.PENDING and run.session is None          # never placed, never measured
        data = results_of(run)
        assert data["phase"]["phase"] == "Pending" and "busy" in data["phase"]["reason"]
        assert "pair" not in data and not [r for r in data["records"]]
    assert isinstance(try_reserve(pair_lab.lock_dir, pair_lab.pair("sim-pair-2")), PairReservation)  # untouched


def test_preferred_against_busy_pair_measures_another_and_says_so(pair_lab):
    with hold(pair_lab, "sim-pair"):
        run = PairRun(pair_lab, "sim-pair", PairSettings(placement="preferred", timeout_s=30, **QUICK)).start()
        result = run.wait_until_complete(600)
    assert result.session["requested"] == "sim-pair" and result.session["measured"] == "sim-pair-2"
    assert result.session["fell_back"] is True
    assert "measured pair 'sim-pair-2' INSTEAD OF 'sim-pair'" in result.placement_text
    assert {r.board for r in result.ranks} == {"sim-pair-2-up", "sim-pair-2-down"}
    data = results_of(run)
    assert data["pair"]["measured"] == "sim-pair-2" and data["pair"]["fell_back"] is True
    assert data["provenance"]["board"] == "sim-pair-2"


def test_unknown_placement_rejected_before_anything_starts(pair_lab):
    with pytest.raises(ConfigError, match="unknown placement 'nearest'"):
        PairRun(pair_lab, "sim-pair", PairSettings(placement="nearest"))
    assert not pair_lab.results_dir.exists()
    done = subprocess.run([sys.executable, "-m", "sailbench.harness.cli", "--lab", str(pair_lab.path), "pair", "--pair",
                           "sim-pair", "--placement", "nearest"], cwd=REPO, capture_output=True, text=True,
                          timeout=60)
    # argparse's usage line and one error line naming the option and its choices
    assert done.returncode == 2 and done.stderr.strip().splitlines()[-1] == (
        "sailbench pair: error: argument --placement: invalid choice: 'nearest' (choose from 'preferred', 'strict')")
    assert not pair_lab.results_dir.exists()


def test_cancel_gives_cancelled_with_partial_results(pair_lab, long_step_sent):
    run = PairRun(pair_lab, "sim-pair", PairSettings(extra_steps=[("sleep", {"seconds": 60})], **QUICK)).start()
    wait_phase(run, Phase.READY)
    assert long_step_sent.wait(300), f"the long step was never sent ({run.phase.value}: {run.reason})"
    wait_record(run, "cycles")
    threading.Timer(0, run.cancel, args=("interrupted (Ctrl-C)",)).start()
    with pytest.raises(PairCancelled, match="partial results in"):
        run.wait_until_complete(60)
    assert run.phase is Phase.CANCELLED
    data = results_of(run)
    assert data["status"] == "interrupted" and data["phase"]["phase"] == "Cancelled"
    assert any(r.get("step") == "cycles" for r in data["records"])
    assert len(data["ranks"]) == 2


def test_cli_ctrl_c_exit_130_and_interrupted_file(pair_lab, tmp_path):
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "sailbench.harness.cli", "--lab", str(pair_lab.path), "pair", "--pair",
                             "sim-pair", "--link-timeout", "60"], cwd=REPO, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))  # also in a background job
    try:
        for line in proc.stdout:
            if line.startswith("measured pair"):      # the event: placed, pods up, measuring starts
                break
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, err
    files = list(pair_lab.results_dir.glob("*.json"))
    assert len(files) == 1
    data = json.loads(files[0].read_text())
    assert data["status"] == "interrupted" and data["phase"]["phase"] == "Cancelled"
