"""`sailbench nightly --report-only`: the lab's latest night as one page, from the shared history.

Measures nothing and takes no board: it reads the history (lab.yaml history.url for the whole lab,
else this PC's file) and writes `<results.dir>/lab-<time>.html` and `.json`.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Callable

from sailbench.harness.atomic_file import replace_file
from sailbench.harness.config import Lab
from sailbench.harness.errors import ResultsError
from sailbench.harness.record.history import history_location, open_history
from sailbench.harness.record.history_lab import LabNight, dumps, latest_lab_night
from sailbench.harness.report.lab_page import render_lab_page
from sailbench.harness.timestamps import now_iso


@dataclass
class LabReport:
    night: LabNight
    html: Path
    json: Path

    def text(self) -> str:
        hosts = ", ".join(f"{h} ({n})" for h, n in self.night.nights.items()) or "none yet"
        boards = len({(r.host, r.board) for r in self.night.runs})
        return (f"lab report: {boards} board{'s' if boards != 1 else ''} and pairs from "
                f"{len(self.night.nights)} host{'s' if len(self.night.nights) != 1 else ''}: {hosts}\n"
                f"report: {self.html}\nJSON: {self.json}")


def write_lab_report(lab: Lab, results_dir: Path | None = None, trend_runs: int = 30,
                     progress: Callable[[str], None] = print) -> LabReport:
    where = history_location(lab)
    progress(f"lab report from the history {where}")
    with open_history(lab) as history:
        night = latest_lab_night(history, trend_runs)
    directory = Path(results_dir or lab.results_dir)
    stem = f"lab-{datetime.now().strftime('%Y%m%d-%H%M%S')}"
    try:
        directory.mkdir(parents=True, exist_ok=True)
        html = replace_file(directory / f"{stem}.html", render_lab_page(night, where, now_iso()))
        data = replace_file(directory / f"{stem}.json", dumps(night))
    except OSError as e:
        raise ResultsError(f"cannot write the lab report in {directory}: {e.strerror or e}; "
                           "check results.dir in lab.yaml") from e
    return LabReport(night, html, data)
