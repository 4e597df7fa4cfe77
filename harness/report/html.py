"""One self-contained HTML page per run: readable offline, no scripts, no network.

Per board: outcome and health, the figures table (measured, peak, constant,
verdict, change against the history baseline), rates against ceilings and
constants, the host-link payload sweep when the run has one, the history
trend per probe, then every verdict, invariant, comparison and error
message, and the provenance. Rates are stored in bytes/s and shown in MB/s.
Each shown figure carries `data-figure="probe/direction/pattern/size"` so a
test can check the rendered page against the results file.
"""
from __future__ import annotations

import dataclasses
import re
from collections import defaultdict
from html import escape
from pathlib import Path
from typing import Any

from sailbench.gateware.profiles.dram_jedec import timings_text
from sailbench.harness.judge.regression import figure_key, size_text
from sailbench.harness.report.model import BoardReport, RunReport
from sailbench.harness.report.leveling import CSS as EYE_CSS, leveling_for_results
from sailbench.harness.report.svg import Bar, LineChart, Series, bar_chart, line_chart, line_charts
from sailbench.harness.report.sweep import sweep_chart, sweep_points
from sailbench.harness.units import mb_per_s, percent, ratio_text

CSS = """
body { font-family: sans-serif; margin: 1.5em auto; max-width: 1100px; color: #222; line-height: 1.4; }
h1 { font-size: 1.5em; } h2 { font-size: 1.25em; border-bottom: 1px solid #ccc; margin-top: 2em; }
h3 { font-size: 1.05em; margin-top: 1.4em; }
table { border-collapse: collapse; margin: 0.6em 0; }
th, td { border: 1px solid #ddd; padding: 3px 8px; text-align: left; vertical-align: top; }
th { background: #f3f3f3; } td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 9px; color: #fff; font-weight: bold; }
.passed { background: #2e7d32; } .verdicts { background: #b26a00; } .measurement { background: #c62828; }
.infrastructure { background: #6a1b9a; } .harness { background: #37474f; } .quarantined { background: #5d4037; }
.bad { color: #c62828; font-weight: bold; } .good { color: #2e7d32; } .muted { color: #777; }
ul.messages li { margin: 0.2em 0; } code { background: #f5f5f5; padding: 0 3px; }
svg.plot { display: block; margin: 0.8em 0; max-width: 100%; height: auto; }
"""


def _badge(outcome: str, text: str) -> str:
    return f'<span class="badge {escape(outcome)}">{escape(text)}</span>'


def figure_id(key: Any) -> str:
    parts = [key.probe, key.direction or "-", key.pattern or "-", str(key.size_bytes or "-")]
    return "/".join(parts)


def pair_total_as_figure(rec: dict[str, Any]) -> dict[str, Any]:
    """A pair's judged total per direction (`total_bytes_per_s`, the INTERCARD figure) as a table row: its
    rate, and the lanes' summed ceiling; other records unchanged."""
    total, lanes = rec.get("total_bytes_per_s"), rec.get("lanes_measured") or []
    if rec.get("probe") != "pair" or not isinstance(total, (int, float)) or not lanes:
        return rec
    ceiling = rec.get("lane_ceiling_bytes_per_s")
    return {**rec, "rate_bytes_per_s": total, "quantity": f"total of {len(lanes)} lanes",
            "ceiling_bytes_per_s": ceiling * len(lanes) if ceiling else None}


def _figures(data: dict[str, Any]) -> list[tuple[Any, dict[str, Any]]]:
    """(key, record) of each figure, sweep points left out (the sweep section shows them)."""
    out = []
    board = data.get("provenance", {}).get("board")
    for rec in map(pair_total_as_figure, data.get("records", [])):
        key = figure_key(rec, board)
        if key is not None and key.pattern != "sweep":
            out.append((key, rec))
    return out


def _verdict_for(data: dict[str, Any], rec: dict[str, Any]) -> dict[str, Any] | None:
    """The verdict that names this record by its id (results files record it since verdicts carry `record`)."""
    rid = rec.get("id")
    for v in data.get("verdicts", []):
        if rid is not None and v.get("record") == rid:
            return v
    return None


