"""The nightly runner: every board in lab.yaml (or a tag subset), health check first, then the bench.

Per board, in lab.yaml order:
1. quarantined (history database)? report it with the reason and go on;
2. take the board's lock and open it (harness/board/factory.py; a real board's cable is
   looked for before anything is built, a simulated one is built and started);
3. health check (identifier, scratch on every link); a failure is recorded in
   the history and, after `history.quarantine_after` consecutive failed
   nights, quarantines the board until `sailbench bringup` passes;
4. the bench's probes on the opened board (harness/run/bench.py run_bench), the
   records going to results/<run-id>.json and to the history database, each
   figure compared with its baseline.
Then every bench pair in lab.yaml (or the tag subset) through the pair runner
(harness/run/pair/runner.py, strict placement: its reservation takes both boards'
locks), its results recorded in the history database afterwards and compared
the same way.
A board or pair that fails never stops the others. Each outcome is classified
(report/model.py): passed, verdicts not held, measurement failure,
infrastructure failure, harness error, quarantined. The exit status is a
sum of bits, see EXIT_* below.
"""
from __future__ import annotations

import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from sailbench.harness import exit_codes
from sailbench.harness.run.bench import BenchSettings, run_bench
from sailbench.harness.board.factory import hold_board
from sailbench.harness.config import Lab
from sailbench.harness.errors import ConfigError
from sailbench.harness.board.health import check_health, classify
from sailbench.harness.record.history import History, history_location, open_history
from sailbench.harness.record.measured import MeasuredInvariants, measured_invariants
from sailbench.harness.record.history_sink import HistorySink, store_finished_run
from sailbench.harness.board.place_lock import HoldCheck
from sailbench.harness.board.place_resolve import nic_elsewhere
from sailbench.harness.report.model import (HARNESS, INFRASTRUCTURE, MEASUREMENT, QUARANTINED, VERDICTS,
                                  BoardReport, RunReport, board_report, load_results, results_findings)
from sailbench.harness.report.write import ReportFiles, write_reports
from sailbench.harness.record.results import new_run_id
from sailbench.harness.timestamps import now_iso

if TYPE_CHECKING:
    from sailbench.harness.run.pair.runner import PairRun

EXIT_OK = exit_codes.EXIT_OK                           # every board healthy, measured, every verdict held
EXIT_VERDICTS = exit_codes.NIGHTLY_VERDICTS
EXIT_NOT_RUN = exit_codes.EXIT_ERROR                   # the nightly could not run at all (lab.yaml, no such tag)
EXIT_MEASUREMENT = exit_codes.NIGHTLY_MEASUREMENT
EXIT_INFRASTRUCTURE = exit_codes.NIGHTLY_INFRASTRUCTURE
_BITS = {VERDICTS: EXIT_VERDICTS, MEASUREMENT: EXIT_MEASUREMENT, INFRASTRUCTURE: EXIT_INFRASTRUCTURE,
         HARNESS: EXIT_INFRASTRUCTURE}


def exit_meaning(code: int) -> str:
    if code == EXIT_OK:
        return "every board measured, every verdict held, nothing regressed"
    parts = []
    if code & EXIT_VERDICTS:
        parts.append("a scheduler constant or invariant did not hold")
    if code & EXIT_MEASUREMENT:
        parts.append("a measurement failed or regressed")
    if code & EXIT_INFRASTRUCTURE:
        parts.append("a board could not be measured (infrastructure)")
    return "; ".join(parts)


@dataclass
class NightlySettings:
    tag: str | None = None
    bench: BenchSettings = field(default_factory=BenchSettings)
    trend_runs: int = 30


@dataclass
class NightlyOutcome:
    report: RunReport
    files: ReportFiles | None = None
    measured: list[MeasuredInvariants] = field(default_factory=list)   # invariants on measured values

    @property
    def exit_code(self) -> int:
        return self.report.exit_code if self.report.exit_code is not None else EXIT_NOT_RUN


def select_boards(lab: Lab, tag: str | None) -> list[str]:
    """Boards with `tag` (all without one); a tag no board or pair has is an error."""
    if tag is None:
        return list(lab.boards)
    names = [n for n, b in lab.boards.items() if tag in b.tags]
    if not names and not select_pairs(lab, tag):
        every = list(lab.boards.values()) + list(lab.pairs.values())
        tags = sorted({t for b in every for t in b.tags})
        raise ConfigError(f"no board or pair has tag '{tag}'; tags in lab.yaml: {', '.join(tags) or '(none)'}",
                          path=str(lab.path))
    return names


def select_pairs(lab: Lab, tag: str | None) -> list[str]:
    return [n for n, p in lab.pairs.items() if tag is None or tag in p.tags]


