"""Inline SVG plots for the HTML report: no scripts, no fonts or files to fetch.

Values come in as bytes/s and are drawn in MB/s. Every plotted number is
also written as text (labels, <title> tooltips), so the plot can be read
without hovering and checked in a rendered page.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from html import escape

from sailbench.harness.units import MB, mb_per_s

# Eight colours told apart on screen and in print (Okabe-Ito's colour-blind safe set, yellow darkened);
# a chart never gets more series than this: line_charts() splits them into small multiples.
# Okabe-Ito hues; sky blue late, so charts of up to six lines never put two blues side by side
PALETTE = ("#0072b2", "#d55e00", "#009e73", "#cc79a7", "#b8860b", "#000000", "#56b4e9", "#8c564b")
CEILING_COLOR = "#444444"
CONSTANT_COLOR = "#d62728"
FONT = 'font-family="sans-serif" font-size="12"'
CHAR_W = 7      # a generous width of one 12 px sans-serif character, for laying out labels


def nice_ticks(top: float, count: int = 5) -> list[float]:
    """Round tick values from 0 to at least `top` (1, 2, 5 x 10^k steps)."""
    if top <= 0 or not math.isfinite(top):
        return [0.0, 1.0]
    raw = top / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    ticks = [0.0]
    while ticks[-1] < top - 1e-9 * top:
        ticks.append(round(ticks[-1] + step, 10))
    return ticks


def _text(x: float, y: float, text: str, anchor: str = "start", extra: str = "") -> str:
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" {FONT} {extra}>{escape(text)}</text>'


@dataclass
class Bar:
    label: str
    value: float                         # bytes/s
    ceiling: float | None = None         # bytes/s: the physical peak for this quantity
    constant: float | None = None        # bytes/s: the scheduler constant it is judged against
    constant_label: str = ""
    key: str = ""                        # data-figure key, for checking the rendered page


def bar_chart(bars: list[Bar], title: str) -> str:
    """Horizontal bars (measured) with the ceiling (grey tick) and the scheduler constant (red dashes)."""
    left = max(120, CHAR_W * max((len(b.label) for b in bars), default=0) + 16)
    plot_w, right, row_h, top = 440, 110, 30, 34
    width = left + plot_w + right
    height = top + row_h * len(bars) + 58
    ref = [b.value for b in bars] + [b.ceiling or 0 for b in bars] + [b.constant or 0 for b in bars]
    ticks = nice_ticks(max(ref + [1.0]) / MB)
    scale = plot_w / (ticks[-1] * MB)
    out = [f'<svg class="plot bars" role="img" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
           f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>',
           _text(left, 18, title, extra='font-weight="bold"')]
    axis_y = top + row_h * len(bars)
    for t in ticks:
        x = left + t * MB * scale
        out.append(f'<line x1="{x:.1f}" y1="{top - 4}" x2="{x:.1f}" y2="{axis_y}" stroke="#e4e4e4"/>')
        out.append(_text(x, axis_y + 16, f"{t:g}", "middle"))
    out.append(_text(left + plot_w / 2, axis_y + 32, "MB/s (10^6 bytes/s)", "middle"))
    for i, b in enumerate(bars):
        y = top + i * row_h
        w = max(b.value * scale, 0.5)
        out.append(_text(left - 8, y + row_h / 2 + 4, b.label, "end"))
        out.append(f'<rect x="{left}" y="{y + 6}" width="{w:.1f}" height="{row_h - 12}" fill="{PALETTE[0]}">'
                   f'<title>{escape(b.label)}: {mb_per_s(b.value)} MB/s</title></rect>')
        out.append(_text(left + plot_w + 10, y + row_h / 2 + 4, f"{mb_per_s(b.value)} MB/s",
                         extra=f'class="value" data-figure="{escape(b.key)}"'))
        if b.ceiling:
            x = left + b.ceiling * scale
            out.append(f'<line x1="{x:.1f}" y1="{y + 2}" x2="{x:.1f}" y2="{y + row_h - 2}" '
                       f'stroke="{CEILING_COLOR}" stroke-width="3"><title>peak {mb_per_s(b.ceiling)} MB/s'
                       f'</title></line>')
        if b.constant:
            x = left + b.constant * scale
            out.append(f'<line x1="{x:.1f}" y1="{y + 2}" x2="{x:.1f}" y2="{y + row_h - 2}" '
                       f'stroke="{CONSTANT_COLOR}" stroke-width="2" stroke-dasharray="4 3"><title>'
                       f'{escape(b.constant_label)} {mb_per_s(b.constant)} MB/s</title></line>')
    ly = axis_y + 46
    out.append(f'<rect x="{left}" y="{ly - 9}" width="14" height="10" fill="{PALETTE[0]}"/>')
    out.append(_text(left + 18, ly, "measured"))
    out.append(f'<line x1="{left + 100}" y1="{ly - 10}" x2="{left + 100}" y2="{ly + 2}" stroke="{CEILING_COLOR}" '
               'stroke-width="3"/>')
    out.append(_text(left + 106, ly, "peak (ceiling)"))
    out.append(f'<line x1="{left + 220}" y1="{ly - 10}" x2="{left + 220}" y2="{ly + 2}" stroke="{CONSTANT_COLOR}" '
               'stroke-width="2" stroke-dasharray="4 3"/>')
    out.append(_text(left + 226, ly, "scheduler constant"))
    out.append("</svg>")
    return "\n".join(out)


@dataclass
class Series:
    name: str
    points: list[tuple[float, float, str]]   # (x, y in bytes/s, tooltip)
    dashed: bool = False
    color: str | None = None


@dataclass
class LineChart:
    title: str
    x_label: str
    series: list[Series]
    x_ticks: list[tuple[float, str]] = field(default_factory=list)   # empty: numeric ticks
    markers: list[tuple[float, str]] = field(default_factory=list)   # vertical lines (x, label)
    hlines: list[tuple[float, str]] = field(default_factory=list)    # horizontal lines (bytes/s, label)


def marker_rows(markers: list[tuple[float, str]], px, gap: float = 8) -> list[int]:
    """The label row of each vertical marker (0 first), so labels side by side never overlap: a label
    goes in the first row whose last label ends left of it."""
    ends: list[float] = []
    rows = []
    for x, label in markers:
        start = px(x) + 3                                      # 10 px labels, starting at the marker
        row = next((i for i, end in enumerate(ends) if end + gap <= start), len(ends))
        if row == len(ends):
            ends.append(0.0)
        ends[row] = start + CHAR_W * len(label) * 0.75
        rows.append(row)
    return rows


MARKER_ROW_H = 13


def spaced_ticks(ticks: list[tuple[float, str]], px, gap: float = 10) -> list[tuple[float, str]]:
    """The x ticks whose centred labels fit side by side: a tick is kept when its label starts right of
    the last kept label's end (so many runs thin out to every second, third, ... label)."""
    kept: list[tuple[float, str]] = []
    end = float("-inf")
    for x, label in sorted(ticks):
        half = CHAR_W * len(label) / 2
        if px(x) - half >= end + gap:
            kept.append((x, label))
            end = px(x) + half
    return kept