def _sim(entry: dict[str, Any]) -> str:
    return " (sim)" if entry.get("simulated") else ""


def _verdict_cell(v: dict[str, Any]) -> str:
    name = v.get("verdict", "")
    if name == "not judged":
        text, cls = f"not judged ({v.get('reason') or 'see the message'})", "muted"
    else:
        text, cls = (name if name == "holds" else name.upper()), ("good" if name == "holds" else "bad")
    return f'<span class="{cls}">{escape(text + _sim(v))}</span>'


def _comparison_for(data: dict[str, Any], key: Any) -> dict[str, Any] | None:
    for c in data.get("comparisons", []):
        if (c.get("probe"), c.get("direction"), c.get("pattern"), c.get("size_bytes")) == \
                (key.probe, key.direction, key.pattern, key.size_bytes):
            return c
    return None


def _ceiling(rec: dict[str, Any]) -> float | None:
    return rec.get("peak_bytes_per_s") or rec.get("ceiling_bytes_per_s")


def _peak_cell(rec: dict[str, Any], ceiling: float | None) -> str:
    """The ceiling; a DDR figure's also says which DRAM timings it was measured with and where from."""
    if not ceiling:
        return "-"
    timings = timings_text(rec.get("dram_timings"))
    return mb_per_s(ceiling) + (f'<br><span class="muted">{escape(timings)}</span>' if timings else "")


def _short(constant: str) -> str:
    return constant.removesuffix("_BW_BYTES_PER_SEC")


def _figures_table(data: dict[str, Any]) -> str:
    rows = []
    for key, rec in _figures(data):
        rate = rec["rate_bytes_per_s"]
        ceiling = _ceiling(rec)
        verdict = _verdict_for(data, rec)
        comp = _comparison_for(data, key)
        spread = ""
        if rec.get("min_rate_bytes_per_s") is not None and rec.get("max_rate_bytes_per_s") is not None:
            spread = (f'<span class="muted"> ({mb_per_s(rec["min_rate_bytes_per_s"])}&ndash;'
                      f'{mb_per_s(rec["max_rate_bytes_per_s"])}, {rec.get("repeats", "?")} repeats)</span>')
        simulated = bool(rec.get("simulated") or key.simulated)
        label = dataclasses.replace(key, simulated=None).label       # "(simulated)" once, muted, below
        cells = [
            escape(label) + (' <span class="muted">(simulated)</span>' if simulated else ""),
            f'<span class="rate" data-figure="{escape(figure_id(key))}" data-bytes-per-s="{rate!r}">'
            f'{mb_per_s(rate)}</span>{spread}',
            _peak_cell(rec, ceiling),
            percent(rate / ceiling) if ceiling else "-",
        ]
        if verdict:
            cells += [f'{escape(_short(verdict["constant"]))} {mb_per_s(verdict["constant_bytes_per_s"])}',
                      ratio_text(verdict["ratio"]), _verdict_cell(verdict)]
        else:
            cells += ["-", "-", "-"]
        errors = rec.get("errors")
        cells.append(f'<span class="bad">{errors}</span>' if errors else ("0" if errors == 0 else "-"))
        if comp is None:
            cells.append('<span class="muted">no history</span>')
        elif comp["status"] == "baseline":
            cells.append('<span class="muted">new baseline</span>')
        else:
            cls = "bad" if comp["status"] == "regressed" else "good"
            cells.append(f'<span class="{cls}" data-baseline-bytes-per-s="{comp["baseline_bytes_per_s"]!r}">'
                         f'{comp["change"] * 100:+.1f} % vs {mb_per_s(comp["baseline_bytes_per_s"])}'
                         f'{" REGRESSED" if comp["status"] == "regressed" else ""}</span>')
        nums = (1, 2, 3, 5, 7)
        rows.append("<tr>" + "".join(f'<td class="num">{c}</td>' if i in nums else f"<td>{c}</td>"
                                     for i, c in enumerate(cells)) + "</tr>")
    if not rows:
        return '<p class="muted">No figures were measured.</p>'
    head = ("<tr><th>quantity</th><th>measured MB/s</th><th>peak MB/s</th><th>efficiency</th>"
            "<th>scheduler constant MB/s</th><th>ratio</th><th>verdict</th><th>errors</th>"
            "<th>vs history baseline</th></tr>")
    return f'<table class="figures">{head}{"".join(rows)}</table>'


