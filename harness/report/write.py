"""Write a run's report files next to its results: <stem>.html, <stem>.junit.xml (and, for a
night, <stem>.json with the per-board summary)."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from sailbench.harness.report.html import render_html
from sailbench.harness.report.junit import render_junit
from sailbench.harness.report.model import RunReport, write_text_atomic


@dataclass(frozen=True)
class ReportFiles:
    html: Path
    junit: Path
    summary: Path | None = None


def write_reports(report: RunReport, directory: Path, stem: str, summary: bool = False) -> ReportFiles:
    directory = Path(directory)
    html = write_text_atomic(directory / f"{stem}.html", render_html(report, directory))
    junit = write_text_atomic(directory / f"{stem}.junit.xml", render_junit(report))
    summary_path = None
    if summary:
        summary_path = write_text_atomic(directory / f"{stem}.json",
                                         json.dumps(report.summary(), indent=2, allow_nan=False) + "\n")
    return ReportFiles(html=html, junit=junit, summary=summary_path)
