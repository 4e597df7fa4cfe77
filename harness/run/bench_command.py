"""`sailbench bench` as a whole: the bench run, its history (comparisons, measured invariants) and its
HTML and JUnit reports; what the command prints is `BenchRun.text()`."""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable

from sailbench.harness.config import Lab
from sailbench.harness.errors import SailbenchError
from sailbench.harness.record.measured import MeasuredInvariants
from sailbench.harness.report.run_files import ResultsWatch, write_run_reports
from sailbench.harness.report.write import ReportFiles
from sailbench.harness.run.bench import BenchOutcome, BenchSettings, render_outcome, report_measured_invariants, run_bench
from sailbench.harness.run.recording import recording
from sailbench.harness.run.stopped import RunStopped


@dataclass
class BenchRun:
    outcome: BenchOutcome
    measured: MeasuredInvariants | None      # across runs, from the history (None with --no-history)
    reports: ReportFiles
    duration_s: float
    exit_code: int                           # the outcome rule's on the results file (record/outcome.py)

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
    trend and the measured invariants then go into the report), and write results/<run-id>.html/.junit.xml.
    An error or Ctrl-C once the results file exists becomes RunStopped (run/stopped.py), so the reports are
    still written."""
    t0 = time.monotonic()
    watch = ResultsWatch()
    try:
        with recording(lab, history, progress) as (db, sinks):
            outcome = run_bench(lab, board_name, settings, progress=progress, sinks=[*sinks, watch])
            results = outcome.results
            trend = db.trend(results.data["provenance"]["board"]) if db else []
            measured = report_measured_invariants(db, results) if db else None
    except (SailbenchError, KeyboardInterrupt) as e:
        if watch.results is None:          # nothing was written: the error is all there is
            raise
        raise RunStopped(e, watch.results.path, time.monotonic() - t0) from e
    run = write_run_reports("bench", results.path, trend, duration_s=round(time.monotonic() - t0, 1))
    return BenchRun(outcome, measured, run.files, time.monotonic() - t0, run.exit_code)
