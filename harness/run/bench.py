"""The bench: open a board, measure, judge against the scheduler's constants.

Every measurement is written to results/<run-id>.json the moment it exists,
so a crash or Ctrl-C keeps what was done. The printed table is built from
the same records.
"""
from __future__ import annotations

import statistics
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from sailbench.harness.board.board import Board
from sailbench.harness.config import Lab
from sailbench.harness.judge.constants import HOST_LINK, INTERCARD, LOCAL_DDR, SchedulerConstants, load_constants
from sailbench.harness.probes.clock import measure_sys_clk
from sailbench.harness.probes.ddr import DdrProbe, DdrResult
from sailbench.harness.run.bench_hostlink import bench_hostlink
from sailbench.harness.record.outcome import run_outcome
from sailbench.harness.record.promises import expected_section
from sailbench.harness.record.history import History
from sailbench.harness.record.measured import MeasuredInvariants, measured_invariants
from sailbench.harness.record.results import ResultsFile, ResultsSink, new_run_id, provenance
from sailbench.harness.report.sweep import write_sweep_svg
from sailbench.harness.report.table import TableRow, render_invariants, render_table
from sailbench.harness.judge.timing import timing_reason
from sailbench.harness.judge.verdict import InvariantVerdict, Verdict, judge, judge_invariants, withhold, \
    withhold_invariants, NOT_JUDGED
from sailbench.harness.judge.ddr_limits import limit_from_manifest, with_reachability
from sailbench.harness.exit_codes import EXIT_OK


@dataclass
class BenchSettings:
    ddr_length: int = 1 << 20
    ddr_base: int = 0
    patterns: tuple[str, ...] = ("sequential", "random")
    repeats: int | None = None           # None: lab.yaml judgement.repeats
    clock_seconds: float = 3.0
    constants_path: Path | None = None   # None: lab.yaml scheduler.bandwidth_rs, else pinned
    results_dir: Path | None = None      # None: lab.yaml results.dir
    lock_wait_s: float | None = None     # None: lab.yaml locks.wait_s
    hostlink_payload: int = 1472         # UDP payload of the judged host-link rows
    hostlink_count: int = 1000           # packets per host-link measurement
    hostlink_sweep: tuple[int, ...] = (64, 256, 512, 1024, 1472)   # () to skip the sweep
    hostlink_sweep_count: int = 200


@dataclass
class BenchOutcome:
    results: ResultsFile
    rows: list[TableRow] = field(default_factory=list)
    verdicts: list[Verdict] = field(default_factory=list)
    invariants: list[InvariantVerdict] = field(default_factory=list)
    measurement_errors: list[str] = field(default_factory=list)
    judged: list[tuple[str, Verdict]] = field(default_factory=list)   # (table quantity, verdict)
    ceiling: str = ""
    hostlink_ceiling: str = ""          # what the host link's wire can carry (and what that wire is)
    artifacts: list[Path] = field(default_factory=list)
    ddr_breakdowns: list[tuple[str, object]] = field(default_factory=list)   # (quantity, DdrBreakdown)

    @property
    def exit_code(self) -> int:
        """The one outcome rule (record/outcome.py) on the results file as written."""
        return run_outcome(self.results.data).exit_code


def _spread(values: list[float]) -> str:
    med = statistics.median(values)
    if len(values) < 2 or not med:
        return ""
    return f"±{(max(values) - min(values)) / 2 / med * 100:.1f}%"


def run_bench(lab: Lab, board_name: str, settings: BenchSettings | None = None,
              progress: Callable[[str], None] = print, sinks: Iterable[ResultsSink] = (),
              board: Board | None = None) -> BenchOutcome:
    """Measure one board. Without `board`, lock it, open it and close it after (harness/board/factory.py);
    with `board` (already opened, e.g. by the nightly runner), the caller holds the lock and closes it.
    `sinks` follow the results file as it is written (e.g. the history database)."""
    from sailbench.harness.board.factory import hold_board
    from sailbench.harness.board.place_lock import HoldCheck
    settings = settings or BenchSettings()
    config = lab.board(board_name)                       # unknown board: clear error before anything
    constants = load_constants(settings.constants_path or lab.constants_path)
    repeats = settings.repeats or lab.judgement.repeats
    with ExitStack() as stack:
        held = None
        if board is None:
            held = stack.enter_context(hold_board(lab, board_name, progress, wait_s=settings.lock_wait_s))
            sinks = [*sinks, HoldCheck(held.lock)]      # a labgrid place is re-checked between records
        results = ResultsFile(new_run_id(board_name), settings.results_dir or lab.results_dir,
                              provenance(board_name, config.profile, None, constants_source=constants.source,
                                         simulated=config.kind.simulated),
                              sinks=sinks)
        results.set_section("expected", expected_section(config, skip=() if settings.hostlink_count > 0
                                                         else ("hostlink",)))
        outcome = BenchOutcome(results)
        progress(f"run {results.run_id}: results -> {results.path}")
        for stale in results.marked_stale:
            progress(f"earlier run {stale.stem}: interrupted (process gone); its results file now says so")
        with results:
            if held is not None:
                board = held.open()
            results.update_provenance(gateware_hash=board.build_hash, identifier=board.identifier,
                                      build_dir=str(board.build_dir), port=board.port)
            if board.manifest.report:      # real boards: nextpnr's verdict, how the board was brought up
                results.update_provenance(build_report=board.manifest.report.to_dict(), bringup={
                    "load": board.load.to_record() if board.load else None,
                    "dram_init": board.dram_init.to_record(board.name) if board.dram_init else None})
            progress(f"board '{board.name}' ready ({board.identifier}) on {board.port}")
            _bench_board(board, lab, settings, repeats, constants, outcome, progress)
            results.set_status(results.judged_status())
    return outcome