def line_chart(chart: LineChart) -> str:
    """Lines on a MB/s axis. Vertical markers are labelled above the plot, in as many rows as it takes
    for no two labels to overlap (and none to cross a line); series colours are PALETTE's, so at most
    len(PALETTE) series (line_charts splits more)."""
    left, plot_w, plot_h, top, bottom = 70, 560, 220, 34, 50
    legend_w = max(120, CHAR_W * max((len(s.name) for s in chart.series), default=0) + 40)
    width = left + plot_w + 20 + legend_w
    xs = [p[0] for s in chart.series for p in s.points] + [x for x, _ in chart.x_ticks]
    ys = [p[1] for s in chart.series for p in s.points] + [y for y, _ in chart.hlines]
    if not xs:
        return ""
    x0, x1 = min(xs), max(xs)
    if x1 == x0:
        x0, x1 = x0 - 1, x1 + 1

    def px(x: float) -> float:
        return left + (x - x0) / (x1 - x0) * plot_w

    rows = marker_rows(chart.markers, px)
    top += MARKER_ROW_H * (max(rows) + 1) if rows else 0
    height = max(top + plot_h + bottom, top + 18 * len(chart.series) + 20)
    yticks = nice_ticks(max(ys + [1.0]) * 1.05 / MB)
    ytop = yticks[-1] * MB

    def py(y: float) -> float:
        return top + plot_h - y / ytop * plot_h

    out = [f'<svg class="plot lines" role="img" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
           f'xmlns="http://www.w3.org/2000/svg"><title>{escape(chart.title)}</title>',
           _text(left, 18, chart.title, extra='font-weight="bold"')]
    for t in yticks:
        y = py(t * MB)
        out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="#e4e4e4"/>')
        out.append(_text(left - 6, y + 4, f"{t:g}", "end"))
    out.append(_text(16, top + plot_h / 2, "MB/s", "middle",
                     f'transform="rotate(-90 16 {top + plot_h / 2:.1f})"'))
    ticks = spaced_ticks(chart.x_ticks, px) if chart.x_ticks else [(x, f"{x:g}") for x in _numeric_ticks(x0, x1)]
    for x, label in ticks:
        out.append(_text(px(x), top + plot_h + 16, label, "middle"))
    out.append(_text(left + plot_w / 2, top + plot_h + 36, chart.x_label, "middle"))
    out.append(f'<rect x="{left}" y="{top}" width="{plot_w}" height="{plot_h}" fill="none" stroke="#999"/>')
    for (x, label), row in zip(chart.markers, rows):
        label_y = top - 4 - MARKER_ROW_H * (max(rows) - row)
        out.append(f'<line x1="{px(x):.1f}" y1="{label_y + 2:.1f}" x2="{px(x):.1f}" y2="{top + plot_h}" '
                   f'stroke="#888" stroke-dasharray="2 3"><title>{escape(label)}</title></line>')
        out.append(_text(px(x) + 3, label_y, label, extra='class="marker" fill="#666" font-size="10"'))
    for y, label in chart.hlines:
        out.append(f'<line x1="{left}" y1="{py(y):.1f}" x2="{left + plot_w}" y2="{py(y):.1f}" '
                   f'stroke="{CONSTANT_COLOR}" stroke-dasharray="6 3"><title>{escape(label)}</title></line>')
        out.append(_text(left + plot_w - 4, py(y) - 4, label, "end", f'fill="{CONSTANT_COLOR}" font-size="10"'))
    for i, s in enumerate(chart.series):
        color = s.color or PALETTE[i % len(PALETTE)]          # line_charts keeps i < len(PALETTE)
        pts = sorted(s.points)
        path = " ".join(f"{px(x):.1f},{py(y):.1f}" for x, y, _ in pts)
        dash = ' stroke-dasharray="6 4"' if s.dashed else ""
        out.append(f'<polyline points="{path}" fill="none" stroke="{color}" stroke-width="2"{dash}/>')
        for x, y, tip in pts:
            out.append(f'<circle cx="{px(x):.1f}" cy="{py(y):.1f}" r="3" fill="{color}"><title>{escape(tip)}'
                       '</title></circle>')
        ly = top + 8 + i * 18
        lx = left + plot_w + 20
        out.append(f'<line x1="{lx}" y1="{ly}" x2="{lx + 18}" y2="{ly}" stroke="{color}" stroke-width="2"{dash}/>')
        out.append(_text(lx + 24, ly + 4, s.name))
    out.append("</svg>")
    return "\n".join(out)


