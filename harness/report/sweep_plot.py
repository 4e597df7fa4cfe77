"""SVG plot of host-link goodput against the ceiling curve, per payload size.

Self-contained (no scripts, no network), readable in any browser."""
from __future__ import annotations

from pathlib import Path
from typing import Iterable
from xml.sax.saxutils import escape

from sailbench.harness.judge.ceilings import udp_ceiling_bytes_per_s

W, H, L, R, T, B = 640, 360, 60, 20, 30, 45
COLORS = {"board_to_host": "#1f77b4", "host_to_board": "#d62728"}


def write_sweep_svg(path: Path, results: Iterable, link: dict, title: str) -> Path:
    results = list(results)
    payloads = sorted({r.payload_bytes for r in results})
    lo, hi = 0, max(payloads[-1], 64)
    ymax = link["line_rate_bytes_per_s"] / 1e6

    def x(p: float) -> float:
        return L + (p - lo) / (hi - lo) * (W - L - R)

    def y(mb: float) -> float:
        return H - B - mb / ymax * (H - T - B)

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" font-family="sans-serif" font-size="11">',
           f'<text x="{W / 2}" y="18" text-anchor="middle" font-size="13">{escape(title)}</text>',
           f'<line x1="{L}" y1="{H - B}" x2="{W - R}" y2="{H - B}" stroke="black"/>',
           f'<line x1="{L}" y1="{T}" x2="{L}" y2="{H - B}" stroke="black"/>',
           f'<text x="{W / 2}" y="{H - 8}" text-anchor="middle">UDP payload (bytes)</text>',
           f'<text x="14" y="{H / 2}" transform="rotate(-90 14 {H / 2})" text-anchor="middle">goodput (MB/s)</text>']
    for mb in range(0, int(ymax) + 1, 25):
        out.append(f'<text x="{L - 6}" y="{y(mb) + 4:.1f}" text-anchor="end">{mb}</text>'
                   f'<line x1="{L}" y1="{y(mb):.1f}" x2="{W - R}" y2="{y(mb):.1f}" stroke="#eee"/>')
    for p in payloads:
        out.append(f'<text x="{x(p):.1f}" y="{H - B + 14}" text-anchor="middle">{p}</text>')
    for direction, color in COLORS.items():
        pts = " ".join(f"{x(p):.1f},{y(udp_ceiling_bytes_per_s(p, link, direction) / 1e6):.1f}"
                       for p in range(max(16, lo), hi + 1, 8))
        out.append(f'<polyline points="{pts}" fill="none" stroke="{color}" stroke-dasharray="4 3"/>')
        for r in (r for r in results if r.direction == direction):
            mb = r.rate_bytes_per_s / 1e6
            out.append(f'<circle cx="{x(r.payload_bytes):.1f}" cy="{y(mb):.1f}" r="3.5" fill="{color}">'
                       f'<title>{direction} {r.payload_bytes} B: {mb:.2f} MB/s '
                       f'({r.efficiency * 100:.1f} % of ceiling)</title></circle>')
    legend_y = T + 8
    for i, (direction, color) in enumerate(COLORS.items()):
        yy = legend_y + 16 * i
        out.append(f'<circle cx="{L + 14}" cy="{yy}" r="3.5" fill="{color}"/>'
                   f'<text x="{L + 22}" y="{yy + 4}">{direction.replace("_", " ")} measured; dashed: ceiling</text>')
    out.append("</svg>")
    path.write_text("\n".join(out) + "\n")
    return path