def _bench_board(board: Board, lab: Lab, settings: BenchSettings, repeats: int,
                 constants: SchedulerConstants, outcome: BenchOutcome, progress: Callable[[str], None]) -> None:
    results = outcome.results
    clock = measure_sys_clk(board, lab.judgement.clock_tolerance, duration_s=settings.clock_seconds)
    results.add_record(clock.to_record())
    progress(clock.message)
    if not clock.within_tolerance:
        progress(f"WARNING: board '{board.name}' {clock.message}; rates below use the measured clock")

    medians: dict[tuple[str, str], float] = {}
    if board.manifest.dram:
        medians = _bench_ddr(board, lab, settings, repeats, constants, outcome, progress, clock)
    else:
        progress(f"board '{board.name}' has no DRAM in this build: DDR probe skipped by design of the build")
    host = bench_hostlink(board, results, constants, sys_clk_hz=clock.used_hz, tolerance=lab.judgement.tolerance,
                          slack=lab.judgement.slack, payload=settings.hostlink_payload, count=settings.hostlink_count,
                          sweep=settings.hostlink_sweep, sweep_count=settings.hostlink_sweep_count, progress=progress)
    outcome.rows += host.rows
    outcome.verdicts += host.verdicts
    outcome.judged += host.judged
    outcome.measurement_errors += host.measurement_errors
    outcome.hostlink_ceiling = host.ceiling
    if host.swept:
        svg = write_sweep_svg(results.path.with_name(results.path.stem + "-hostlink-sweep.svg"), results.data,
                              board.name)
        if svg is not None:
            outcome.artifacts.append(svg)
            progress(f"  payload sweep plot: {svg}")
    seq = [medians[k] for k in (("write", "sequential"), ("read", "sequential")) if k in medians]
    values: dict[str, tuple[float, bool]] = {
        LOCAL_DDR: (min(seq), True) if seq else (float(constants[LOCAL_DDR]), False),
        INTERCARD: (float(constants[INTERCARD]), False),
        HOST_LINK: (min(host.rates), True) if host.rates else (float(constants[HOST_LINK]), False),
    }
    untrusted = {c: why for c, why in ((LOCAL_DDR, timing_reason("ddr", board.manifest.report)),
                                        (HOST_LINK, timing_reason("hostlink", board.manifest.report))) if why}
    for inv in withhold_invariants(judge_invariants(values), untrusted):
        outcome.invariants.append(inv)
        results.add_verdict(inv)