def split_series(series: list[Series], size: int = len(PALETTE)) -> list[list[Series]]:
    """Series in groups of at most `size` (one chart each, so no two lines share a colour): grouped by
    their name's first word (a direction) when that gives groups small enough, else in runs of `size`."""
    if len(series) <= size:
        return [series]
    by_first: dict[str, list[Series]] = {}
    for s in series:
        by_first.setdefault(s.name.split(" ")[0], []).append(s)
    if 1 < len(by_first) and all(len(g) <= size for g in by_first.values()):
        return list(by_first.values())
    return [series[i:i + size] for i in range(0, len(series), size)]


def line_charts(chart: LineChart) -> str:
    """The chart, or small multiples of it (same axes' kind, markers and lines) when it has more series
    than PALETTE has colours."""
    groups = split_series(chart.series)
    if len(groups) == 1:
        return line_chart(chart)
    out = []
    for group in groups:
        first = group[0].name.split(" ")[0]
        part = first if all(s.name.split(" ")[0] == first for s in group) else f"{len(group)} series"
        out.append(line_chart(LineChart(f"{chart.title}: {part}", chart.x_label, group, chart.x_ticks,
                                        chart.markers, chart.hlines)))
    return "\n".join(out)


def _numeric_ticks(x0: float, x1: float) -> list[float]:
    ticks = nice_ticks(x1 - x0, 6)
    step = ticks[1] - ticks[0] if len(ticks) > 1 else 1
    start = math.ceil(x0 / step) * step
    out = []
    x = start
    while x <= x1 + 1e-9:
        out.append(x)
        x += step
    return out
