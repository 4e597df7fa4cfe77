"""The host-link payload sweep, drawn once: goodput against UDP payload size per direction, with
the ceiling at each measured size and the HOST_LINK constant. The HTML report embeds it; the
bench writes it alone as results/<run-id>-hostlink-sweep.svg. Both draw from the results
document with report/svg.py's line chart."""
from __future__ import annotations

import statistics
from collections import defaultdict
from pathlib import Path
from typing import Any

from sailbench.harness.report.model import write_text_atomic
from sailbench.harness.report.svg import PALETTE, LineChart, Series, line_chart
from sailbench.harness.units import mb_per_s


def sweep_points(data: dict[str, Any]) -> dict[str, list[tuple[int, float, float | None]]]:
    """Host-link records with a payload size: direction -> [(payload, rate, ceiling)], one point per payload
    (the summary record if there is one, else the median of the passes). The sweep's records (`sweep`)
    when the run has a sweep, else every host-link record with a payload."""
    hostlink = [r for r in data.get("records", []) if r.get("probe") == "hostlink"
                and isinstance(r.get("payload_bytes"), int) and isinstance(r.get("rate_bytes_per_s"), (int, float))]
    swept = [r for r in hostlink if r.get("sweep")]
    groups: dict[tuple[str, int], list[dict[str, Any]]] = defaultdict(list)
    for rec in swept or hostlink:
        groups[(rec.get("direction") or "-", rec["payload_bytes"])].append(rec)
    out: dict[str, list[tuple[int, float, float | None]]] = defaultdict(list)
    for (direction, payload), recs in sorted(groups.items()):
        summaries = [r for r in recs if r.get("summary")]
        use = summaries or recs
        rate = statistics.median(r["rate_bytes_per_s"] for r in use)
        ceilings = [r["ceiling_bytes_per_s"] for r in use if isinstance(r.get("ceiling_bytes_per_s"), (int, float))]
        out[direction].append((payload, rate, statistics.median(ceilings) if ceilings else None))
    return dict(out)


def sweep_chart(data: dict[str, Any], board: str) -> LineChart | None:
    """The sweep's chart (None when the results hold no host-link figure with a payload size)."""
    points = sweep_points(data)
    if not points:
        return None
    series = []
    for i, (direction, pts) in enumerate(points.items()):
        color = PALETTE[i % len(PALETTE)]
        series.append(Series(f"{direction} measured", [(p, r, f"{direction} {p} B: {mb_per_s(r)} MB/s")
                                                       for p, r, _ in pts], color=color))
        ceil = [(p, c, f"{direction} {p} B ceiling: {mb_per_s(c)} MB/s") for p, _, c in pts if c]
        if ceil:
            series.append(Series(f"{direction} ceiling", ceil, dashed=True, color=color))
    hlines = [(v["constant_bytes_per_s"],
               f'{v["constant"].removesuffix("_BW_BYTES_PER_SEC")} {mb_per_s(v["constant_bytes_per_s"])} MB/s')
              for v in data.get("verdicts", []) if v.get("constant", "").startswith("HOST_LINK")][:1]
    return LineChart(f"'{board}': host-link goodput against payload size", "UDP payload (bytes)", series,
                     hlines=hlines)


def write_sweep_svg(path: Path, data: dict[str, Any], board: str) -> Path | None:
    """The sweep alone as an SVG file, written whole or not at all; None (nothing written) when the
    results hold no sweep."""
    chart = sweep_chart(data, board)
    if chart is None:
        return None
    return write_text_atomic(Path(path), line_chart(chart) + "\n")
