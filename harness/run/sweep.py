"""The DDR clock sweep: the probe at several sys clocks (the DDR clock follows at the profile's ratio).

    sailbench sweep ddr --board sim --clocks 50M,75M,100M

For each clock, one at a time (2 cores: never two builds at once), cached builds reused:
- a simulated board is built at that clock (Verilator) and measured: sequential write and read
  with the BIST, rates from the window timers at the nominal clock;
- a real board gets a bitstream at that clock and its nextpnr timing verdict; with --measure the
  bitstreams that close timing are loaded and measured (not yet: see `measure_hardware`).
For a simulated board the "closes timing" column comes from a real-board bitstream of the same
profile at that clock when one is in the build cache (`--bitstreams` builds them).

Everything lands in results/<run-id>.json (records with probe "ddr_sweep"), the history (through
the sinks) and results/<run-id>-ddr-sweep.svg (rate against clock).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Iterable

from sailbench.harness.board.lifecycle import open_board
from sailbench.harness.config.kind import BoardKind
from sailbench.harness.board.place_lock import HoldCheck, lock_for_board
from sailbench.harness.build.manifest import ReportSummary
from sailbench.harness.config import BoardConfig, Lab
from sailbench.harness.errors import BuildError, ConfigError, MeasurementError, SailbenchError
from sailbench.harness.exit_codes import EXIT_FAILED, EXIT_OK
from sailbench.harness.judge.timing import clock_serves
from sailbench.harness.probes.ddr import DdrProbe
from sailbench.harness.record.outcome import SWEEP_JUDGES_NOTHING
from sailbench.harness.record.results import ResultsFile, ResultsSink, new_run_id, provenance
from sailbench.harness.report.model import write_text_atomic
from sailbench.harness.report.svg import LineChart, Series, line_chart
from sailbench.harness.run.recording import recording
from sailbench.harness.units import mb_per_s

_CLOCK_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kKmMgG]?)(?:[hH][zZ])?\s*$")
_SCALE = {"": 1, "k": 1e3, "m": 1e6, "g": 1e9}


def parse_clocks(text: str) -> list[int]:
    """'50M,75M,100M' (or 75000000, 62.5M, 0.1G) -> Hz, in the order given, duplicates dropped."""
    out: list[int] = []
    for part in text.split(","):
        m = _CLOCK_RE.match(part)
        if not m:
            raise ConfigError(f"--clocks: '{part.strip()}' is not a clock like 75M or 75000000")
        hz = int(round(float(m.group(1)) * _SCALE[m.group(2).lower()]))
        if hz <= 0:
            raise ConfigError(f"--clocks: '{part.strip()}' is not a positive clock")
        if hz not in out:
            out.append(hz)
    if not out:
        raise ConfigError("--clocks: give at least one clock, e.g. 50M,75M,100M")
    return out


@dataclass
class SweepPoint:
    sys_clk_hz: int
    transfers_per_s: float | None = None
    peak_bytes_per_s: float | None = None
    write_bytes_per_s: float | None = None
    read_bytes_per_s: float | None = None
    closes_timing: bool | None = None       # None: no real-board build at this clock
    timing: str = ""                        # nextpnr's failing clocks, or why there is no verdict
    build_hash: str | None = None
    error: str = ""
    breakdown: dict = field(default_factory=dict)   # direction -> DdrBreakdown record

    @property
    def sequential_bytes_per_s(self) -> float | None:
        rates = [r for r in (self.write_bytes_per_s, self.read_bytes_per_s) if r is not None]
        return min(rates) if rates else None

    @property
    def efficiency(self) -> float | None:
        seq = self.sequential_bytes_per_s
        return seq / self.peak_bytes_per_s if seq is not None and self.peak_bytes_per_s else None

    def to_record(self, board: str, kind: str) -> dict:
        return {"board": board, "probe": "ddr_sweep", "kind": kind, "sys_clk_hz": self.sys_clk_hz,
                "transfers_per_s": self.transfers_per_s, "peak_bytes_per_s": self.peak_bytes_per_s,
                "write_bytes_per_s": self.write_bytes_per_s, "read_bytes_per_s": self.read_bytes_per_s,
                "rate_bytes_per_s": self.sequential_bytes_per_s, "efficiency": self.efficiency,
                "closes_timing": self.closes_timing, "timing": self.timing, "build_hash": self.build_hash,
                "error": self.error, "breakdown": self.breakdown}


@dataclass
class SweepOutcome:
    board: str
    profile: str
    kind: str
    points: list[SweepPoint]
    results: ResultsFile
    artifacts: list[Path] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        """The outcome rule's on the results file (record/outcome.py): 0 every point measured, 1 one failed."""
        from sailbench.harness.record.outcome import run_outcome
        return run_outcome(self.results.data).exit_code

    def text(self) -> str:
        """What `sailbench sweep ddr` prints: the table, the plot and the results file."""
        lines = ["", render_sweep(self), *(f"plot: {path}" for path in self.artifacts),
                 f"results: {self.results.path}"]
        return "\n".join(lines)