def summarise(boards: list[BoardReport]) -> int:
    code = 0
    for b in boards:
        code |= _BITS.get(b.outcome, 0)
        for finding in results_findings(b.results or {}):   # e.g. a regression and a verdict not held
            code |= _BITS[finding]
    if boards and all(b.outcome == QUARANTINED for b in boards):
        code |= EXIT_INFRASTRUCTURE     # nothing was measured at all
    return code


class _Night:
    def __init__(self, lab: Lab, settings: NightlySettings, history: History, night_id: str,
                 progress: Callable[[str], None]):
        self.lab, self.settings, self.history, self.night_id, self.progress = lab, settings, history, night_id, progress

    def board(self, name: str, step: str) -> BoardReport:
        t0 = time.monotonic()
        return self._finish(self._board(name, step), "board", name, step, t0)

    def _finish(self, report: BoardReport, kind: str, name: str, step: str, t0: float) -> BoardReport:
        """Duration, history trend and the one-line outcome, for a board or a pair."""
        report.duration_s = round(time.monotonic() - t0, 1)
        report.trend = self.history.trend(name, self.settings.trend_runs)
        self.progress(f"{step} {kind} '{name}': {report.outcome_text} in {report.duration_s:.1f} s"
                 + (f": {report.message}" if report.message else ""))
        return report

    def _board(self, name: str, step: str) -> BoardReport:
        q = self.history.quarantined(name)
        if q:
            return BoardReport(name, QUARANTINED,
                               f"quarantined since {q['since']} after {q['failures']} failed nightly health checks "
                               f"({q['reason']}); a passing `sailbench bringup --board {name}` clears it")
        sink = HistorySink(self.history, self.lab.history, self.progress, kind="nightly", night_id=self.night_id)
        health = ""
        try:
            self.progress(f"{step} board '{name}': waiting for its lock")
            with hold_board(self.lab, name, self.progress, wait_s=self.settings.bench.lock_wait_s) as held:
                self.progress(f"{step} board '{name}': opening and health check (identifier, scratch)")
                try:
                    board = held.open()
                    health = check_health(board)
                except Exception as e:
                    return self._health_failed(name, e)
                self.history.add_health(name, source="nightly", passed=True, message=health)
                self.progress(f"{step} board '{name}': healthy: {health}; running the probes")
                run_bench(self.lab, name, self.settings.bench, self.progress, sinks=[sink, HoldCheck(held.lock)],
                          board=board)
        except Exception as e:
            category = classify(e)
            if category == HARNESS:
                self.progress(f"{step} board '{name}': unexpected error (a sailbench bug):\n{traceback.format_exc()}")
            detail = str(e) if category != HARNESS else f"{type(e).__name__}: {e}"
            if category != HARNESS and sink.results is not None and sink.results.data.get("records"):
                # stopped after measuring started: the results file's outcome, as the CLI and its reports say
                return board_report(load_results(sink.results.path), sink.results.path, health=health)
            report = BoardReport(name, category, detail.splitlines()[0] if detail else type(e).__name__,
                                 health=health)
            if sink.results is not None:
                report.results_path = str(sink.results.path)
                report.results = load_results(sink.results.path)
            return report
        return board_report(load_results(sink.results.path), sink.results.path, health=health)

    def pair(self, name: str, step: str) -> BoardReport:
        from sailbench.harness.run.pair.runner import PairRun, PairSettings, run_pair_to_end
        t0 = time.monotonic()
        bench = self.settings.bench
        wait_s = self.lab.locks.wait_s if bench.lock_wait_s is None else bench.lock_wait_s
        settings = PairSettings(placement="strict", timeout_s=wait_s, results_dir=bench.results_dir,
                                constants_path=bench.constants_path)
        self.progress(f"{step} pair '{name}': reserving both boards, then the lanes")
        run = None
        try:
            run = PairRun(self.lab, name, settings, progress=self.progress)
            run_pair_to_end(run)
            report = self._pair_report(name, run)
        except Exception as e:     # busy past the wait, a pod failed, a step timed out: the others still run
            report = BoardReport(name, classify(e), str(e).splitlines()[0] if str(e) else type(e).__name__)
            if run is not None and run.results is not None:
                try:                   # keep what the pair measured before it failed
                    measured = self._pair_report(name, run)
                    report.results, report.results_path = measured.results, measured.results_path
                except Exception as inner:   # noqa: BLE001 - the first error is the one to report
                    self.progress(f"{step} pair '{name}': its results could not be read: {inner}")
        return self._finish(report, "pair", name, step, t0)

    def _pair_report(self, name: str, run: PairRun) -> BoardReport:
        """The pair's results file, recorded in the history; its comparisons shown in the report only."""
        path = str(run.results.path)
        data = load_results(path)
        comparisons = store_finished_run(self.history, self.lab.history, data, path, kind="nightly-pair",
                                         night_id=self.night_id)
        for c in comparisons:
            if c.regressed:
                self.progress(c.message)
        data["comparisons"] = list(data.get("comparisons", [])) + [c.to_dict() for c in comparisons]
        report = board_report(data, path)
        report.board = name
        return report

    def _health_failed(self, name: str, e: Exception) -> BoardReport:
        category = classify(e)
        message = str(e).splitlines()[0] if str(e) else type(e).__name__
        self.history.add_health(name, source="nightly", passed=False, stage="health", category=category,
                                message=message, run_id=self.night_id)
        failures = len(self.history.consecutive_failures(name))
        limit = self.lab.history.quarantine_after
        text = f"health check failed ({failures} night{'s' if failures != 1 else ''} in a row): {message}"
        if failures >= limit:
            self.history.quarantine(name, message, failures)
            text += (f"; QUARANTINED after {failures} consecutive failed nights: later nights skip it until "
                     f"`sailbench bringup --board {name}` passes")
        return BoardReport(name, INFRASTRUCTURE if category != HARNESS else HARNESS, text,
                           health=f"failed: {message}")


