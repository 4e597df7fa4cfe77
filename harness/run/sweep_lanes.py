"""The lane line-rate sweep: the simulated pair at each line rate, one at a time.

    sailbench sweep lanes --pair sim-pair --rates 1.25,2.5,3.125 [--coding 64b66b]

For each rate the pair is built (cached) with its word clock at rate / 20 and measured through the
ordinary pair run (framed payload both ways on every lane, the lane group's one window): payload
MB/s per lane (the lowest lane and direction, and the mean), against the code's ceiling. The timing
column comes from a real bitstream of the pair's profile when the build cache has one (built at that
rate if there is such a build, else the board's own, named with its rate): its lane clocks' Fmax from nextpnr
against the word clock the rate needs ("no build" otherwise). Everything
lands in results/<run-id>.json (records with probe "lane_sweep") and results/<run-id>-lane-sweep.svg.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from sailbench.gateware.profiles.lane_rates import LINE_RATES_GBPS, LineRate
from sailbench.harness.config import Lab, PairConfig
from sailbench.harness.errors import ConfigError, SailbenchError
from sailbench.harness.record.results import ResultsFile, ResultsSink, new_run_id, provenance
from sailbench.harness.report.model import write_text_atomic
from sailbench.harness.report.svg import LineChart, Series, line_chart
from sailbench.harness.units import mb_per_s

QUICK = {"payload_frames": 50, "prbs_seconds": 0.2, "link_timeout_s": 20.0}


def parse_rates(text: str) -> list[float]:
    """'1.25,2.5,3.125' -> Gb/s, in the order given, duplicates dropped; each one the probe supports."""
    out: list[float] = []
    for part in text.split(","):
        try:
            rate = float(part.strip().removesuffix("G").removesuffix("g"))
        except ValueError:
            raise ConfigError(f"--rates: '{part.strip()}' is not a line rate in Gb/s like 2.5") from None
        if rate not in LINE_RATES_GBPS:
            raise ConfigError(f"--rates: {part.strip()} Gb/s is not one of "
                              f"{', '.join(f'{r:g}' for r in LINE_RATES_GBPS)}")
        if rate not in out:
            out.append(rate)
    return out


def with_lane_rate(lab: Lab, line_rate: float | None, coding: str | None, requested: str | None = None) -> Lab:
    """`lab` with every simulated pair at this line rate and code (the --line-rate / --coding flags). A
    hardware pair keeps lab.yaml's: its boards' bitstreams are built at it (a ConfigError if `requested`
    is a hardware pair the flags would change)."""
    if line_rate is None and coding is None:
        return lab
    from sailbench.gateware.profiles.lane_rates import FIVE_G_ONLY_GBPS
    from sailbench.gateware.profiles import get_profile
    pairs = {}
    for name, p in lab.pairs.items():
        if not p.kind.simulated:
            if name == requested and (line_rate not in (None, p.line_rate) or coding not in (None, p.coding)):
                raise ConfigError(f"pair '{name}' is a hardware pair: its boards' bitstreams run lab.yaml's "
                                  f"pairs.{name}.line_rate ({p.line_rate:g} Gb/s, {p.coding}); change it there "
                                  "(the boards then rebuild) instead of --line-rate / --coding")
            pairs[name] = p
            continue
        if line_rate in FIVE_G_ONLY_GBPS and "UM5G" not in get_profile(p.profile).fpga.upper():
            raise ConfigError(f"--line-rate {line_rate:g}: pair '{name}' (profile {p.profile}) is not an ECP5-5G "
                              "part; 5 Gb/s needs one (1.25, 2.5 or 3.125 Gb/s otherwise)")
        pairs[name] = dataclasses.replace(p, line_rate=p.line_rate if line_rate is None else line_rate,
                                          coding=coding or p.coding)
    return dataclasses.replace(lab, pairs=pairs)


@dataclass
class LanePoint:
    rate: LineRate
    lane_bytes_per_s: dict[str, float] = field(default_factory=dict)   # "lane N dir" -> payload rate
    closes_timing: bool | None = None
    timing: str = "no build"
    run_id: str = ""
    error: str = ""

    @property
    def lowest(self) -> float | None:
        return min(self.lane_bytes_per_s.values()) if self.lane_bytes_per_s else None

    @property
    def mean(self) -> float | None:
        v = list(self.lane_bytes_per_s.values())
        return sum(v) / len(v) if v else None

    def to_record(self, pair: str) -> dict:
        low = self.lowest
        return {"board": pair, "probe": "lane_sweep", "kind": "sim", **self.rate.to_dict(),
                "lane_bytes_per_s": self.lane_bytes_per_s, "lowest_lane_bytes_per_s": low,
                "mean_lane_bytes_per_s": self.mean,
                "efficiency": low / self.rate.ceiling_bytes_per_s if low is not None else None,
                "closes_timing": self.closes_timing, "timing": self.timing, "pair_run": self.run_id,
                "error": self.error}


@dataclass
class LaneSweepOutcome:
    pair: str
    profile: str
    points: list[LanePoint]
    results: ResultsFile
    artifacts: list[Path] = field(default_factory=list)


def lane_timing(lab: Lab, profile: str, rate: LineRate) -> tuple[bool | None, str]:
    """(closes, text): the lane clocks of a real bitstream of `profile` in the build cache against the
    word clock `rate` needs; (None, "no build") when the cache has none."""
    from sailbench.harness.build.manifest import read_build_manifest
    boards = [c for c in lab.boards.values() if c.kind == "hardware" and c.profile == profile]
    for config in boards:
        try:
            out, built_at = _cached_build(config, rate.line_rate_gbps)
        except (SailbenchError, ValueError):       # a profile with no bitstream build (no pin map)
            continue
        if out is None:
            continue
        report = read_build_manifest(out).report
        lanes = {d: c for d, c in (report.clocks if report else {}).items() if d.startswith("lane")}
        if not lanes:
            return None, f"no build with lane clocks ('{config.name}' has none)"
        need = rate.word_clk_hz / 1e6
        short = [d for d, c in lanes.items() if (c.achieved_mhz or 0) < need]
        shown = ", ".join(f"{d} {c.achieved_mhz or 0:.1f}" for d, c in sorted(lanes.items()))
        verdict = "closes" if not short else f"{', '.join(short)} FAIL{'S' if len(short) == 1 else ''}"
        which = (f"bitstream of '{config.name}' at {built_at:g} Gb/s" if built_at == rate.line_rate_gbps else
                 f"the {built_at:g} Gb/s bitstream of '{config.name}': no build at {rate.line_rate_gbps:g} Gb/s")
        return not short, f"{shown} MHz Fmax vs {need:g} MHz needed: {verdict} ({which})"
    return None, "no build"


def _cached_build(config, line_rate_gbps: float) -> tuple[Path | None, float]:
    """The board's bitstream built at `line_rate_gbps` (`--line-rate`, gateware/soc/dcu_pll.py) if the cache has
    one, else its own bitstream (at its pair's line_rate, 1.25 Gb/s by default); (None, 0) when neither is built."""
    from sailbench.gateware.targets.ecp5_options import ecp5_build_dir
    from sailbench.gateware.profiles import ProfileError, buildable_profile
    from sailbench.harness.build.bitstream import bitstream_dir, ecp5_options
    from sailbench.harness.build.cache import build_root
    default = config.lane_line_rate
    if line_rate_gbps != default:
        options = dataclasses.replace(ecp5_options(config), line_rate_gbps=line_rate_gbps)
        try:
            out = ecp5_build_dir(build_root(), buildable_profile(config.profile), options)[0]
        except ProfileError:              # no pin map: bitstream_dir below says so as a BuildError
            out = None
        if out is not None and (out / "sailbench.json").is_file():
            return out, line_rate_gbps
    out = bitstream_dir(config)
    return (out, default) if (out / "sailbench.json").is_file() else (None, 0.0)


def _measure(lab: Lab, pair: PairConfig, rate: LineRate, results_dir: Path | None,
             progress: Callable[[str], None]) -> LanePoint:
    from sailbench.harness.run.pair.runner import PairRun, PairSettings
    point = LanePoint(rate)
    at_rate = dataclasses.replace(pair, line_rate=rate.line_rate_gbps, coding=rate.coding)
    one = dataclasses.replace(lab, pairs={pair.name: at_rate})
    run = PairRun(one, pair.name, PairSettings(placement="strict", results_dir=results_dir, **QUICK),
                  progress=progress).start()
    result = run.wait_until_complete(1800)
    point.run_id = result.run_id
    for r in result.lane_rates:
        point.lane_bytes_per_s[f"lane {r.lane} {r.direction}"] = r.rate_bytes_per_s
    if not point.lane_bytes_per_s:
        point.error = f"no lane measured ({result.link_wait.reason if result.link_wait else 'no link wait'})"
    return point


def run_lane_sweep(lab: Lab, pair_name: str, rates: list[float], coding: str | None = None,
                   results_dir: Path | None = None, progress: Callable[[str], None] = print,
                   sinks: Iterable[ResultsSink] = ()) -> LaneSweepOutcome:
    pair = lab.pair(pair_name)
    if not pair.kind.simulated:
        raise ConfigError(f"sweep lanes: pair '{pair_name}' is kind {pair.kind}; the lane sweep measures a "
                          "simulated pair (a hardware pair needs a bitstream per rate: see docs/lane_probe.md)")
    coding = coding or pair.coding
    results = ResultsFile(new_run_id(pair_name), results_dir or lab.results_dir,
                          provenance(pair_name, pair.profile, None, simulated=True), sinks=sinks)
    outcome = LaneSweepOutcome(pair_name, pair.profile, [], results)
    progress(f"run {results.run_id}: lane line-rate sweep of '{pair_name}' ({coding}) at "
             + ", ".join(f"{r:g} Gb/s" for r in rates) + f"; results -> {results.path}")
    with results:
        for gbps in rates:
            rate = LineRate(gbps, coding)
            try:
                point = _measure(lab, pair, rate, results_dir, progress)
            except SailbenchError as e:
                point = LanePoint(rate, error=str(e))
                results.add_error(f"{rate.label}: {e}")
            point.closes_timing, point.timing = lane_timing(lab, pair.profile, rate)
            if point.lowest is not None:
                progress(f"  {rate.label}: lowest lane {mb_per_s(point.lowest)} MB/s of {mb_per_s(rate.ceiling_bytes_per_s)}"
                         f" (sim); timing: {point.timing}")
            outcome.points.append(point)
            results.add_record(point.to_record(pair_name))
        svg = write_lane_sweep_svg(results.path.with_name(f"{results.run_id}-lane-sweep.svg"), outcome)
        if svg:
            outcome.artifacts.append(svg)
        results.set_status("passed" if all(not p.error for p in outcome.points) else "measurement failed")
    return outcome


def render_lane_sweep(outcome: LaneSweepOutcome) -> str:
    head = (f"{'line rate':>10}  {'code':>6}  {'word clock':>10}  {'ceiling':>12}  {'lowest lane':>12}  "
            f"{'mean lane':>12}  {'of ceiling':>10}  lane clock timing")
    lines = [f"lane line-rate sweep of '{outcome.pair}' (profile {outcome.profile}, simulated pair: figures (sim)); "
             "payload MB/s per lane and direction", head]
    for p in outcome.points:
        low, mean = p.lowest, p.mean
        cells = (f"{mb_per_s(low)} MB/s" if low is not None else "ERROR", f"{mb_per_s(mean)} MB/s" if mean else "-",
                 f"{low / p.rate.ceiling_bytes_per_s * 100:.1f} %" if low is not None else "-")
        lines.append(f"{p.rate.line_rate_gbps:>6g} Gb/s  {p.rate.coding:>6}  {p.rate.word_clk_hz / 1e6:>6.2f} MHz  "
                     f"{mb_per_s(p.rate.ceiling_bytes_per_s) + ' MB/s':>12}  {cells[0]:>12}  {cells[1]:>12}  "
                     f"{cells[2]:>10}  {p.timing}" + (f"  [{p.error}]" if p.error else ""))
    return "\n".join(lines)


def lane_sweep_chart(outcome: LaneSweepOutcome) -> LineChart | None:
    pts = [p for p in outcome.points if p.lowest is not None]
    if not pts:
        return None
    x = lambda p: p.rate.line_rate_gbps  # noqa: E731
    series = [
        Series("lowest lane (sim)", [(x(p), p.lowest, f"{p.rate.label}: lowest lane {mb_per_s(p.lowest)} MB/s")
                                     for p in pts]),
        Series("ceiling", [(x(p), p.rate.ceiling_bytes_per_s, f"{p.rate.label}: ceiling "
                            f"{mb_per_s(p.rate.ceiling_bytes_per_s)} MB/s") for p in pts], dashed=True),
    ]
    markers = [(x(p), "lane clock fails") for p in pts if p.closes_timing is False]
    return LineChart(f"'{outcome.pair}': payload per lane against line rate ({pts[0].rate.coding})",
                     "line rate (Gb/s)", series, markers=markers)


def write_lane_sweep_svg(path: Path, outcome: LaneSweepOutcome) -> Path | None:
    chart = lane_sweep_chart(outcome)
    return None if chart is None else write_text_atomic(Path(path), line_chart(chart) + "\n")