def _sim_config(config: BoardConfig, hz: int) -> BoardConfig:
    from sailbench.harness.config import SimConfig
    sim = config.sim or SimConfig()
    return replace(config, sim=replace(sim, sys_clk_hz=hz))


def _bitstream_verdict(config: BoardConfig, hz: int, build: bool, progress) -> tuple[bool | None, str]:
    """(closes timing, text) for a real-board bitstream of this profile at `hz`; built only when
    `build`, else read from the cache (None when there is none)."""
    from sailbench.harness.build.bitstream import Bitstream, bitstream_dir, ensure_bitstream
    from sailbench.harness.build.manifest import read_build_manifest
    try:
        if build:
            bs = ensure_bitstream(config, progress=progress, sys_clk_hz=hz)
        else:
            out = bitstream_dir(config, hz)
            if not (out / "sailbench.json").is_file():
                return None, "no bitstream built at this clock"
            bs = Bitstream(config.name, out, read_build_manifest(out))
    except SailbenchError as e:
        return None, f"bitstream build failed: {e}"
    if bs.manifest.report is None:
        return None, "the bitstream's manifest has no timing report"
    return ddr_timing(bs.manifest.report)


def ddr_timing(report: ReportSummary) -> tuple[bool, str]:
    """(closes, text) for the DDR path of a build: every clock the DDR measurement runs on must close (the
    rule of judge/timing.py: sys and the DRAM clock domains). A failing clock of another path (the
    Ethernet PHY's, a lane's) is named, not hidden, and does not fail the DDR path."""
    clocks = report.clocks
    failing = list(report.failing_clocks)
    ddr_failing = [d for d in failing if clock_serves("ddr", d)]
    other = [d for d in failing if not clock_serves("ddr", d)]

    def show(d):
        c = clocks.get(d)
        achieved = (c.achieved_mhz or 0) if c else 0
        required = (c.required_mhz or 0) if c else 0
        return f"{d} {achieved:.1f}/{required:.1f} MHz"
    parts = [show("sys")] if "sys" in clocks else []
    parts += [show(d) + " FAILS" for d in ddr_failing if d != "sys"]
    if "sys" in ddr_failing:
        parts[0] += " FAILS"
    if other:
        parts.append(", ".join(f"{_path_of(d)} {show(d)}" for d in other) + " fails (not the DDR path)")
    return (not ddr_failing), "; ".join(parts)


def _path_of(clock: str) -> str:
    """Which measurement a clock outside the DDR path serves, for the sweep's timing text."""
    return "host link" if clock_serves("hostlink", clock) else "lanes" if clock_serves("lane", clock) else "clock"


def _hardware_twin(lab: Lab, profile: str) -> BoardConfig | None:
    """A real board of the same profile in lab.yaml (for a sim sweep's timing column)."""
    return next((c for c in lab.boards.values() if c.kind.needs_cable and c.profile == profile), None)


