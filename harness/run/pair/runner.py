"""The bench pair run: placement, phases, the lane measurement (lane_measurement.py), judgement, results.

    result = run_pair_to_end(PairRun(lab, "sim-pair", PairSettings(placement="strict")))

run_pair_to_end is the one blocking way to run a pair (the CLI, the acceptance run and the nightly use
it); PairRun.start / wait_until_complete / cancel / join are its parts, for a caller that watches the
phases while the run goes (tests). Phases (phase.py): Pending while the pair is placed and reserved
(the reason says what it waits for), Ready once both pods said hello, then Succeeded, Failed (a pod
died, timed out or a step failed; each rank's exit record says which) or Cancelled (Ctrl-C or cancel();
the results file keeps what was measured). results/<run-id>.json is written as the run goes.
"""
from __future__ import annotations

import dataclasses
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from sailbench.gateware.profiles.lane_rates import LineRate
from sailbench.harness.board.place_lock import HoldCheck
from sailbench.harness.config import Lab
from sailbench.harness.errors import (PairBusyError, PairCancelled, PairError, PairPendingError, PairRunFailed,
                                      PhaseError)
from sailbench.harness.judge.constants import INTERCARD, SchedulerConstants, load_constants
from sailbench.harness.judge.pair import DIRECTIONS, BitErrorRatio, DirectionJudgement, LaneRate, judge_direction
from sailbench.harness.judge.timing import timing_reason
from sailbench.harness.judge.verdict import withhold
from sailbench.harness.record.outcome import run_outcome
from sailbench.harness.record.results import ResultsFile, new_run_id, provenance
from sailbench.harness.run.pair.lane_measurement import SKIPPED, TIMEOUT, LaneMeasurement, LinkWait, line_rate_of
from sailbench.harness.run.pair.phase import Phase, PhaseMachine
from sailbench.harness.run.pair.placement import candidates, check_placement
from sailbench.harness.run.pair.pod_client import PodStepError, RankExit, call_both
from sailbench.harness.run.pair.reservation import Busy
from sailbench.harness.run.pair.session import Cancel, PairSession, open_pair_session
from sailbench.harness.steps import layer_logger, step

logger = layer_logger("run")
JOIN_S = 30.0                         # how long a blocking caller waits for the run's thread after its end


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
    run_timeout_s: float = 720.0      # how long the run may take once placed (pods' start, steps, lanes)

    @property
    def deadline_s(self) -> float:
        """How long a blocking caller waits for the end: the Pending time, then the run."""
        return self.timeout_s + self.run_timeout_s


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
    line_rate: LineRate = LineRate()      # the pair's lane line rate and code (lab.yaml line_rate / coding)

    @property
    def all_hold(self) -> bool:
        """The one outcome rule (record/outcome.py) on this run's results file says passed."""
        from sailbench.harness.report.model import load_results
        return run_outcome(load_results(self.results_path)).passed


