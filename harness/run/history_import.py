"""`sailbench history info|import`: where the lab's history is, and moving a bench PC's history in.

`import FILE.sqlite` copies every run (complete or not: an incomplete one stays uncounted), its
records and the health checks of a SQLite history into the configured one (lab.yaml history.url,
or history.path). Each run goes in one transaction with its records; a record already there (same
run and record id) and a health check already there (same board, time and source) are kept, so
importing the same file twice adds nothing the second time. The file is opened like any history:
an older schema is migrated first, a newer one is refused.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from sailbench.harness.config import Lab
from sailbench.harness.errors import HistoryError
from sailbench.harness.record.history import History, history_location, open_history


@dataclass
class ImportOutcome:
    source: str
    target: str
    runs: int = 0
    records_added: int = 0
    health_added: int = 0

    def text(self) -> str:
        return (f"imported {self.source} into {self.target}: {self.runs} run{'s' if self.runs != 1 else ''} read, "
                f"{self.records_added} new record{'s' if self.records_added != 1 else ''}, "
                f"{self.health_added} new health check{'s' if self.health_added != 1 else ''}"
                + (" (everything was there already)" if not (self.records_added or self.health_added) else ""))


def import_history(source: Path, target: History, target_name: str,
                   progress: Callable[[str], None] = print) -> ImportOutcome:
    if not Path(source).is_file():
        raise HistoryError(f"{source}: no such history file (a bench PC's history.sqlite)")
    if target.path is not None and Path(source).resolve() == target.path.resolve():
        raise HistoryError(f"{source} is the configured history itself; set history.url in lab.yaml to the lab's "
                           "database first")
    outcome = ImportOutcome(str(source), target_name)
    with History(source) as src:
        runs = src.runs(complete_only=False)
        for i, run in enumerate(runs, 1):
            outcome.records_added += target.insert_rows(run, src.record_rows(run["run_id"]))
            outcome.runs += 1
            if i % 50 == 0:
                progress(f"  {i}/{len(runs)} runs")
        outcome.health_added = target.insert_health(src.all_health())
    return outcome


def history_info(lab: Lab) -> str:
    with open_history(lab) as h:
        complete = len(h.runs())
        every = len(h.runs(complete_only=False))
        hosts = sorted({r["host"] or "?" for r in h.runs()})
        return (f"history {history_location(lab)} ({h.dialect}, schema {h.schema_version}): {complete} complete "
                f"run{'s' if complete != 1 else ''}"
                + (f" and {every - complete} incomplete" if every != complete else "")
                + (f" from host{'s' if len(hosts) != 1 else ''} {', '.join(hosts)}" if hosts else ""))


def history_command(lab: Lab, action: str, file: Path | None, progress: Callable[[str], None] = print) -> int:
    if action == "info":
        progress(history_info(lab))
        return 0
    with open_history(lab) as target:
        progress(import_history(file, target, history_location(lab), progress).text())
    return 0