def _rates_plot(data: dict[str, Any], board: str) -> str:
    bars = []
    for key, rec in _figures(data):
        verdict = _verdict_for(data, rec)
        bars.append(Bar(label=key.label, value=rec["rate_bytes_per_s"], ceiling=_ceiling(rec),
                        constant=verdict["constant_bytes_per_s"] if verdict else None,
                        constant_label=_short(verdict["constant"]) if verdict else "", key=figure_id(key)))
    return bar_chart(bars, f"'{board}': measured rates against ceilings and scheduler constants") if bars else ""


def _sweep_section(data: dict[str, Any], board: str) -> str:
    chart = sweep_chart(data, board)
    if chart is None:
        return ""
    rows = []
    pattern = "sweep" if any(r.get("sweep") for r in data.get("records", [])) else "-"
    for direction, pts in sweep_points(data).items():
        for p, r, c in pts:
            rows.append(f'<tr><td>{escape(direction)}</td><td class="num">{p}</td><td class="num">'
                        f'<span class="rate" data-figure="hostlink/{escape(direction)}/{pattern}/{p}" '
                        f'data-bytes-per-s="{r!r}">{mb_per_s(r)}</span></td>'
                        f'<td class="num">{mb_per_s(c) if c else "-"}</td>'
                        f'<td class="num">{percent(r / c) if c else "-"}</td></tr>')
    table = ("<table class=\"sweep\"><tr><th>direction</th><th>payload B</th><th>measured MB/s</th>"
             f"<th>ceiling MB/s</th><th>efficiency</th></tr>{''.join(rows)}</table>")
    return f"<h3>Host-link payload sweep</h3>{line_chart(chart)}{table}"