def withhold_on_timing(j: DirectionJudgement, hellos: list[dict[str, Any]]) -> DirectionJudgement:
    """A pair total whose lanes' clocks failed timing on either board (the pods' hello names the build's
    failing clocks) is measured but "not judged (clock X fails timing)"."""
    failing = sorted({c for h in hellos for c in h.get("failing_clocks") or []})
    why = timing_reason("pair", {"failing_clocks": failing})
    if not why:
        return j
    verdict = withhold(j.verdict, f"{j.verdict.reason}; {why}" if j.verdict.reason else why)
    return dataclasses.replace(j, verdict=verdict, message=j.message.replace(j.verdict.message, verdict.message))


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

    def _open(self) -> tuple[PairSession, SchedulerConstants]:
        """The results file, then the pair placed, reserved and its pods up (Pending until then)."""
        s = self.settings
        constants = load_constants(s.constants_path or self.lab.constants_path)
        want = self.lab.pair(self.requested)
        self.results = ResultsFile(self.run_id, s.results_dir or self.lab.results_dir,
                                   provenance(self.requested, want.profile, None, constants_source=constants.source,
                                              simulated=want.kind.simulated))
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
        return session, constants

    def _run(self) -> None:
        session, constants = self._open()
        self._set_phase(Phase.READY, f"both pods up on pair '{session.pair.name}'")
        if self.cancel_flag:
            raise KeyboardInterrupt
        steps = self._health_steps(session)
        lanes = LaneMeasurement(session, self.settings, self.lab.judgement.clock_tolerance, self.results,
                                self.progress)
        link = self._wait_for_links(session, lanes)
        rates: list[LaneRate] = []
        bers: list[BitErrorRatio] = []
        judgements: list[DirectionJudgement] = []
        if link.lanes_up:
            rates, windows = lanes.payload(link.lanes_up)       # first: PRBS leaves the lanes retraining
            bers = lanes.prbs(link.lanes_up)
            judgements = [self._judge(direction, rates, constants, windows.get(direction), session)
                          for direction in DIRECTIONS]
        self.ranks = session.close("run finished")
        self.results.set_section("ranks", [r.to_dict() for r in self.ranks])
        failed = [r for r in self.ranks if r.failed]
        if failed:
            raise PairError("a pod did not end cleanly: " + "; ".join(r.text() for r in failed),
                            pair=session.pair.name, phase=self.phase.value)
        self.result = PairResult(self.run_id, self.results.path, session.to_dict(), session.placement_text(), link,
                                 rates, bers, judgements, self.ranks, steps, simulated=session.pair.kind.simulated,
                                 word_clocks=lanes.word_clocks, line_rate=line_rate_of(session))
        if link.status == TIMEOUT:
            self.results.add_error(f"link-ready wait timed out: {link.reason}; nothing was measured")
        status = self.results.judged_status()
        self._finish(Phase.SUCCEEDED, "measured" if judgements else f"no lane measured ({link.reason})", status)

    def _wait_for_links(self, session: PairSession, lanes: LaneMeasurement) -> LinkWait:
        """The lanes both builds carry, brought up; lab.yaml lanes a build lacks are an error in the results."""
        pair = session.pair
        built = [i for i in pair.lanes if all(i in (p.hello or {}).get("lanes", []) for p in session.pods)]
        missing = [i for i in pair.lanes if i not in built]
        if missing:   # lab.yaml says the pair has these lanes: a build without their probes is an error
            self.results.add_error(f"pair '{pair.name}' ({pair.kind}): lab.yaml lists lane(s) {missing}, but its "
                                   f"build has no lane probe for them; rebuild or fix pairs.{pair.name}.lanes")
        if built:
            link = lanes.wait_for_links(built)
        else:
            link = LinkWait(SKIPPED, list(pair.lanes), [], 0.0, "this build has no lane probes (the pair SoCs "
                            "carry identifier, scratch and cycle counter only); lane steps skipped")
        self.results.set_section("link_wait", link.to_dict())
        self.progress(f"link-ready wait: {link.status} ({link.reason})")
        down = [i for i in link.lanes if i not in link.lanes_up]
        if down:
            self.progress("link fault: " + ", ".join(f"lane {i} down" for i in down))
        return link

    def _judge(self, direction: str, rates: list[LaneRate], constants: SchedulerConstants, window: Any,
               session: PairSession) -> DirectionJudgement:
        """One direction's pair total against INTERCARD, recorded with its verdict."""
        j = withhold_on_timing(judge_direction(direction, rates, constants[INTERCARD], self.lab.judgement.tolerance,
                                               self.lab.judgement.slack, window, line_rate_of(session),
                                               _five_g(session.pair.profile)),
                               [p.hello or {} for p in session.pods])
        total = self.results.add_record({"probe": "pair", "quantity": "pair total", **j.to_dict()})
        self.results.add_verdict(j.verdict, quantity=direction, record=total)
        return j

    @step(logger, "pair: health steps")
    def _health_steps(self, session: PairSession) -> dict[str, Any]:
        out = {}
        for op, args in [("ident", {}), ("scratch", {}), ("cycles", {}), *self.settings.extra_steps]:
            timeout = self.settings.step_timeout_s + float(args.get("seconds", 0))
            out[op] = call_both(session.pods, op, args, timeout)
            self.results.add_record({"probe": "pod", "step": op, "results": out[op]})
        return out


def _five_g(profile: str) -> bool:
    from sailbench.gateware.profiles import get_profile
    return "UM5G" in get_profile(profile).fpga.upper()


def run_pair_to_end(run: PairRun, timeout_s: float | None = None) -> PairResult:
    """The one blocking pair run: start `run`, wait for its end (settings.deadline_s unless `timeout_s`),
    cancel it if it is still going when the wait ends (the deadline, Ctrl-C, an error), join its thread.
    Returns the result on Succeeded; raises as wait_until_complete (Ctrl-C goes on as KeyboardInterrupt).
    `run` keeps the results file's path whatever happened."""
    run.start()
    reason = "gave up waiting"
    try:
        return run.wait_until_complete(run.settings.deadline_s if timeout_s is None else timeout_s)
    except KeyboardInterrupt:
        reason = "interrupted (Ctrl-C)"
        raise
    finally:
        if not run.phase.terminal:
            run.cancel(reason)
        run.join(JOIN_S)


__all__ = ["PairRun", "PairSettings", "PairResult", "LinkWait", "run_pair_to_end"]
