"""What `sailbench pair` prints: the lane/pair table (harness/report/table.py) and the lines under it."""
from __future__ import annotations

from sailbench.harness.judge.pair import DESIGN_LANES, DOWNSTREAM_TO_UPSTREAM, UPSTREAM_TO_DOWNSTREAM
from sailbench.harness.record.outcome import run_outcome
from sailbench.harness.report.model import load_results
from sailbench.harness.run.pair.runner import PairResult
from sailbench.harness.report.table import TableRow, render_table

SHORT = {UPSTREAM_TO_DOWNSTREAM: "up->down", DOWNSTREAM_TO_UPSTREAM: "down->up"}


def render_pair(result: PairResult, *, header: bool = True) -> str:
    """The pair's table and the lines under it; `header=False` leaves out the placement and link-wait
    lines (for a caller whose progress lines said them already)."""
    rows: list[TableRow] = []
    ceiling = result.line_rate.ceiling_bytes_per_s
    ceiling = result.line_rate.ceiling_bytes_per_s
    for r in sorted(result.lane_rates, key=lambda r: (r.direction, r.lane)):
        rows.append(TableRow(f"lane {r.lane} {SHORT[r.direction]} payload", r.rate_bytes_per_s, r.ceiling_bytes_per_s,
                             simulated=result.simulated))
    for j in result.judgements:
        n = len(j.lanes_measured)
        how = "one window" if j.one_window else "separate windows"
        rows.append(TableRow(f"pair {SHORT[j.direction]} ({n} of {DESIGN_LANES} lanes, {how})",
                             j.total_bytes_per_s, n * ceiling, j.verdict.constant,
                             j.verdict.constant_bytes_per_s, j.verdict.label, simulated=result.simulated))
        if j.per_lane_bytes_per_s is not None:
            rows.append(TableRow(f"pair {SHORT[j.direction]} PER LANE (mean of {n})", j.per_lane_bytes_per_s,
                                 ceiling, j.verdict.constant, j.per_lane_share_bytes_per_s,
                                 "per-lane share (reported)", simulated=result.simulated))
        if j.projection_bytes_per_s is not None:
            rows.append(TableRow(f"pair {SHORT[j.direction]} {DESIGN_LANES}-lane PROJECTION (not measured)",
                                 j.projection_bytes_per_s, DESIGN_LANES * ceiling))
    lines = [result.placement_text, f"lanes at {result.line_rate.label}: ceiling {ceiling / 1e6:.1f} MB/s per lane "
             "and direction"] if header else []
    if result.link_wait is not None and header:
        lines.append(f"link-ready wait: {result.link_wait.status}: {result.link_wait.reason} "
                     f"({result.link_wait.waited_s:.2f} s)")
        down = [i for i in result.link_wait.lanes if i not in result.link_wait.lanes_up]
        if down:
            lines.append("link fault: " + ", ".join(f"lane {i} down" for i in down))
    if rows:
        lines += ["", render_table(rows)] if lines else [render_table(rows)]
    for c in result.word_clocks:
        if c.get("side") != "rx":
            continue
        sim = " (sim)" if result.simulated else ""
        if c.get("measured_hz"):
            state = "OK" if c["within_tolerance"] else "OFF NOMINAL"
            lines.append(f"lane {c['lane']} {c['role']} RX word clock measured {c['measured_hz'] / 1e6:.4f} "
                         f"± {c.get('uncertainty_hz', 0) / 1e6:.4f} MHz{sim} "
                         f"vs nominal {c['nominal_hz'] / 1e6:.4f} MHz ({c['deviation'] * 100:+.3f} %, tolerance "
                         f"±{c['tolerance'] * 100:.2f} %, {c['word_cycles']} word / {c['sys_cycles']} sys cycles): "
                         f"{state}")
        else:
            lines.append(f"lane {c['lane']} {c['role']} RX word clock NOMINAL {c['nominal_hz'] / 1e6:.4f} MHz "
                         "(not counted: the build has no lane group)")
    for b in sorted(result.bers, key=lambda b: (b.direction, b.lane)):
        lines.append(f"lane {b.lane} {SHORT[b.direction]} {b.pattern} BER {b.text()} "
                     f"at {b.line_rate_bps / 1e9:.3f} Gb/s tested")
    for j in result.judgements:
        lines.append(j.message)
    steps = result.steps
    if "ident" in steps:
        for role, ident in steps["ident"].items():
            lines.append(f"{role}: {ident}")
    for r in result.ranks:
        lines.append(r.text().splitlines()[0])
    lines.append(f"results: {result.results_path}")
    return "\n".join(lines)


def exit_code(result: PairResult) -> int:
    """The one outcome rule (record/outcome.py) on the pair's results file."""
    return run_outcome(load_results(result.results_path)).exit_code
