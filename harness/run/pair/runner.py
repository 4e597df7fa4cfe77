"""The bench pair runner: placement, phases, link-ready wait, lane measurements, judgement.

    run = PairRun(lab, "sim-pair", PairSettings(placement="strict"))
    run.start()
    result = run.wait_until_complete(timeout_s=300)

Phases (harness/pair_phase.py): Pending while the pair is placed and reserved
(the reason says what it waits for), Ready once both pods said hello, then
Succeeded, Failed (a pod died, timed out or a step failed; each rank's exit
record says which) or Cancelled (Ctrl-C or cancel(); the results file keeps
what was measured). results/<run-id>.json is written as the run goes.
"""
from __future__ import annotations

import dataclasses
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from sailbench.gateware.lane_rates import LineRate
from sailbench.harness.board.place_lock import HoldCheck
from sailbench.harness.config.lab import Lab
from sailbench.harness.judge.constants import INTERCARD, load_constants
from sailbench.harness.judge.timing import timing_reason
from sailbench.harness.judge.verdict import withhold
from sailbench.harness.errors import (PairBusyError, PairCancelled, PairError, PairPendingError, PairRunFailed, PhaseError,
                            SailbenchError)
from sailbench.harness.judge.pair import (DIRECTIONS, BitErrorRatio, DirectionJudgement, GroupWindow, LaneRate,
                                          counted_clock_hz, judge_direction)
from sailbench.harness.run.pair.phase import Phase, PhaseMachine
from sailbench.harness.run.pair.reservation import Busy
from sailbench.harness.run.pair.session import Cancel, PairSession, open_pair_session
from sailbench.harness.run.pair.placement import candidates, check_placement
from sailbench.harness.run.pair.pod_client import PodStepError, RankExit, receive_all
from sailbench.harness.record.outcome import run_outcome
from sailbench.harness.record.results import ResultsFile, new_run_id, provenance
from sailbench.harness.steps import layer_logger, step

logger = layer_logger("run")

READY, DEGRADED, TIMEOUT, SKIPPED = "ready", "degraded", "timeout", "skipped"


@dataclass
class PairSettings:
    placement: str = "preferred"
    timeout_s: float = 600.0          # how long the run may stay Pending (pair busy)
    hello_timeout_s: float = 60.0     # pods connecting to their boards
    step_timeout_s: float = 30.0      # any one pod step
    link_timeout_s: float = 5.0       # link-ready wait deadline
    prbs_pattern: str = "prbs31"
    prbs_seconds: float = 0.5
    payload_frames: int = 200
    payload_length: int = 2048        # bytes per frame (1024 words: 99.3 % of the 8b/10b ceiling)
    payload_timeout_s: float = 60.0
    clock_seconds: float = 1.0        # sys clock measured against host time (hardware; nominal on a sim pair)
    # receiving-side fault knobs set before the link wait (simulated pair):
    #   {"role": "downstream", "lane": 1, "knobs": {"cut": 1}}
    faults: list[dict[str, Any]] = field(default_factory=list)
    # exact bit errors injected during PRBS: {"role": "downstream", "lane": 0, "mask": 0b101}
    inject: list[dict[str, Any]] = field(default_factory=list)
    extra_steps: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # run on both pods before lanes
    results_dir: Path | None = None
    constants_path: Path | None = None


@dataclass
class LinkWait:
    status: str                       # ready | degraded | timeout | skipped
    lanes: list[int]
    lanes_up: list[int]
    waited_s: float
    reason: str
    last_states: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"status": self.status, "lanes": self.lanes, "lanes_up": self.lanes_up,
                "waited_s": round(self.waited_s, 3), "reason": self.reason, "last_states": self.last_states}


@dataclass
class PairResult:
    run_id: str
    results_path: Path
    session: dict[str, Any]
    placement_text: str
    link_wait: LinkWait | None
    lane_rates: list[LaneRate]
    bers: list[BitErrorRatio]
    judgements: list[DirectionJudgement]
    ranks: list[RankExit]
    steps: dict[str, Any]
    simulated: bool = False
    word_clocks: list[dict[str, Any]] = field(default_factory=list)   # measured per lane, role and side
    line_rate: LineRate = LineRate()      # the pair's lane line rate and code (lab.yaml line_rate / coding)

    @property
    def all_hold(self) -> bool:
        """The one outcome rule (record/outcome.py) on this run's results file says passed."""
        from sailbench.harness.report.model import load_results
        return run_outcome(load_results(self.results_path)).passed


