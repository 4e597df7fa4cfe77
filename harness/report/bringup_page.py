"""A bring-up's results file and HTML page: stages, leveling scan, DRAM line tests.

`write_bringup_files(report, results_dir)` writes
`<results_dir>/bringup-<run-id>.json` (the stages and every record the
stages kept: `dram_init` with the leveling scan, `dram_lines`, `dram_full`,
`phy_registers`) and the page next to it (`.html`, self-contained, no script).
"""
from __future__ import annotations

import json
from html import escape
from pathlib import Path
from typing import Any

from sailbench.harness.record.results import new_run_id
from sailbench.harness.report.html import CSS as BASE_CSS
from sailbench.harness.report.leveling import CSS as EYE_CSS, leveling_section
from sailbench.harness.report.model import write_text_atomic

EXTRA_CSS = """
td.status-passed { color: #2e7d32; font-weight: bold; } td.status-failed { color: #c62828; font-weight: bold; }
td.status-notrun, td.status-skipped, td.status-notapplicable, td.status-unavailable { color: #777; }
td.status-needspartner { color: #8a5a00; font-weight: bold; }
"""


def bringup_data(report) -> dict[str, Any]:
    return {"kind": "bringup", "board": report.board, "board_kind": report.kind, "passed": report.passed,
            "failed_stage": report.failed.name if report.failed else None,
            "stages": [{"name": s.name, "status": s.status, "detail": s.detail, "next_step": s.next_step,
                        "seconds": s.seconds} for s in report.stages],
            "records": report.records}


def _record(data: dict[str, Any], probe: str) -> dict[str, Any] | None:
    return next((r for r in data["records"] if r.get("probe") == probe), None)


def render_bringup_html(data: dict[str, Any]) -> str:
    board = escape(data["board"])
    verdict = ("bring-up passed" if data["passed"] else f"stopped at '{data['failed_stage']}'")
    rows = []
    for s in data["stages"]:
        cls = "status-" + s["status"].replace(" ", "")
        detail = escape(s["detail"]) + (f"<br><b>check next:</b> {escape(s['next_step'])}" if s["next_step"] else "")
        rows.append(f'<tr data-stage="{escape(s["name"])}"><td>{escape(s["name"])}</td><td class="{cls}">'
                    f'{escape(s["status"])}</td><td>{detail}</td><td class="num">{s["seconds"]:.2f}</td></tr>')
    stages = ("<table><tr><th>stage</th><th>status</th><th>detail</th><th>s</th></tr>" + "".join(rows) + "</table>")
    init = _record(data, "dram_init")
    level_stage = next((s for s in data["stages"] if s["name"] == "DRAM leveling"), None)
    why = level_stage["detail"] if level_stage and level_stage["detail"] else "no read-leveling scan in this run"
    leveling = leveling_section(init.get("leveling") if init else None, why)
    lines = _lines_section(_record(data, "dram_lines"))
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>bring-up of {board}</title>"
            f"<style>{BASE_CSS}{EYE_CSS}{EXTRA_CSS}</style></head><body>"
            f"<h1>Bring-up of board '{board}' ({escape(data['board_kind'])})</h1>"
            f"<p class='{'good' if data['passed'] else 'bad'}'>{escape(verdict)}</p>"
            f"<h2>Stages</h2>{stages}{leveling}{lines}</body></html>\n")


def _lines_section(rec: dict[str, Any] | None) -> str:
    head = "<h2>DRAM line tests</h2>"
    if not rec:
        return head + '<p class="muted">not run in this bring-up</p>'
    rows = []
    for t in rec["tests"]:
        cls = "status-" + t["status"].replace(" ", "")
        faults = "".join(f'<li data-line="{escape(" ".join(f["lines"]))}">{escape(f["message"])}</li>'
                         for f in t["faults"])
        rows.append(f'<tr><td>{escape(t["name"])}</td><td class="{cls}">{escape(t["status"])}</td>'
                    f'<td>{escape(t["detail"])}{"<ul>" + faults + "</ul>" if faults else ""}</td>'
                    f'<td class="num">{t["accesses"]}</td></tr>')
    return (head + f"<p>{rec['accesses']} word accesses over {escape(rec['link'])} in {rec['seconds']:.2f} s</p>"
            "<table><tr><th>test</th><th>status</th><th>detail</th><th>accesses</th></tr>" + "".join(rows)
            + "</table>")


def write_bringup_files(report, results_dir: Path) -> list[Path]:
    data = bringup_data(report)
    stem = f"bringup-{new_run_id(report.board)}"
    directory = Path(results_dir)
    js = write_text_atomic(directory / f"{stem}.json", json.dumps(data, indent=2, allow_nan=False) + "\n")
    page = write_text_atomic(directory / f"{stem}.html", render_bringup_html(data))
    return [js, page]
