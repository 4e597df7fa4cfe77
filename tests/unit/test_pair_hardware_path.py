"""The pair runner on a hardware pair (lab.yaml kind: hardware), with only the pod transport faked: the
pods' replies come from a model of two boards' lane probes and lane groups. Covers a build with lanes
(measured word clock, one-window aggregate, one lane of four: INTERCARD not judged) and a build without
lane probes (an error, never "passed": the CLI's exit status and the nightly's bits agree)."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

import sailbench.harness.run.pair.lane_measurement as lane_measurement
import sailbench.harness.run.pair.pod_client as pod_client
import sailbench.harness.run.pair.runner as runner
from sailbench.harness.config import load_lab
from sailbench.harness.record.outcome import MEASUREMENT, PASSED, run_outcome
from sailbench.harness.report.model import board_report, load_results
from sailbench.harness.run.nightly import EXIT_MEASUREMENT, summarise
from sailbench.harness.run.pair.phase import Phase
from sailbench.harness.run.pair.pod_client import RankExit
from sailbench.harness.run.pair.runner import PairRun, PairSettings
from sailbench.harness.run.pair.table import exit_code, render_pair

LAB = """\
boards:
  card-a: {kind: hardware, profile: versa-ecp5, serial: /dev/ttyUSB1}
  card-b: {kind: hardware, profile: versa-ecp5, serial: /dev/ttyUSB3}
pairs:
  bench: {kind: hardware, profile: versa-ecp5, upstream: card-a, downstream: card-b, lanes: LANES}