def _bench_ddr(board: Board, lab: Lab, settings: BenchSettings, repeats: int, constants: SchedulerConstants,
               outcome: BenchOutcome, progress: Callable[[str], None], clock) -> dict[tuple[str, str], float]:
    results = outcome.results
    probe = DdrProbe(board, sys_clk_hz=clock.used_hz)
    d = board.manifest.dram
    outcome.ceiling = (f"{d.module} x{d.data_width} at {d.transfers_per_s / 1e6:.0f} MT/s "
                       f"(1:{d.ratio}, sys {clock.used_hz / 1e6:.3f} MHz) = {probe.peak / 1e6:.1f} MB/s")
    from sailbench.gateware.profiles.dram_jedec import timings_record, timings_text   # where each timing came from
    if timings_text(d.timings):
        outcome.ceiling += f"; {timings_text(d.timings)}"
    medians: dict[tuple[str, str], float] = {}
    for pattern in settings.patterns:
        per_dir: dict[str, list[DdrResult]] = {"write": [], "read": []}
        for rep in range(repeats):
            w, r = probe.write_read(settings.ddr_length, settings.ddr_base, pattern, raise_on_errors=False)
            for res in (w, r):
                rec = res.to_record() | {"repeat": rep + 1, "repeats": repeats}
                results.add_record(rec)
                per_dir[res.direction].append(res)
                progress(f"  DDR {res.direction:5} {pattern:10} {res.bytes // 1024} KiB [{rep + 1}/{repeats}]: "
                    f"{res.rate_bytes_per_s / 1e6:7.1f} MB/s ({res.efficiency * 100:.1f} % of peak), "
                    f"{res.cycles} cycles" + (f", {res.errors} ERRORS" if res.errors else ""))
                _say_breakdown(res, board.name, outcome, progress)
            if r.errors:
                msg = (f"DDR checker found {r.errors} bad words ({pattern}, {r.bytes} B at 0x{r.base:x}, "
                       f"repeat {rep + 1}) on board '{board.name}'")
                outcome.measurement_errors.append(msg)
                results.add_error(msg)
        for direction, runs in per_dir.items():
            rates = [x.rate_bytes_per_s for x in runs]
            med = statistics.median(rates)
            medians[(direction, pattern)] = med
            typical = min(runs, key=lambda x: abs(x.rate_bytes_per_s - med))
            if typical.breakdown is not None:
                outcome.ddr_breakdowns.append((f"DDR {direction} {pattern}", typical.breakdown))
            errors = sum(x.errors for x in runs)
            summary_id = results.add_record({"board": board.name, "probe": "ddr", "direction": direction, "pattern": pattern,
                                "summary": True, "repeats": len(runs), "bytes": runs[0].bytes,
                                "rate_bytes_per_s": med, "min_rate_bytes_per_s": min(rates),
                                "max_rate_bytes_per_s": max(rates), "peak_bytes_per_s": runs[0].peak_bytes_per_s,
                                "errors": errors, "sys_clk_hz": runs[0].sys_clk_hz,
                                "breakdown": typical.breakdown.to_record() if typical.breakdown else None,
                                "dram_timings": timings_record(d.timings)})
            verdict = None
            if pattern == "sequential":
                verdict = judge(LOCAL_DDR, constants[LOCAL_DDR], med, lab.judgement.tolerance, lab.judgement.slack)
                verdict = with_reachability(verdict, limit_from_manifest(d), med / runs[0].peak_bytes_per_s)
                untimed = timing_reason("ddr", board.manifest.report)
                if untimed:
                    verdict = withhold(verdict, untimed)
                outcome.verdicts.append(verdict)
                outcome.judged.append((f"DDR {direction} {pattern}", verdict))
                results.add_verdict(verdict, quantity=f"{direction} {pattern}", record=summary_id)
            outcome.rows.append(TableRow(
                quantity=f"DDR {direction} {pattern}", measured_bytes_per_s=med,
                peak_bytes_per_s=runs[0].peak_bytes_per_s,
                constant_name=LOCAL_DDR if verdict else None,
                constant_bytes_per_s=constants[LOCAL_DDR] if verdict else None,
                verdict=(f"{errors} errors" if errors else (verdict.label if verdict else None)),
                spread=_spread(rates), simulated=board.is_sim))
    return medians



def report_measured_invariants(history: History, results: ResultsFile) -> MeasuredInvariants:
    """The invariants on measured values across runs for this run's profile (simulated and hardware apart),
    from the history (this run included); kept in the results file's `measured_invariants` section.
    A report: the run's outcome does not change."""
    prov = results.data["provenance"]
    found = measured_invariants(history, prov.get("profile") or "?", bool(prov.get("simulated")))
    results.set_section("measured_invariants", found.to_dict())
    return found


def _say_breakdown(res: DdrResult, board: str, outcome: BenchOutcome, progress: Callable[[str], None]) -> None:
    """Where the DDR window went (builds with DFI accounting); a sum that misses the window
    is a measurement error, never hidden."""
    b = res.breakdown
    if b is None:
        return
    progress(f"      where the window went: {b.line()}")
    if not b.sums_to_window():
        msg = (f"DDR accounting on board '{board}' ({res.direction} {res.pattern}): classes sum to {b.total} "
               f"cycles, the window timer counted {b.window_cycles}")
        outcome.measurement_errors.append(msg)
        outcome.results.add_error(msg)


def render_outcome(outcome: BenchOutcome) -> str:
    lines = [render_table(outcome.rows)]
    if outcome.ceiling:
        lines.append(f"DDR peak: {outcome.ceiling}")
    if outcome.ddr_breakdowns:
        lines.append("Where the DDR window went (DFI accounting, the median repeat):")
        width = max(len(q) for q, _ in outcome.ddr_breakdowns)
        lines += [f"  {q:{width}}  {b.line()}" for q, b in outcome.ddr_breakdowns]
    if outcome.hostlink_ceiling:
        lines.append(f"host-link ceiling: {outcome.hostlink_ceiling}")
    lines.append("")
    if outcome.invariants:
        lines += [render_invariants(outcome.invariants, simulated=bool(outcome.results.simulated)), ""]
    for quantity, v in outcome.judged:
        if v.verdict != "holds":     # not judged too: the line says why
            lines.append(f"{quantity}: {v.message}")
    for e in outcome.measurement_errors:
        lines.append(f"MEASUREMENT ERROR: {e}")
    for c in outcome.results.regressions:
        lines.append(c["message"])
    unjudged = [q for q, v in outcome.judged if v.verdict == NOT_JUDGED]
    verdict_line = run_outcome(outcome.results.data).headline(len(unjudged))
    lines.append(f"{verdict_line}; results: {outcome.results.path}")
    return "\n".join(lines)
