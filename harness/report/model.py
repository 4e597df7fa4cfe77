"""What a report shows: one run (bench) or one night (nightly), a section per board.

Reports are rendered from the results files themselves (and the history
database for trends), so the numbers a person reads are the numbers stored.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from sailbench.harness.atomic_file import replace_file
from sailbench.harness.errors import ResultsError
from sailbench.harness.record import outcome
from sailbench.harness.record.results import settled

# A board's outcome, worst last. "verdicts": measured fine, but a scheduler constant or invariant
# did not hold (the bench's finding, not a fault of the board).
PASSED, VERDICTS, MEASUREMENT, INFRASTRUCTURE, HARNESS, QUARANTINED = (
    "passed", "verdicts", "measurement", "infrastructure", "harness", "quarantined")
OUTCOME_TEXT = {
    PASSED: "passed",
    VERDICTS: "verdicts not held",
    MEASUREMENT: "measurement failure",
    INFRASTRUCTURE: "infrastructure failure",
    HARNESS: "harness error",
    QUARANTINED: "quarantined",
}


# the one outcome rule (record/outcome.py) in a report's words; a run that could not run is an
# infrastructure failure here, an interrupted one a measurement that did not finish
_REPORT_OUTCOME = {outcome.PASSED: PASSED, outcome.VERDICTS: VERDICTS, outcome.MEASUREMENT: MEASUREMENT,
                   outcome.NOT_RUN: INFRASTRUCTURE, outcome.INTERRUPTED: MEASUREMENT}


def results_findings(data: dict[str, Any]) -> set[str]:
    """What a results file shows went wrong (record/outcome.py decides): MEASUREMENT and/or VERDICTS,
    or INFRASTRUCTURE when nothing could be measured."""
    return {_REPORT_OUTCOME[f.outcome] for f in outcome.run_outcome(data).findings}


def results_outcome(data: dict[str, Any]) -> str:
    """Outcome of a board from its results file (record/outcome.py decides)."""
    return _REPORT_OUTCOME[outcome.run_outcome(data).outcome]


@dataclass
class BoardReport:
    board: str
    outcome: str                         # one of OUTCOME_TEXT
    message: str = ""                    # why, in one line (empty when passed)
    health: str = ""                     # health check summary or failure
    results_path: str | None = None
    results: dict[str, Any] | None = None   # the results file's content
    trend: list[dict[str, Any]] = field(default_factory=list)   # history figures, oldest first
    duration_s: float | None = None

    @property
    def outcome_text(self) -> str:
        return OUTCOME_TEXT.get(self.outcome, self.outcome)

    def summary(self) -> dict[str, Any]:
        """What the nightly summary file keeps (the results stay in their own file)."""
        return {k: v for k, v in asdict(self).items() if k not in ("results", "trend")}


@dataclass
class RunReport:
    kind: str                            # "bench" or "nightly"
    run_id: str
    title: str
    started: str
    finished: str | None
    boards: list[BoardReport]
    exit_code: int | None = None
    exit_meaning: str = ""
    notes: list[str] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        return {"schema": 1, "kind": self.kind, "run_id": self.run_id, "title": self.title,
                "started": self.started, "finished": self.finished, "exit_code": self.exit_code,
                "exit_meaning": self.exit_meaning, "notes": self.notes,
                "boards": [b.summary() for b in self.boards]}


def load_results(path: Path | str) -> dict[str, Any]:
    """A results file as readers show it: a run whose process is gone reads "interrupted" (record/results.py)."""
    try:
        return settled(json.loads(Path(path).read_text(encoding="utf-8")))
    except (OSError, ValueError) as e:
        raise ResultsError(f"cannot read results file {path}: {e}") from e


def write_text_atomic(path: Path, text: str) -> Path:
    """Write a report file whole or not at all."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        return replace_file(path, text)
    except OSError as e:
        raise ResultsError(f"cannot write report {path}: {e.strerror or e}; check results.dir in lab.yaml") from e


def outcome_message(data: dict[str, Any], board_outcome: str) -> str:
    """One line saying why a results file has the outcome it has."""
    if board_outcome in (MEASUREMENT, INFRASTRUCTURE):
        found = outcome.run_outcome(data)
        worst = found.messages(found.outcome) or [f"run ended '{data.get('status')}'"]
        more = len(worst) - 1
        return worst[0] + (f" (and {more} more)" if more > 0 else "")
    if board_outcome == VERDICTS:
        ratios: dict[str, list[str]] = {}          # one entry per constant and verdict, its directions' ratios
        for v in data.get("verdicts", []):
            if v.get("verdict") not in ("holds", outcome.NOT_JUDGED):
                key = f"{v['constant'].removesuffix('_BW_BYTES_PER_SEC')} {v['verdict']}"
                ratios.setdefault(key, []).append(f"{v.get('ratio', 0):.2f}x")
        bad = [f"{key} ({', '.join(dict.fromkeys(r))})" for key, r in ratios.items()]
        bad += [f"{i['name']} broken" for i in data.get("invariants", []) if not i.get("holds")]
        return "scheduler constants do not hold: " + "; ".join(dict.fromkeys(bad))
    return ""


def board_report(data: dict[str, Any], path: Path | str | None, trend: list[dict[str, Any]] | None = None,
                 health: str = "", duration_s: float | None = None) -> BoardReport:
    """A board section from its results file."""
    board_outcome = results_outcome(data)
    board = data.get("provenance", {}).get("board") or "?"
    return BoardReport(board=board, outcome=board_outcome, message=outcome_message(data, board_outcome), health=health,
                       results_path=str(path) if path else None, results=data, trend=trend or [],
                       duration_s=duration_s)