def measure_sim_point(config: BoardConfig, hz: int, length: int, progress) -> SweepPoint:
    point = SweepPoint(hz)
    with open_board(_sim_config(config, hz), progress=progress) as board:
        if board.manifest.dram is None:
            raise MeasurementError(f"board '{config.name}' at {hz / 1e6:g} MHz: its build has no DRAM "
                                   f"(lab.yaml boards.{config.name}.sim.dram), nothing to sweep")
        probe = DdrProbe(board)
        point.transfers_per_s = float(board.manifest.dram.transfers_per_s)
        point.peak_bytes_per_s = probe.peak
        point.build_hash = board.build_hash
        w, r = probe.write_read(length, 0, "sequential")
        point.write_bytes_per_s, point.read_bytes_per_s = w.rate_bytes_per_s, r.rate_bytes_per_s
        point.breakdown = {x.direction: x.breakdown.to_record() for x in (w, r) if x.breakdown}
        for x in (w, r):
            line = f"      where the window went: {x.breakdown.line()}" if x.breakdown else ""
            progress(f"  {hz / 1e6:g} MHz: DDR {x.direction} sequential {mb_per_s(x.rate_bytes_per_s)} MB/s "
                f"({x.efficiency * 100:.1f} % of {mb_per_s(x.peak_bytes_per_s)} MB/s)" + ("\n" + line if line else ""))
    return point


def run_ddr_sweep(lab: Lab, board_name: str, clocks: list[int], length: int = 1 << 20,
                  bitstreams: bool = False, results_dir: Path | None = None,
                  progress: Callable[[str], None] = print, sinks: Iterable[ResultsSink] = ()) -> SweepOutcome:
    config = lab.board(board_name)
    lock = lock_for_board(lab, board_name, progress, command="sweep ddr")
    results = ResultsFile(new_run_id(board_name), results_dir or lab.results_dir,
                          provenance(board_name, config.profile, None, simulated=config.kind.simulated),
                          sinks=[*sinks, HoldCheck(lock)])      # a labgrid place is re-checked between records
    results.set_section("judgement", SWEEP_JUDGES_NOTHING)
    outcome = SweepOutcome(board_name, config.profile, config.kind, [], results)
    progress(f"run {results.run_id}: DDR clock sweep of '{board_name}' at "
        + ", ".join(f"{c / 1e6:g} MHz" for c in clocks) + f"; results -> {results.path}")
    twin = config if config.kind.needs_cable else _hardware_twin(lab, config.profile)
    with lock, results:
        for hz in clocks:
            if config.kind.simulated:
                try:
                    point = measure_sim_point(config, hz, length, progress)
                except (SailbenchError, BuildError) as e:
                    point = SweepPoint(hz, error=str(e))
                    results.add_error(f"{hz / 1e6:g} MHz: {e}")
                    progress(f"  {hz / 1e6:g} MHz: {e}")
            else:
                point = SweepPoint(hz)
            if twin is not None:
                point.closes_timing, point.timing = _bitstream_verdict(twin, hz, bitstreams or not config.kind.simulated, progress)
            else:
                point.timing = f"no real board of profile '{config.profile}' in lab.yaml"
            if not config.kind.simulated:
                _fill_hardware_figures(point, config)
            outcome.points.append(point)
            results.add_record(point.to_record(board_name, config.kind))
        svg = write_sweep_svg(results.path.with_name(f"{results.run_id}-ddr-sweep.svg"), outcome)
        if svg:
            outcome.artifacts.append(svg)
        results.set_status(results.judged_status())
    return outcome


def sweep_ddr_recorded(lab: Lab, board_name: str, clocks: list[int], *, history: bool,
                       progress: Callable[[str], None] = print, **options) -> SweepOutcome:
    """run_ddr_sweep with every point also recorded in the history database (unless `history` is off)."""
    with recording(lab, history, progress) as (_, sinks):
        return run_ddr_sweep(lab, board_name, clocks, progress=progress, sinks=sinks, **options)


def _fill_hardware_figures(point: SweepPoint, config: BoardConfig) -> None:
    """Peak and DDR rate of a real board's build at this clock (from the profile: 2 transfers per
    DRAM clock, DRAM clock = ratio x sys). Measuring on hardware at a swept clock needs the loader
    to take the swept bitstream: not done yet, the rate columns stay empty."""
    from sailbench.gateware.profiles import get_profile   # profile data only (no LiteX)
    d = get_profile(config.profile).dram
    if d is not None:
        point.transfers_per_s = float(d.transfers_per_s(point.sys_clk_hz))
        point.peak_bytes_per_s = float(d.peak_bytes_per_s(point.sys_clk_hz))


