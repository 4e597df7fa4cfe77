"""`sailbench bench` as a whole: the bench run, its history (comparisons, measured invariants) and its
HTML and JUnit reports; what the command prints is `BenchRun.text()`."""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable

from sailbench.harness.config import Lab
from sailbench.harness.record.measured import MeasuredInvariants
from sailbench.harness.report.model import RunReport, board_report
from sailbench.harness.report.write import ReportFiles, write_reports
from sailbench.harness.run.bench import BenchOutcome, BenchSettings, render_outcome, report_measured_invariants, run_bench
from sailbench.harness.run.recording import recording


@dataclass
class BenchRun:
    outcome: BenchOutcome
    measured: MeasuredInvariants | None      # across runs, from the history (None with --no-history)
    reports: ReportFiles
    duration_s: float

    @property
    def exit_code(self) -> int:
        return self.outcome.exit_code

    def text(self) -> str:
        lines = ["", render_outcome(self.outcome)]
        if self.measured is not None:
            lines += self.measured.lines()
        lines.append(f"report: {self.reports.html} (JUnit XML: {self.reports.junit})")
        lines.append(f"bench took {self.duration_s:.1f} s")
        return "\n".join(lines)


def bench_with_reports(lab: Lab, board_name: str, settings: BenchSettings, *, history: bool,
                       progress: Callable[[str], None]) -> BenchRun:
    """Measure and judge one board (run_bench), record it in the history unless `history` is off (its
    trend and the measured invariants then go into the report), and write results/<run-id>.html/.junit.xml."""
    t0 = time.monotonic()
    with recording(lab, history, progress) as (db, sinks):
        outcome = run_bench(lab, board_name, settings, progress=progress, sinks=sinks)
        results = outcome.results
        trend = db.trend(results.data["provenance"]["board"]) if db else []
        measured = report_measured_invariants(db, results) if db else None
    board = board_report(results.data, results.path, trend, duration_s=round(time.monotonic() - t0, 1))
    report = RunReport("bench", results.run_id, f"sailbench bench {results.run_id}", results.data["started"],
                       results.data["finished"], [board], outcome.exit_code)
    files = write_reports(report, results.path.parent, results.run_id)
    return BenchRun(outcome, measured, files, time.monotonic() - t0)
