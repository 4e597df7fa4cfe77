"""Follow a results file into the history database, and sound regression alarms.

`HistorySink` is a `ResultsSink` (harness/record/results.py): every record the bench
writes to results/<run-id>.json is also written to the history database the
moment it is measured. Each figure is compared with the board's recent
history on the same build hash (harness/judge/regression.py) before it is stored;
the comparison goes into the results file (`comparisons`) and regressions
are said at once. The run counts for readers once its results file has its final status
(history.py: complete runs only).
"""
from __future__ import annotations

from typing import Any, Callable

from sailbench.harness.config import HistoryConfig
from sailbench.harness.record.history import History
from sailbench.harness.judge.regression import BASELINE, REGRESSED, Comparison, compare, figure_key
from sailbench.harness.record.results import ResultsFile


def store_record(history: History, config: HistoryConfig, run_id: str, board: str, build: str | None,
                 record: dict[str, Any], key: str | None = None) -> Comparison | None:
    """Compare a record with its baseline if it is a figure, then store it; the comparison or None.
    `key` names the record in its run when it has no id of its own (the n-th record of a results file)."""
    fkey = figure_key(record, board)
    comparison = None
    if fkey is not None:
        runs = history.baseline(fkey, build, run_id, config.baseline_runs)
        previous = None if runs else history.previous_build(fkey, build, run_id)
        comparison = compare(fkey, build, float(record["rate_bytes_per_s"]), runs, config.drop_threshold, previous)
    history.add_record(run_id, board, build, record, key=record.get("id") or key)
    return comparison


def store_finished_run(history: History, config: HistoryConfig, data: dict[str, Any], path: str, *,
                       kind: str, night_id: str | None = None) -> list[Comparison]:
    """Record a run another runner wrote (e.g. a bench pair's results file) after the fact; its
    comparisons are returned (the file itself is not changed)."""
    prov = data.get("provenance", {})
    board, build = prov.get("board") or "?", prov.get("gateware_hash")
    out = []
    with history.transaction("record a finished run"):      # the run and all its records, or nothing
        history.upsert_run(data["run_id"], board, kind=kind, night_id=night_id, profile=prov.get("profile"),
                           build_hash=build, started=data.get("started"), finished=None, status="running",
                           git=prov.get("git"), host=prov.get("host"), results_path=path)
        for i, record in enumerate(data.get("records", []), 1):
            comparison = store_record(history, config, data["run_id"], board, build, record, key=f"#{i}")
            if comparison is not None:
                out.append(comparison)
        history.upsert_run(data["run_id"], board, kind=kind, night_id=night_id, profile=prov.get("profile"),
                           build_hash=build, started=data.get("started"), finished=data.get("finished"),
                           status=data.get("status"), git=prov.get("git"), host=prov.get("host"),
                           results_path=path)
    return out


class HistorySink:
    def __init__(self, history: History, config: HistoryConfig, progress: Callable[[str], None] = print,
                 kind: str = "bench", night_id: str | None = None):
        self.history = history
        self.config = config
        self.progress = progress
        self.kind = kind
        self.night_id = night_id
        self.results: ResultsFile | None = None      # the run being followed (the last one seen)
        self.comparisons: list[Comparison] = []
        self._announced: set[tuple[str, str | None]] = set()

    @staticmethod
    def _build(results: ResultsFile) -> str | None:
        return results.data["provenance"].get("gateware_hash")

    def run_updated(self, results: ResultsFile) -> None:
        self.results = results
        prov = results.data["provenance"]
        self.history.upsert_run(
            results.run_id, prov.get("board") or "?", kind=self.kind, night_id=self.night_id,
            profile=prov.get("profile"), build_hash=self._build(results), started=results.data["started"],
            finished=results.data["finished"], status=results.status, git=prov.get("git"),
            host=prov.get("host"), results_path=str(results.path))

    def record_added(self, results: ResultsFile, record: dict[str, Any]) -> None:
        build = self._build(results)
        board = record.get("board") or results.data["provenance"].get("board") or "?"
        comparison = store_record(self.history, self.config, results.run_id, board, build, record)
        if comparison is None:
            return
        self.comparisons.append(comparison)
        results.add_comparison(comparison.to_dict())
        if comparison.status == REGRESSED:
            self.progress(comparison.message)
        elif comparison.status == BASELINE:
            if (results.run_id, build) not in self._announced:
                self._announced.add((results.run_id, build))
                before = (f" (previous build {comparison.previous_build_hash})"
                          if comparison.previous_build_hash else "")
                self.progress(f"history: build {build} has no figures yet on board '{board}'{before}; "
                         "this run starts a new baseline")
        else:
            c = comparison
            self.progress(f"  history: {c.label}: {c.measured_bytes_per_s / 1e6:.1f} MB/s, baseline "
                     f"{c.baseline_bytes_per_s / 1e6:.1f} MB/s ({c.change * 100:+.1f} %)")