def render_sweep(outcome: SweepOutcome) -> str:
    head = f"{'sys clock':>10}  {'DDR':>8}  {'peak':>10}  {'sequential':>12}  {'efficiency':>10}  closes timing"
    lines = [f"DDR clock sweep of '{outcome.board}' (profile {outcome.profile}, {outcome.kind}); "
             "sequential = lower of write and read", head]
    for p in outcome.points:
        mts = f"{p.transfers_per_s / 1e6:.0f} MT/s" if p.transfers_per_s else "-"
        peak = f"{mb_per_s(p.peak_bytes_per_s)} MB/s" if p.peak_bytes_per_s else "-"
        seq = f"{mb_per_s(p.sequential_bytes_per_s)} MB/s" if p.sequential_bytes_per_s is not None else (
            "ERROR" if p.error else "-")
        eff = f"{p.efficiency * 100:.1f} %" if p.efficiency is not None else "-"
        closes = {True: "yes", False: "NO", None: "?"}[p.closes_timing]
        lines.append(f"{p.sys_clk_hz / 1e6:>6g} MHz  {mts:>8}  {peak:>10}  {seq:>12}  {eff:>10}  {closes} ({p.timing})"
                     + (f"\n{'':>10}  MEASUREMENT FAILED: {p.error}" if p.error else ""))
    lines.append(fastest_line(outcome))
    return "\n".join(lines)


def fastest_line(outcome: SweepOutcome) -> str:
    """'fastest setting that closes timing on <profile>: X MT/s -> Y MB/s measured (sim) / Z MB/s (hardware)'."""
    closing = [p for p in outcome.points if p.closes_timing and p.transfers_per_s]
    if not closing:
        known = [p for p in outcome.points if p.closes_timing is not None]
        why = "no swept clock closes timing" if known else "no timing verdict at any swept clock (no bitstreams built)"
        return f"fastest setting that closes timing on {outcome.profile}: none known ({why})"
    best = max(closing, key=lambda p: p.sys_clk_hz)
    seq = best.sequential_bytes_per_s
    side = BoardKind(outcome.kind)
    figures = {kind: f"not measured ({kind})" for kind in BoardKind}
    if seq is not None:
        figures[side] = f"{mb_per_s(seq)} MB/s measured ({side})"
    return (f"fastest setting that closes timing on {outcome.profile}: {best.transfers_per_s / 1e6:.0f} MT/s -> "
            f"{figures[BoardKind.SIM]} / {figures[BoardKind.HARDWARE]}")


def sweep_chart(outcome: SweepOutcome) -> LineChart | None:
    pts = [p for p in outcome.points if p.transfers_per_s]
    if not pts:
        return None
    series = []
    for name, get in (("write", lambda p: p.write_bytes_per_s), ("read", lambda p: p.read_bytes_per_s)):
        s = [(p.transfers_per_s / 1e6, get(p), f"{name} at {p.transfers_per_s / 1e6:.0f} MT/s: {mb_per_s(get(p))} MB/s")
             for p in pts if get(p) is not None]
        if s:
            series.append(Series(f"{name} measured", s))
    series.append(Series("peak", [(p.transfers_per_s / 1e6, p.peak_bytes_per_s,
                                   f"peak at {p.transfers_per_s / 1e6:.0f} MT/s: {mb_per_s(p.peak_bytes_per_s)} MB/s")
                                  for p in pts], dashed=True))
    markers = [(p.transfers_per_s / 1e6, "timing fails") for p in pts if p.closes_timing is False]
    return LineChart(f"'{outcome.board}': sequential DDR rate against DDR clock", "DDR transfers (MT/s)", series,
                     markers=markers)


def write_sweep_svg(path: Path, outcome: SweepOutcome) -> Path | None:
    chart = sweep_chart(outcome)
    if chart is None:
        return None
    return write_text_atomic(Path(path), line_chart(chart) + "\n")