locks: {dir: locks, wait_s: 1}
results: {dir: results}
"""
SYS_HZ = 75_000_000 * (1 + 20e-6)            # the boards' sys clock, as measured against host time
WORD_HZ = 62_500_000 * (1 - 50e-6)           # their SerDes word clock (the 156.25 MHz reference is 50 ppm slow)
FRAMES, LENGTH = 200, 2048


class Board:
    """One board's lane probes and lane group, as its pod reports them (counters advance with the latches)."""

    def __init__(self, role: str, lanes: list[int]):
        self.role, self.lanes = role, lanes
        self.sys = 1_000 if role == "upstream" else 9_000_000       # unrelated counter origins
        self.word = 55_555 if role == "upstream" else 777
        self.sent = False
        self.hello = {"event": "hello", "role": role, "lanes": lanes, "lane_group": bool(lanes),
                      "identifier": f"probe {role}", "build_hash": "h", "failing_clocks": []}

    def counters(self, lane: int) -> dict[str, int]:
        words = FRAMES * (LENGTH // 2 + 7)
        first = 40_000
        return {"prbs_bits": self.word * 20, "prbs_errors": 0, "prbs_lock_losses": 0,
                "tx_frames": FRAMES if self.sent else 0, "tx_bytes": FRAMES * LENGTH if self.sent else 0,
                "rx_frames": FRAMES if self.sent else 0, "rx_bytes": FRAMES * LENGTH if self.sent else 0,
                "rx_gaps": 0, "rx_bad_frames": 0, "rx_first_cycle": first + lane,
                "rx_last_cycle": first + lane + words - 2, "rx_cycles": self.word, "tx_cycles": self.word + 3}

    def advance(self, seconds: float) -> None:
        self.sys += round(seconds * SYS_HZ)
        self.word += round(seconds * WORD_HZ)

    def reply(self, op: str, args: dict):
        lanes = args.get("lanes", self.lanes)
        if op == "ident":
            return self.hello["identifier"]
        if op == "scratch":
            return {"wrote": 1, "read": 1}
        if op == "cycles":
            return {"first": 1, "second": 2}
        if op == "lane_states":
            return {str(i): {"state": "Up", "stage": "up", "aligned": True, "prbs_locked": True, "tx_busy": False}
                    for i in lanes}
        if op == "sys_clock":
            return {"board": self.role, "probe": "clock", "nominal_hz": 75e6, "measured_hz": SYS_HZ,
                    "deviation": SYS_HZ / 75e6 - 1, "tolerance": args["tolerance"], "within_tolerance": True,
                    "used_hz": SYS_HZ, "source": "measured"}
        if op == "lane_group_latch":
            self.advance(0.1)
            return {"sys_cycle": self.sys, "word_clk_hz": 62_500_000,
                    "lanes": {str(i): self.counters(i) for i in lanes}}
        if op == "lane_counters":
            self.advance(0.05)
            return {"word_clk_hz": 62_500_000, "lanes": {str(i): self.counters(i) for i in lanes}}
        if op == "payload_start":
            self.sent = True
        return None


class Pod:
    """The pod transport, faked: `send` answers from the board model, `receive_all` collects the answers."""

    def __init__(self, rank: int, board: Board, name: str):
        self.rank, self.role, self.board_model, self.board = rank, board.role, board, name
        self.hello = board.hello
        self.exit = None
        self.pending: dict[str, object] = {}

    def send(self, op, args=None):
        self.pending[op] = self.board_model.reply(op, args or {})

    def call(self, op, args=None, timeout_s=30.0):
        self.send(op, args)
        return self.pending.pop(op)

    def stop(self, reason, failed=False, timeout_s=5.0):
        self.exit = RankExit(self.rank, self.role, self.board, 0, reason, failed=False)
        return self.exit


def fake_session(lab, name, lanes_in_build):
    pair = lab.pair(name)
    pods = [Pod(0, Board("upstream", lanes_in_build), pair.upstream),
            Pod(1, Board("downstream", lanes_in_build), pair.downstream)]
    s = SimpleNamespace(pair=pair, pods=pods, upstream=pods[0], downstream=pods[1], fell_back=False,
                        reservation=SimpleNamespace(locks=[]))
    s.to_dict = lambda: {"requested": name, "measured": name, "fell_back": False, "kind": pair.kind,
                         "lanes": list(pair.lanes)}
    s.placement_text = lambda: f"measured pair '{name}' as requested (placement strict)"
    s.close = lambda reason="run finished", failed_ranks=None: [p.stop(reason) for p in pods]
    return s


def run_hardware_pair(monkeypatch, tmp_path, lanes_config: str, lanes_in_build: list[int], progress=lambda m: None):
    path = tmp_path / "lab.yaml"
    path.write_text(LAB.replace("LANES", lanes_config))
    lab = load_lab(path)
    monkeypatch.setattr(runner, "open_pair_session", lambda lab_, name, *a, **k: fake_session(lab_, name, lanes_in_build))
    monkeypatch.setattr(pod_client, "receive_all", lambda pods, op, timeout_s: {p.role: p.pending.pop(op) for p in pods})
    monkeypatch.setattr(lane_measurement.time, "sleep", lambda s: None)
    run = PairRun(lab, "bench", PairSettings(placement="strict", payload_frames=FRAMES, payload_length=LENGTH),
                  progress=progress)
    run.run()
    return run


def test_hardware_pair_with_one_lane_measures_word_clock_and_does_not_judge_intercard(monkeypatch, tmp_path):
    run = run_hardware_pair(monkeypatch, tmp_path, "[0]", [0])
    assert run.phase is Phase.SUCCEEDED, (run.reason, run.error)
    result = run.result
    assert result.link_wait.status == "ready" and result.link_wait.lanes == [0] and not result.simulated
    # word clocks counted against sys between the two lane group latches, converted with the measured sys clock
    rx = [c for c in result.word_clocks if c["side"] == "rx"]
    assert len(rx) == 2 and all(c["measured_hz"] == pytest.approx(WORD_HZ, rel=1e-6) for c in rx)
    assert all(c["within_tolerance"] and c["deviation"] == pytest.approx(-50e-6, abs=1e-6) for c in rx)
    for r in result.lane_rates:
        assert r.sys_clk_hz == pytest.approx(WORD_HZ, rel=1e-6)           # the stamps' clock: measured
        assert r.rate_bytes_per_s == pytest.approx(FRAMES * LENGTH / ((FRAMES * 1031 - 1) / WORD_HZ), rel=1e-6)
    for b in result.bers:                                              # "line rate tested" from the measured clock
        assert b.line_rate_bps == pytest.approx(20 * WORD_HZ, rel=1e-6)
    for j in result.judgements:
        assert j.one_window and j.verdict.verdict == "not judged" and j.verdict.reason == "1 of 4 lanes"
        assert "PER LANE" in j.message and "PROJECTION to 4 lanes (not measured)" in j.message
    text = render_pair(result)
    assert "RX word clock measured 62.4969 ± 0.0000 MHz vs nominal 62.5000 MHz (-0.005 %" in text
    assert "not judged (1 of 4 lanes)" in text
    doc = load_results(result.results_path)
    found = run_outcome(doc)    # measured cleanly, but one lane judges no constant: a run that judged nothing fails
    assert found.outcome == MEASUREMENT and "no scheduler constant was judged" in found.message, found


def test_hardware_pair_whose_build_has_no_lane_probe_is_an_error(monkeypatch, tmp_path):
    run = run_hardware_pair(monkeypatch, tmp_path, "[0]", [])
    assert run.result.link_wait.status == "skipped" and run.result.link_wait.lanes == [0]
    doc = load_results(run.result.results_path)
    outcome = run_outcome(doc)
    assert outcome.outcome == MEASUREMENT and "no lane probe in this build" in outcome.message
    assert not run.result.all_hold
    assert exit_code(run.result) == 1                                  # the CLI
    bits = summarise([board_report(doc, run.result.results_path)])    # the nightly
    assert bits == EXIT_MEASUREMENT


def test_hardware_pair_lanes_missing_from_the_build_are_an_error(monkeypatch, tmp_path):
    run = run_hardware_pair(monkeypatch, tmp_path, "[0, 1]", [0])
    doc = load_results(run.result.results_path)
    outcome = run_outcome(doc)
    assert outcome.outcome == MEASUREMENT and "no lane probe for them" in outcome.message
    assert exit_code(run.result) == 1


def test_a_word_clock_beyond_the_clock_tolerance_is_warned_and_used(monkeypatch, tmp_path):
    import sys
    monkeypatch.setattr(sys.modules[__name__], "WORD_HZ", 62_500_000 * 0.99)     # 1 % slow; tolerance 0.5 %
    said: list[str] = []
    run = run_hardware_pair(monkeypatch, tmp_path, "[0]", [0], progress=said.append)
    rx = [c for c in run.result.word_clocks if c["side"] == "rx"]
    assert rx and all(not c["within_tolerance"] for c in rx)
    assert any(m.startswith("WARNING: board downstream lane 0 rx word clock measured 61.8750 MHz") for m in said), said
    assert all(r.sys_clk_hz == pytest.approx(62.5e6 * 0.99, rel=1e-6) for r in run.result.lane_rates)
    assert "OFF NOMINAL" in render_pair(run.result)
