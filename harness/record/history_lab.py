"""The lab's latest night, read from the shared history: what `sailbench nightly --report-only` draws.

Each host runs its own nightly (docs/labgrid.md), each with its own night id. The lab's latest night
is, per host, that host's latest night with a complete run: every board and pair run of it (a run
whose writer never finished is listed as incomplete, its figures not shown), their figures (a pair's
totals too, with the INTERCARD verdict its run gave them), each board's trend over its last complete
runs on that host, the boards whose health check failed that night (not measured) and the boards in
quarantine.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from sailbench.harness.judge.regression import figure_key
from sailbench.harness.record.history import History


@dataclass
class LabRun:
    host: str
    board: str                     # a board or a pair
    kind: str                      # nightly, nightly-pair, bench
    run_id: str
    night_id: str | None
    status: str | None
    complete: bool
    started: str | None
    finished: str | None
    build_hash: str | None
    profile: str | None
    figures: list[dict[str, Any]] = field(default_factory=list)      # the run's figure records
    totals: list[dict[str, Any]] = field(default_factory=list)       # a pair's judged totals (INTERCARD)
    trend: list[dict[str, Any]] = field(default_factory=list)        # history.trend rows, oldest first


@dataclass
class LabNight:
    nights: dict[str, str]                     # host -> its latest night id
    runs: list[LabRun]
    quarantined: list[dict[str, Any]] = field(default_factory=list)
    health_failures: list[dict[str, Any]] = field(default_factory=list)   # boards not measured that night

    @property
    def hosts(self) -> list[str]:
        return list(self.nights)


def _is_total(record: dict[str, Any]) -> bool:
    """A pair's total over its lanes in one direction: what INTERCARD is judged on, not a history figure
    (the regression alarms follow its lanes)."""
    rate = record.get("total_bytes_per_s")
    return (record.get("probe") == "pair" and record.get("quantity") == "pair total"
            and isinstance(rate, (int, float)) and not isinstance(rate, bool))


def latest_lab_night(history: History, trend_runs: int = 30) -> LabNight:
    nights = {row["host"] or "?": row["night_id"] for row in history.latest_nights()}
    runs: list[LabRun] = []
    failures: list[dict[str, Any]] = []
    for host, night_id in nights.items():
        failures += [row | {"host": row["host"] or host} for row in history.night_health_failures(night_id)]
        for row in history.night_runs(night_id):
            complete = bool(row["complete"])
            run = LabRun(host, row["board"], row["kind"], row["run_id"], night_id, row["status"], complete,
                         row["started"], row["finished"], row["build_hash"], row["profile"])
            if complete:
                records = history.records(row["run_id"])
                run.figures = [r for r in records if figure_key(r, row["board"]) is not None]
                run.totals = [r for r in records if _is_total(r)]
                run.trend = history.trend(row["board"], trend_runs, host=row["host"])
            runs.append(run)
    return LabNight(nights, runs, history.quarantines(), failures)


def night_to_dict(night: LabNight) -> dict[str, Any]:
    """The same, as JSON-ready data (the page's companion file)."""
    return {"nights": night.nights, "quarantined": night.quarantined, "health_failures": night.health_failures,
            "runs": [{k: v for k, v in vars(r).items() if k != "trend"} for r in night.runs]}


def dumps(night: LabNight) -> str:
    return json.dumps(night_to_dict(night), indent=1, sort_keys=True)