@step(logger, "pair: wait for the links")
def withhold_on_timing(j: DirectionJudgement, hellos: list[dict[str, Any]]) -> DirectionJudgement:
    """A pair total whose lanes' clocks failed timing on either board (the pods' hello names the build's
    failing clocks) is measured but "not judged (clock X fails timing)"."""
    failing = sorted({c for h in hellos for c in h.get("failing_clocks") or []})
    why = timing_reason("pair", {"failing_clocks": failing})
    if not why:
        return j
    verdict = withhold(j.verdict, f"{j.verdict.reason}; {why}" if j.verdict.reason else why)
    return dataclasses.replace(j, verdict=verdict, message=j.message.replace(j.verdict.message, verdict.message))


def wait_link_ready(session: PairSession, lanes: list[int], timeout_s: float, step_timeout_s: float,
                    poll_s: float = 0.1) -> LinkWait:
    """Poll both ends' lane states until every lane is Up and aligned on both (ready), or the deadline:
    some Up -> degraded, none -> timeout. Never raises: a failing poll changes nothing it did not see (the
    lanes up and states stay those of the last poll that answered), and its reason is kept."""
    t0 = time.monotonic()
    up: list[int] = []
    states: dict[str, Any] = {}
    problem = ""
    while True:
        try:
            for pod in session.pods:
                pod.send("lane_states", {"lanes": lanes})
            states = receive_all(session.pods, "lane_states", step_timeout_s)
            up = [i for i in lanes if all(s[str(i)]["state"] == "Up" and s[str(i)]["aligned"]
                                         for s in states.values())]
            problem = ""
        except Exception as e:   # noqa: BLE001 - fail-open: the wait reports, it never raises
            problem = f"lane state poll failed: {e}"
        waited = time.monotonic() - t0
        if up == lanes:
            return LinkWait(READY, lanes, up, waited, f"all {len(lanes)} lanes up and aligned", states)
        if waited >= timeout_s:
            break
        time.sleep(poll_s)
    down = [i for i in lanes if i not in up]
    if up:
        last = f"; the last poll failed ({problem}), lanes as the poll before saw them" if problem else ""
        return LinkWait(DEGRADED, lanes, up, waited, f"only lanes {up} up at the {timeout_s:g} s deadline "
                        f"(lanes {down} not); measuring those{last}", states)
    return LinkWait(TIMEOUT, lanes, up, waited, problem or f"no lane up after {timeout_s:g} s", states)


