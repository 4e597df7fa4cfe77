"""The report files of one run (bench, pair, sweep), written from its results file for every outcome.

Whatever ended the run (passed, verdicts not held, measurement failed, could not run, interrupted), once
its results file exists the HTML and JUnit reports are written from it, and the exit status is the one
outcome rule's (record/outcome.py) on that same file: the process, `run_outcome`, the nightly's bits, the
JUnit failure count and the HTML headline cannot disagree.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sailbench.harness.record.outcome import RunOutcome, run_outcome
from sailbench.harness.report.model import RunReport, board_report, load_results
from sailbench.harness.report.write import ReportFiles, write_reports


@dataclass(frozen=True)
class RunFiles:
    files: ReportFiles
    outcome: RunOutcome

    @property
    def exit_code(self) -> int:
        return self.outcome.exit_code


class ResultsWatch:
    """A results sink that only remembers the results file, so a caller whose run raised can still
    report what the file holds."""

    def __init__(self) -> None:
        self.results: Any = None

    def run_updated(self, results: Any) -> None:
        self.results = results

    def record_added(self, results: Any, record: dict) -> None:
        self.results = results


def write_run_reports(kind: str, results_path: Path | str, trend: list[dict[str, Any]] | None = None,
                      duration_s: float | None = None) -> RunFiles:
    """<run-id>.html and <run-id>.junit.xml beside the results file, and the run's outcome."""
    path = Path(results_path)
    data = load_results(path)
    found = run_outcome(data)
    board = board_report(data, path, trend, duration_s=duration_s)
    run_id = data.get("run_id") or path.stem
    report = RunReport(kind, run_id, f"sailbench {kind} {run_id}", data.get("started") or "", data.get("finished"),
                       [board], found.exit_code)
    return RunFiles(write_reports(report, path.parent, run_id), found)
