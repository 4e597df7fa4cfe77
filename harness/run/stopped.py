"""A run stopped by an error or Ctrl-C after its results file existed: the reports are still written from
that file and the exit status is the outcome rule's on it (record/outcome.py), so the process, the
results file, the JUnit file and the HTML headline agree."""
from __future__ import annotations

import sys
from pathlib import Path

from sailbench.harness.report.run_files import write_run_reports


class RunStopped(Exception):
    """Raised by a runner in place of `error` once its results file exists."""

    def __init__(self, error: BaseException, results_path: Path, seconds: float):
        super().__init__(str(error))
        self.error = error
        self.results_path = results_path
        self.seconds = seconds


def report_stopped_run(kind: str, error: BaseException, results_path: Path, seconds: float) -> int:
    """Say what stopped the run, write its reports and return the outcome rule's exit status."""
    if isinstance(error, KeyboardInterrupt):
        print("sailbench: interrupted; what was measured is kept in the results file", file=sys.stderr)
    else:
        print(f"sailbench: error: {error}", file=sys.stderr)
    run = write_run_reports(kind, results_path, duration_s=round(seconds, 1))
    print(f"{run.outcome.headline()}; results: {results_path}")
    print(f"report: {run.files.html} (JUnit XML: {run.files.junit})")
    return run.exit_code