class PairRun:
    def __init__(self, lab: Lab, pair: str, settings: PairSettings | None = None,
                 progress: Callable[[str], None] = print):
        self.lab = lab
        self.settings = settings or PairSettings()
        check_placement(self.settings.placement)          # before anything starts
        self.requested = lab.pair(pair).name
        self.progress = progress
        self.phases = PhaseMachine(self.requested)
        self.cancel_flag = Cancel()
        self.run_id = new_run_id(self.requested)
        self.results: ResultsFile | None = None
        self.session: PairSession | None = None
        self.ranks: list[RankExit] = []
        self.result: PairResult | None = None
        self.error: BaseException | None = None
        self._thread: threading.Thread | None = None

    # -- public ---------------------------------------------------------------------------------
    @property
    def phase(self) -> Phase:
        return self.phases.phase

    @property
    def reason(self) -> str:
        return self.phases.reason

    def start(self) -> "PairRun":
        if self._thread is not None:
            raise PhaseError("already started", pair=self.requested, phase=self.phase.value)
        self._thread = threading.Thread(target=self.run, name=f"pair-run-{self.requested}", daemon=True)
        self._thread.start()
        return self

    def cancel(self, reason: str = "cancelled") -> None:
        """Stop the run: pods are stopped, the run ends Cancelled with what was measured on disk."""
        self.cancel_flag.set(reason)
        session = self.session
        if session is not None:
            for pod in session.pods:
                if pod.exit is None:
                    pod.stop(reason, timeout_s=1.0)

    def join(self, timeout_s: float | None = None) -> None:
        if self._thread is not None:
            self._thread.join(timeout_s)

    def wait_until_complete(self, timeout_s: float) -> PairResult:
        """The result on Succeeded; PairRunFailed (each failed rank's detail) on Failed; PairCancelled on
        Cancelled; PairPendingError if still Pending at the timeout; PhaseError at once if the run was
        already terminal when called."""
        if self.phase.terminal:
            raise PhaseError(f"the run is already {self.phase.value} ({self.reason}); read .result / .ranks",
                             pair=self.requested, phase=self.phase.value)
        if not self.phases.wait_terminal(timeout_s) and not self.phase.terminal:   # re-checked at the deadline
            if self.phase is Phase.PENDING:
                raise PairPendingError(f"still Pending after {timeout_s:g} s: {self.reason}", pair=self.requested,
                                       reason=self.reason)
            raise PairError(f"still {self.phase.value} after {timeout_s:g} s", pair=self.requested,
                            phase=self.phase.value)
        return self._outcome()

    def _outcome(self) -> PairResult:
        if self.phase is Phase.SUCCEEDED:
            assert self.result is not None
            return self.result
        if self.phase is Phase.PENDING:
            raise PairPendingError(f"still Pending: {self.reason}", pair=self.requested, reason=self.reason)
        if self.phase is Phase.FAILED:
            failed = [r for r in self.ranks if r.failed]
            detail = "\n  ".join(r.text() for r in failed) if failed else self.reason
            raise PairRunFailed(f"Failed: {self.reason}\n  {detail}", pair=self.requested, ranks=failed)
        raise PairCancelled(f"Cancelled: {self.reason}; partial results in "
                            f"{self.results.path if self.results else '(none)'}", pair=self.requested,
                            phase=self.phase.value)

    # -- the run --------------------------------------------------------------------------------
    def run(self) -> None:
        """The whole run, in the calling thread; never raises (the phase and `error` say how it ended)."""
        try:
            self._run()
        except BaseException as e:   # noqa: BLE001 - recorded in the phase, results and self.error
            self.error = e
            self._end_badly(e)

    def _end_badly(self, e: BaseException) -> None:
        cancelled = bool(self.cancel_flag) or isinstance(e, KeyboardInterrupt)
        reason = self.cancel_flag.reason or "interrupted" if cancelled else str(e)
        failed_ranks: dict[int, str] = {}
        if isinstance(e, PodStepError) and not cancelled:
            failed_ranks[e.rank] = str(e)
        if self.session is not None:
            self.ranks = self.session.close(reason, failed_ranks)
        if self.results is not None:
            self.results.set_section("ranks", [r.to_dict() for r in self.ranks])
            self.results.add_error(e if not cancelled else f"cancelled: {reason}")
        if isinstance(e, PairBusyError) and not cancelled:
            # never placed (strict: the requested pair busy; preferred: every candidate busy): the run
            # stays Pending with the reason, naming every pair it tried, and never measures another pair
            tried = ", ".join(f"'{p.name}'" for p in candidates(self.lab, self.requested, self.settings.placement))
            self.phases.note(f"placement {self.settings.placement}: tried {tried}, all busy: {e}")
            if self.results is not None:
                self.results.set_section("phase", {"phase": self.phase.value, "reason": self.reason})
                self.results.set_status("error")
            self.phases.stop_waiting()
            return
        to = Phase.CANCELLED if cancelled else Phase.FAILED
        self._finish(to, reason, "interrupted" if cancelled else "error")

    def _finish(self, to: Phase, reason: str, status: str) -> None:
        """Terminal phase: the results file first, then the phase (whoever waits reads a complete file)."""
        if self.results is not None:
            self.results.set_section("phase", {"phase": to.value, "reason": reason})
            self.results.set_status(status)
        self.phases.transition(to, reason)

    def _set_phase(self, to: Phase, reason: str) -> None:
        self.phases.transition(to, reason)
        if self.results is not None:
            self.results.set_section("phase", {"phase": to.value, "reason": reason})

    def _on_reserved(self, session: PairSession) -> None:
        self.session = session
        self.phases.note(f"pair '{session.pair.name}' reserved; starting it and its bench pods")

    def _on_busy(self, busy: list[Busy]) -> None:
        reason = "; ".join(b.reason for b in busy)
        if reason != self.phases.reason:
            self.progress(f"Pending: {reason}")
        self.phases.note(reason)

    def _run(self) -> None:
        s = self.settings
        results_dir = s.results_dir or self.lab.results_dir
        constants = load_constants(s.constants_path or self.lab.constants_path)
        want = self.lab.pair(self.requested)
        self.results = ResultsFile(self.run_id, results_dir,
                                   provenance(self.requested, want.profile, None, constants_source=constants.source,
                                              simulated=want.kind == "sim"))
        self.results.set_section("phase", {"phase": Phase.PENDING.value, "reason": self.reason})
        self.session = open_pair_session(
            self.lab, self.requested, s.placement, s.timeout_s, s.hello_timeout_s, progress=self.progress,
            on_busy=self._on_busy, cancelled=lambda: bool(self.cancel_flag),
            on_reserved=self._on_reserved)
        session = self.session
        for lock in session.reservation.locks:      # a labgrid place is re-checked between records
            self.results.sinks.append(HoldCheck(lock))
        self.results.set_section("pair", session.to_dict())
        hello = session.upstream.hello or {}
        self.results.update_provenance(board=session.pair.name, gateware_hash=hello.get("build_hash"),
                                       identifiers={p.role: (p.hello or {}).get("identifier") for p in session.pods})
        self.progress(session.placement_text())
        self._set_phase(Phase.READY, f"both pods up on pair '{session.pair.name}'")
        if self.cancel_flag:
            raise KeyboardInterrupt
        steps = self._health_steps(session)
        lanes = [i for i in session.pair.lanes if all(i in (p.hello or {}).get("lanes", []) for p in session.pods)]
        missing = [i for i in session.pair.lanes if i not in lanes]
        rates: list[LaneRate] = []
        bers: list[BitErrorRatio] = []
        judgements: list[DirectionJudgement] = []
        self.word_clocks: list[dict[str, Any]] = []
        if missing:   # lab.yaml says the pair has these lanes: a build without their probes is an error
            self.results.add_error(f"pair '{session.pair.name}' ({session.pair.kind}): lab.yaml lists lane(s) "
                                   f"{missing}, but its build has no lane probe for them; rebuild or fix "
                                   f"pairs.{session.pair.name}.lanes")
        if not lanes:
            link = LinkWait(SKIPPED, list(session.pair.lanes), [], 0.0,
                            "this build has no lane probes (the pair SoCs carry identifier, "
                            "scratch and cycle counter only); lane steps skipped")
        else:
            for f in s.faults:
                session.pods[0 if f["role"] == "upstream" else 1].call(
                    "fault", {"lane": f["lane"], "knobs": f["knobs"]}, s.step_timeout_s)
            link = wait_link_ready(session, lanes, s.link_timeout_s, s.step_timeout_s)
        self.results.set_section("link_wait", link.to_dict())
        self.progress(f"link-ready wait: {link.status} ({link.reason})")
        down = [i for i in link.lanes if i not in link.lanes_up]
        if down:
            self.progress("link fault: " + ", ".join(f"lane {i} down" for i in down))
        if link.lanes_up:
            rates, windows = self._payload(session, link.lanes_up)       # first: PRBS leaves the lanes retraining
            bers = self._prbs(session, link.lanes_up)
            for direction in DIRECTIONS:
                j = withhold_on_timing(judge_direction(direction, rates, constants[INTERCARD],
                                                       self.lab.judgement.tolerance, self.lab.judgement.slack,
                                                       windows.get(direction), self.line_rate(session),
                                                       _five_g(session.pair.profile)),
                                       [p.hello or {} for p in session.pods])
                judgements.append(j)
                total = self.results.add_record({"probe": "pair", "quantity": "pair total", **j.to_dict()})
                self.results.add_verdict(j.verdict, quantity=direction, record=total)
        self.ranks = session.close("run finished")
        self.results.set_section("ranks", [r.to_dict() for r in self.ranks])
        failed = [r for r in self.ranks if r.failed]
        if failed:
            raise PairError("a pod did not end cleanly: " + "; ".join(r.text() for r in failed),
                            pair=session.pair.name, phase=self.phase.value)
        self.result = PairResult(self.run_id, self.results.path, session.to_dict(), session.placement_text(), link,
                                 rates, bers, judgements, self.ranks, steps, simulated=session.pair.kind == "sim",
                                 word_clocks=self.word_clocks, line_rate=self.line_rate(session))
        if link.status == TIMEOUT:
            self.results.add_error(f"link-ready wait timed out: {link.reason}; nothing was measured")
        status = self.results.judged_status()
        self._finish(Phase.SUCCEEDED, "measured" if judgements else f"no lane measured ({link.reason})", status)

    @staticmethod
    def line_rate(session: PairSession) -> LineRate:
        """The lanes' line rate and code: the simulated pair's build says (its manifest), else lab.yaml."""
        lane = getattr(getattr(getattr(session, "sim", None), "manifest", None), "lane", None)
        if lane is not None:
            return LineRate(lane.line_rate_baud / 1e9, lane.coding)
        return LineRate(session.pair.line_rate, session.pair.coding)

    def _both(self, session: PairSession, op: str, args: dict[str, Any] | None = None,
              timeout_s: float | None = None) -> dict[str, Any]:
        """One step on both pods at once; {role: result}."""
        for pod in session.pods:
            pod.send(op, args)
        return receive_all(session.pods, op, timeout_s or self.settings.step_timeout_s)

    @step(logger, "pair: health steps")
    def _health_steps(self, session: PairSession) -> dict[str, Any]:
        out = {}
        for op, args in [("ident", {}), ("scratch", {}), ("cycles", {}), *self.settings.extra_steps]:
            timeout = self.settings.step_timeout_s + float(args.get("seconds", 0))
            out[op] = self._both(session, op, args, timeout)
            self.results.add_record({"probe": "pod", "step": op, "results": out[op]})
        return out

    def _sys_clocks(self, session: PairSession) -> dict[str, float]:
        """Each board's sys clock: measured against host time on hardware, nominal on a simulated pair."""
        tol = self.lab.judgement.clock_tolerance
        got = self._both(session, "sys_clock", {"tolerance": tol, "seconds": self.settings.clock_seconds},
                         self.settings.step_timeout_s + self.settings.clock_seconds)
        for role, c in got.items():
            self.results.add_record({**c, "role": role})
            if not c.get("within_tolerance", True):
                self.progress(f"WARNING: board '{c.get('board')}' sys clock off nominal; lane rates use the measured "
                              "clock")
        return {role: float(c["used_hz"]) for role, c in got.items()}

    def _word_clock(self, role: str, side: str, lane: int, nominal: float, d_word: int, d_sys: int,
                    sys_hz: float) -> float:
        """A lane's word clock counted against sys in one hardware window (two lane group latches); recorded,
        and warned about beyond judgement.clock_tolerance. The nominal clock when it cannot be counted."""
        tol = self.lab.judgement.clock_tolerance
        measured = counted_clock_hz(d_word, d_sys, sys_hz)
        rec = {"probe": "lane", "quantity": "word clock", "role": role, "side": side, "lane": lane,
               "nominal_hz": nominal, "measured_hz": measured, "word_cycles": d_word, "sys_cycles": d_sys,
               "sys_clk_hz": sys_hz, "tolerance": tol,
               "deviation": measured / nominal - 1 if measured and nominal else None,
               # each latch reaches the word domain within +-1 word cycle: the count is good to +-2 cycles
               "uncertainty_hz": 2 * measured / d_word if measured else None,
               "source": "measured against sys in one window" if measured else "nominal (no lane group)"}
        rec["within_tolerance"] = rec["deviation"] is None or abs(rec["deviation"]) <= tol
        self.results.add_record(rec)
        self.word_clocks.append(rec)
        if not rec["within_tolerance"]:
            self.progress(f"WARNING: board {role} lane {lane} {side} word clock measured {measured / 1e6:.4f} MHz vs "
                          f"nominal {nominal / 1e6:.4f} MHz ({rec['deviation'] * 100:+.3f} %, tolerance "
                          f"±{tol * 100:.2f} %); lane rates use the measured clock")
        return measured or nominal

    @step(logger, "pair: payload phase")
    def _payload(self, session: PairSession, lanes: list[int]) -> tuple[list[LaneRate], dict[str, GroupWindow]]:
        """Framed payload both ways on `lanes`, every lane started in one cycle and latched in one cycle by each
        board's lane group; rates from the receivers' word-clock stamps, the word clocks counted against sys
        between the two latches, and each direction's one-window aggregate."""
        s = self.settings
        sys_hz = self._sys_clocks(session)
        self._both(session, "lane_clear", {"lanes": lanes})
        before = self._both(session, "lane_group_latch", {"lanes": lanes})
        self._both(session, "payload_start", {"lanes": lanes, "frames": s.payload_frames, "length": s.payload_length})
        deadline = time.monotonic() + s.payload_timeout_s
        while True:
            states = self._both(session, "lane_states", {"lanes": lanes})
            if not any(st[str(i)]["tx_busy"] for st in states.values() for i in lanes):
                break
            if time.monotonic() > deadline:
                self.progress(f"payload: senders still busy after {s.payload_timeout_s:g} s; reading what arrived")
                break
            time.sleep(0.05)
        time.sleep(0.02)                      # the last frame's tail is a few words behind tx_busy
        reads = self._both(session, "lane_group_latch", {"lanes": lanes})
        out: list[LaneRate] = []
        windows: dict[str, GroupWindow] = {}
        self.lane_clock: dict[tuple[str, int], float] = {}
        for role, got in reads.items():       # a board's receiver sees the other board's transmitter
            direction = "upstream->downstream" if role == "downstream" else "downstream->upstream"
            sender = reads["upstream" if role == "downstream" else "downstream"]["lanes"]
            grouped = got["sys_cycle"] is not None and before[role]["sys_cycle"] is not None
            d_sys = got["sys_cycle"] - before[role]["sys_cycle"] if grouped else 0
            if grouped:
                windows[direction] = GroupWindow(got["sys_cycle"], sys_hz[role])
            for lane in lanes:
                v, v0 = got["lanes"][str(lane)], before[role]["lanes"][str(lane)]
                nominal = float(got["word_clk_hz"])
                clock = self._word_clock(role, "rx", lane, nominal, v["rx_cycles"] - v0["rx_cycles"], d_sys,
                                         sys_hz[role])
                self._word_clock(role, "tx", lane, nominal, v["tx_cycles"] - v0["tx_cycles"], d_sys, sys_hz[role])
                self.lane_clock[(role, lane)] = clock
                r = LaneRate(lane, direction, v["rx_frames"], v["rx_bytes"], v["rx_first_cycle"], v["rx_last_cycle"],
                             clock, v["rx_gaps"], self.line_rate(session).ceiling_bytes_per_s,
                             latch_cycle=v["rx_cycles"] if grouped else None)
                out.append(r)
                self.results.add_record({"probe": "lane", "quantity": "payload",
                                         "frames_sent": sender[str(lane)]["tx_frames"],
                                         "bad_frames": v["rx_bad_frames"], "payload_bytes_per_frame": s.payload_length,
                                         **r.to_dict()})
        return out, windows

    @step(logger, "pair: PRBS phase")
    def _prbs(self, session: PairSession, lanes: list[int]) -> list[BitErrorRatio]:
        """PRBS both ways on `lanes`; BER from the bits each checker tested while locked."""
        s = self.settings
        self._both(session, "prbs", {"lanes": lanes, "pattern": s.prbs_pattern})
        time.sleep(0.1)                       # the checkers lock within a few dozen words
        self._both(session, "lane_clear", {"lanes": lanes})
        before = self._both(session, "lane_counters", {"lanes": lanes})
        injected: dict[tuple[str, int], int] = {}
        for inj in s.inject:
            pod = session.pods[0 if inj["role"] == "upstream" else 1]
            got = pod.call("inject_errors", {k: v for k, v in inj.items() if k != "role"}, s.step_timeout_s)
            injected[(inj["role"], inj["lane"])] = injected.get((inj["role"], inj["lane"]), 0) + got["bits"]
        time.sleep(s.prbs_seconds)
        after = self._both(session, "lane_counters", {"lanes": lanes})
        self._both(session, "prbs", {"lanes": lanes, "pattern": None})
        out = []
        for role, got in after.items():
            direction = "upstream->downstream" if role == "downstream" else "downstream->upstream"
            for lane in lanes:
                v, v0 = got["lanes"][str(lane)], before[role]["lanes"][str(lane)]
                # both snapshots latched coherently: the bits, errors and cycles of the same window
                b = BitErrorRatio(lane, direction, s.prbs_pattern, v["prbs_errors"] - v0["prbs_errors"],
                                  v["prbs_bits"] - v0["prbs_bits"], v["rx_cycles"] - v0["rx_cycles"],
                                  getattr(self, "lane_clock", {}).get((role, lane), float(got["word_clk_hz"])))
                out.append(b)
                self.results.add_record({"probe": "lane", "quantity": "prbs", "lock_losses": v["prbs_lock_losses"],
                                         "injected_bit_errors": injected.get((role, lane), 0), **b.to_dict()})
        return out


def _five_g(profile: str) -> bool:
    from sailbench.gateware.profiles import get_profile
    return "UM5G" in get_profile(profile).fpga.upper()


def run_pair(lab: Lab, pair: str, settings: PairSettings, progress: Callable[[str], None] = print) -> PairRun:
    """Run in this thread until terminal (or still Pending under strict); Ctrl-C cancels."""
    run = PairRun(lab, pair, settings, progress)
    run.start()
    try:
        run.phases.wait_terminal(None)
    except KeyboardInterrupt:
        run.cancel("interrupted (Ctrl-C)")
        run.join(30)
        raise
    run.join(30)
    return run


__all__ = ["PairRun", "PairSettings", "PairResult", "LinkWait", "wait_link_ready", "run_pair", "SailbenchError"]
