"""The read-leveling scan as a picture: the "eye" a bring-up engineer looks at first.

Input: the `leveling` list of a `dram_init` record (harness/board/dram_init.py,
`ModuleLeveling.to_dict`): per byte lane the chosen bitslip and delay, the
widest working window at that bitslip, and the scan, bitslip -> errors per
delay tap. Output: plain HTML (no script), one block per lane with a row of
cells per bitslip, one cell per delay tap: green passes (0 errors), red
fails (its error count in the tooltip). The chosen bitslip's row is marked,
its window outlined, its centre carries a dot. A lane with no window gets its
diagnosis under it. Every cell carries data-lane, data-bitslip, data-delay and
data-pass so a test can read the page as the browser rendered it.
"""
from __future__ import annotations

from html import escape
from typing import Any

CSS = """
table.eye { border-collapse: separate; border-spacing: 1px; margin: 0.3em 0 0.8em 0; }
table.eye td, table.eye th { border: none; padding: 0; }
table.eye th { font-weight: normal; font-size: 0.8em; padding-right: 6px; text-align: right; white-space: nowrap; }
table.eye td.tap { width: 14px; height: 14px; font-size: 10px; line-height: 14px; text-align: center; color: #fff; }
table.eye td.pass { background: #2e7d32; } table.eye td.fail { background: #e57373; }
table.eye td.win { outline: 2px solid #0d47a1; outline-offset: -2px; }
table.eye td.centre { background: #0d47a1; }
table.eye tr.chosen th { font-weight: bold; }
table.eye tr.axis td { font-size: 9px; color: #777; text-align: center; }
p.lane-diag { margin: 0.1em 0 0.6em 0; }
"""


def lane_text(m: dict[str, Any]) -> str:
    """The lane's one-line diagnosis (same words as harness/board/dram_init.lane_diagnosis)."""
    lane = m["module"]
    window = m.get("window")
    if not window:
        if any(e == 0 for row in m.get("scan", {}).values() for e in row):
            return f"byte lane {lane} passes only at isolated taps: DQS{lane} timing is marginal"
        return f"byte lane {lane} never passes: DQS{lane} or its termination"
    lo, hi = window
    text = f"byte lane {lane}: bitslip {m['bitslip']}, delay {m['delay']} (window {lo}..{hi}, {hi - lo + 1} taps)"
    return text + ("" if m.get("verified", True) else ", NOT verified at the centre")


def lane_block(m: dict[str, Any]) -> str:
    lane = m["module"]
    scan = {int(b): row for b, row in m.get("scan", {}).items()}
    window = m.get("window")
    taps = max((len(r) for r in scan.values()), default=0)
    rows = []
    for b in sorted(scan):
        chosen = b == m.get("bitslip") and window is not None
        cells = []
        for d, errors in enumerate(scan[b]):
            ok = errors == 0
            cls = ["tap", "pass" if ok else "fail"]
            mark = ""
            if chosen and window[0] <= d <= window[1]:
                cls.append("win")
                if d == m.get("delay"):
                    cls.append("centre")
                    mark = "&#9679;"
            tip = f"lane {lane}, bitslip {b}, delay {d}: " + ("passes" if ok else f"{errors} errors")
            cells.append(f'<td class="{" ".join(cls)}" title="{escape(tip)}" data-lane="{lane}" data-bitslip="{b}" '
                         f'data-delay="{d}" data-pass="{int(ok)}">{mark}</td>')
        label = f"lane {lane} b{b}" + (" &#9664; chosen" if chosen else "")
        rows.append(f'<tr class="{"chosen" if chosen else ""}"><th>{label}</th>{"".join(cells)}</tr>')
    axis = "".join(f"<td>{d if d % 4 == 0 else ''}</td>" for d in range(taps))
    rows.append(f'<tr class="axis"><th>delay tap</th>{axis}</tr>')
    diag = lane_text(m)
    bad = window is None
    return (f'<table class="eye" data-lane="{lane}">{"".join(rows)}</table>'
            f'<p class="lane-diag{" bad" if bad else ""}" data-lane-diagnosis="{lane}">{escape(diag)}</p>')


def leveling_section(leveling: list[dict[str, Any]] | None, not_available: str = "", level: int = 2) -> str:
    """A section (heading `h<level>`): one block per lane, or why there is no scan."""
    head = f"<h{level}>DRAM read leveling</h{level}>"
    if not leveling:
        return head + f'<p class="muted">{escape(not_available or "no read-leveling scan in this run")}</p>'
    legend = ('<p class="muted">Per byte lane, a row per bitslip, a cell per read-delay tap: green reads the '
              'pattern back, red does not. The chosen bitslip is marked, its widest window outlined, '
              'the delay set at its centre (&#9679;).</p>')
    return head + legend + "".join(lane_block(m) for m in leveling)


def leveling_for_results(data: dict[str, Any] | None) -> str:
    """The scan of a bench results file (provenance.bringup.dram_init, real boards), or ""."""
    init = ((data or {}).get("provenance", {}).get("bringup") or {}).get("dram_init") or {}
    return leveling_section(init["leveling"], level=3) if init.get("leveling") else ""