def run_nightly(lab: Lab, settings: NightlySettings | None = None,
                progress: Callable[[str], None] = print) -> NightlyOutcome:
    settings = settings or NightlySettings()
    names = select_boards(lab, settings.tag)
    elsewhere = {n: h for n in names if (h := nic_elsewhere(lab.board(n)))}
    if elsewhere:      # their Ethernet probes can only run on their exporter host: that host's nightly runs them
        progress("boards with their Ethernet on another host, left to that host's nightly: "
                 + ", ".join(f"{n} (on {h})" for n, h in elsewhere.items()))
        names = [n for n in names if n not in elsewhere]
    pairs = select_pairs(lab, settings.tag)
    night_id = new_run_id(f"nightly-{settings.tag}" if settings.tag else "nightly")
    results_dir = Path(settings.bench.results_dir or lab.results_dir)
    report = RunReport(kind="nightly", run_id=night_id, title=f"sailbench nightly {night_id}",
                       started=now_iso(), finished=None, boards=[])
    outcome = NightlyOutcome(report)
    progress(f"nightly {night_id}: {len(names)} board{'s' if len(names) != 1 else ''} ({', '.join(names) or '-'}), "
        f"{len(pairs)} pair{'s' if len(pairs) != 1 else ''} ({', '.join(pairs) or '-'}); "
        f"history {history_location(lab)}")
    with open_history(lab) as history:
        night = _Night(lab, settings, history, night_id, progress)
        try:
            total = len(names) + len(pairs)
            for i, name in enumerate(names, 1):
                report.boards.append(night.board(name, f"[{i}/{total}]"))
            for i, name in enumerate(pairs, len(names) + 1):
                report.boards.append(night.pair(name, f"[{i}/{total}]"))
            outcome.measured = _measured_invariants(lab, history, names, pairs)
            report.notes += [line for m in outcome.measured for line in m.lines()]
        except KeyboardInterrupt:
            report.notes.append("INTERRUPTED: the boards after the last one shown were not run")
            raise
        finally:
            report.finished = now_iso()
            report.exit_code = summarise(report.boards)
            report.exit_meaning = exit_meaning(report.exit_code)
            outcome.files = write_reports(report, results_dir, night_id, summary=True)
    return outcome


def _measured_invariants(lab: Lab, history: History, boards: list[str], pairs: list[str]) -> list[MeasuredInvariants]:
    """Per profile the night measured (simulated and hardware apart): the invariants on the latest measured
    LOCAL_DDR, HOST_LINK and INTERCARD in the history, each figure naming its run and build."""
    seen = dict.fromkeys([(lab.board(b).profile, lab.board(b).kind.simulated) for b in boards]
                         + [(lab.pair(p).profile, lab.pair(p).kind.simulated) for p in pairs])
    return [measured_invariants(history, profile, simulated) for profile, simulated in seen]


def render_summary(outcome: NightlyOutcome) -> str:
    lines = ["", "board             outcome                  took    why"]
    for b in outcome.report.boards:
        took = f"{b.duration_s:.1f} s" if b.duration_s is not None else "-"
        name = b.board + (" (sim)" if (b.results or {}).get("provenance", {}).get("simulated") else "")
        lines.append(f"{name:17} {b.outcome_text:24} {took:>7}  {b.message}")
    lines.append("")
    for m in outcome.measured:
        lines += m.lines() + [""]
    lines.append(f"exit status {outcome.exit_code}: {exit_meaning(outcome.exit_code)}")
    if outcome.files:
        lines.append(f"report: {outcome.files.html}")
        lines.append(f"JUnit XML: {outcome.files.junit}")
        lines.append(f"summary: {outcome.files.summary}")
    return "\n".join(lines)