def _trend_section(board: BoardReport) -> str:
    if not board.trend:
        return ""
    runs: list[str] = []
    for row in board.trend:
        if row["run_id"] not in runs:
            runs.append(row["run_id"])
    index = {run: i + 1 for i, run in enumerate(runs)}
    when = {row["run_id"]: (row["time_iso"] or "")[5:16].replace("T", " ") for row in board.trend}
    if len(set(when.values())) < len(when):          # runs within one minute: their ticks say the second too
        when = {row["run_id"]: (row["time_iso"] or "")[5:19].replace("T", " ") for row in board.trend}
    build_at: dict[str, str | None] = {row["run_id"]: row["build_hash"] for row in board.trend}
    markers, previous = [], None
    for run in runs:
        if build_at[run] != previous:
            markers.append((float(index[run]), f"build {build_at[run] or '?'}"))
            previous = build_at[run]
    step = max(1, len(runs) // 10)
    x_ticks = [(float(index[r]), when[r]) for r in runs[::step]]
    by_probe: dict[str, dict[str, list[tuple[float, float, str]]]] = defaultdict(lambda: defaultdict(list))
    order: dict[str, tuple[str, str, int]] = {}     # legend order: direction, pattern, then size as a number
    for row in board.trend:
        label = " ".join(p for p in (row["direction"], row["pattern"], size_text(row["size_bytes"])) if p)
        if row.get("simulated"):          # a simulated figure says so, in the legend and the point's title
            label = f"{label or row['probe']} (sim)"
        order[label or row["probe"]] = (row["direction"] or "", row["pattern"] or "", row["size_bytes"] or 0)
        by_probe[row["probe"]][label or row["probe"]].append(
            (float(index[row["run_id"]]), row["rate_bytes_per_s"],
             f"{row['run_id']} ({row['build_hash']}): {label} {mb_per_s(row['rate_bytes_per_s'])} MB/s"))
    parts = ["<h3>History</h3>",
             f'<p class="muted">Figures of the last {len(runs)} runs on this board from the history database; '
             "dotted lines mark a new build hash (a new baseline).</p>"]
    for probe, series in sorted(by_probe.items()):
        name = probe.upper() if probe == "ddr" else probe
        sim = " (sim)" if any(r.get("simulated") for r in board.trend if r["probe"] == probe) else ""
        chart = LineChart(f"'{board.board}': {name} history{sim}", "run (oldest to newest)",
                          [Series(label, series[label]) for label in sorted(series, key=order.__getitem__)],
                          x_ticks=x_ticks,
                          markers=markers)
        parts.append(line_charts(chart))                  # small multiples past PALETTE's colours
    return "".join(parts)


def _messages(data: dict[str, Any]) -> str:
    items = []
    for v in data.get("verdicts", []):
        cls = {"holds": "good", "not judged": "muted"}.get(v.get("verdict", ""), "bad")
        sim = " (simulated board: not a hardware figure)" if v.get("simulated") else ""
        items.append(f'<li class="{cls}">{escape(v.get("message", "") + sim)}</li>')
    for i in data.get("invariants", []):
        cls = "muted" if i.get("not_judged") else "good" if i.get("holds") else "bad"
        sim = " (simulated board: not a hardware figure)" if i.get("simulated") else ""
        items.append(f'<li class="{cls}">{escape(i.get("message", "") + sim)}</li>')
    for c in data.get("comparisons", []):
        cls = "bad" if c.get("status") == "regressed" else "muted"
        items.append(f'<li class="{cls}">{escape(c.get("message", ""))}</li>')
    for e in data.get("errors", []):
        kind = f'{e["type"]}: ' if e.get("type") else ""
        items.append(f'<li class="bad">{escape(kind + str(e.get("message", "")))}</li>')
    return f'<h3>Verdicts, invariants, history, errors</h3><ul class="messages">{"".join(items)}</ul>' if items else ""


def _measured_invariants(data: dict[str, Any]) -> str:
    """The invariants on measured values across runs (record/measured.py), each figure naming its run."""
    m = data.get("measured_invariants")
    if not m:
        return ""
    where = f"profile '{m.get('profile')}', {'simulated' if m.get('simulated') else 'hardware'} figures"
    if m.get("missing"):
        names = ", ".join(c.removesuffix("_BW_BYTES_PER_SEC") for c in m["missing"])
        body = f'<p class="muted">Not judged: the history holds no measured {escape(names)} for this profile yet.</p>'
    else:
        items = [f'<li class="muted">{escape(s)}</li>' for s in m.get("sources", [])]
        items += [f'<li class="{"good" if i.get("holds") else "bad"}">{escape(i.get("message", ""))}</li>'
                  for i in m.get("invariants", [])]
        body = f'<ul class="messages">{"".join(items)}</ul>'
    return (f"<h3>Invariants on measured values across runs ({escape(where)})</h3>"
            f'<p class="muted">A report from the history; it does not change this run\'s outcome.</p>{body}')


def _provenance(data: dict[str, Any]) -> str:
    prov = data.get("provenance", {})
    rows = [("run", data.get("run_id")), ("status", data.get("status")), ("started", data.get("started")),
            ("finished", data.get("finished"))]
    rows += [(k, prov.get(k)) for k in ("board", "simulated", "profile", "gateware_hash", "identifier", "port", "build_dir",
                                         "constants_source", "git", "host")]
    tools = prov.get("tools") or {}
    rows.append(("tools", ", ".join(f"{k} {v}" for k, v in tools.items() if v)))
    body = "".join(f"<tr><th>{escape(k)}</th><td>{escape(str(v)) if v is not None else '-'}</td></tr>"
                   for k, v in rows)
    return f"<details><summary>Provenance</summary><table>{body}</table></details>"


def _board_section(board: BoardReport, report_dir: Path | None) -> str:
    parts = [f'<section class="board" id="board-{escape(board.board)}">',
             f"<h2>Board '{escape(board.board)}' {_badge(board.outcome, board.outcome_text)}</h2>"]
    if board.message:
        parts.append(f"<p>{escape(board.message)}</p>")
    if board.health:
        parts.append(f"<p><b>Health check:</b> {escape(board.health)}</p>")
    if (board.results or {}).get("provenance", {}).get("simulated"):
        parts.append('<p class="simulated"><b>Simulated:</b> every figure below comes from a simulation, '
                     "not from hardware; verdicts are marked (sim).</p>")
    data = board.results
    if board.results_path:
        shown = board.results_path
        if report_dir is not None:
            try:
                shown = str(Path(board.results_path).resolve().relative_to(report_dir.resolve()))
            except ValueError:
                pass
        parts.append(f'<p>Results file: <a href="{escape(shown)}">{escape(board.results_path)}</a></p>')
    if data:
        parts += [_figures_table(data), _rates_plot(data, board.board), _sweep_section(data, board.board),
                  leveling_for_results(data)]
    parts.append(_trend_section(board))
    if data:
        parts += [_messages(data), _measured_invariants(data), _provenance(data)]
    parts.append("</section>")
    return "\n".join(p for p in parts if p)


CROSS_RUN_HEAD = "invariants on measured values across runs"
_STATE_CLASS = (("holds", "good"), ("BROKEN", "bad"), ("not judged", "muted"))


def _notes(notes: list[str]) -> str:
    """The run's notes under the summary table. The nightly's cross-run invariants (record/measured.py
    lines(): a head line, then its figures and one `holds`/`BROKEN` line per invariant) become a list
    coloured by state; other notes stay paragraphs."""
    parts: list[str] = []
    items: list[str] | None = None

    def close() -> None:
        if items is not None:
            parts.append(f'<ul class="messages cross-run">{"".join(items)}</ul>')

    for note in notes:
        if note.startswith(CROSS_RUN_HEAD):
            close()
            parts.append(f"<h3>{escape(note[0].upper() + note[1:].rstrip(':'))}</h3>")
            items = []
        elif items is not None and note.startswith("  "):
            text = note.strip()
            cls = next((c for state, c in _STATE_CLASS if text.startswith(state)), "muted")
            state = next((state for state, _ in _STATE_CLASS if text.startswith(state)), "")
            body = text[len(state):].strip().removeprefix(": ") if state else text
            body = re.sub(r"^(.*?) (?:holds|is BROKEN): ", r"\1: ", body)     # the state once, in front
            badge = f'<b class="{cls}">{escape(state)}</b> ' if state else ""
            items.append(f'<li class="{cls}" data-state="{escape(state or "source")}">{badge}{escape(body)}</li>')
        else:
            close()
            items = None
            parts.append(f"<p>{escape(note)}</p>")
    close()
    return "".join(parts)


def render_html(report: RunReport, report_dir: Path | None = None) -> str:
    """The whole page. `report_dir` makes links to results files relative to where the page is written."""
    summary_rows = "".join(
        f'<tr><td><a href="#board-{escape(b.board)}">{escape(b.board)}</a></td>'
        f"<td>{_badge(b.outcome, b.outcome_text)}</td><td>{escape(b.message)}</td>"
        f'<td class="num">{"" if b.duration_s is None else f"{b.duration_s:.1f} s"}</td></tr>'
        for b in report.boards)
    exit_line = ""
    if report.exit_code is not None:
        exit_line = (f"<p>Exit status <b>{report.exit_code}</b>"
                     f"{': ' + escape(report.exit_meaning) if report.exit_meaning else ''}.</p>")
    notes = _notes(report.notes)
    body = "\n".join(_board_section(b, report_dir) for b in report.boards)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(report.title)}</title>
<style>{CSS}{EYE_CSS}</style></head>
<body>
<h1>{escape(report.title)}</h1>
<p class="muted">{escape(report.kind)} run <code>{escape(report.run_id)}</code>, started {escape(report.started)}
{(", finished " + escape(report.finished)) if report.finished else ""}. Rates in MB/s (10^6 bytes/s).</p>
{exit_line}
<table class="summary"><tr><th>board</th><th>outcome</th><th>why</th><th>took</th></tr>{summary_rows}</table>
{notes}
{body}
</body></html>
"""
