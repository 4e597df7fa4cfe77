"""JUnit XML for CI systems: a test suite per board, a test case per thing judged.

Mapping: a board that could not be measured (infrastructure, harness bug) is
an <error>; a number that is wrong (a verdict, invariant or regression, a
checker error, a failed probe) is a <failure>; a quarantined board is
<skipped> with the reason, and so is a verdict or invariant withheld because its figure cannot be trusted
(the run fails only if that leaves nothing judged, record/outcome.py). A simulated board's suite, class
and test names end in " (sim)" and carry the property simulated=true. Test cases per board: health, each verdict, each
invariant, each history comparison, measurement errors.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

from sailbench.harness.record import outcome
from sailbench.harness.report.model import HARNESS, INFRASTRUCTURE, MEASUREMENT, QUARANTINED, BoardReport, RunReport


def _case(suite: ET.Element, classname: str, name: str, *, failure: str | None = None,
          error: str | None = None, skipped: str | None = None, kind: str = "", time_s: float = 0.0) -> None:
    case = ET.SubElement(suite, "testcase", classname=classname, name=name, time=f"{time_s:.3f}")
    for tag, message in (("failure", failure), ("error", error), ("skipped", skipped)):
        if message is not None:
            el = ET.SubElement(case, tag, message=message[:1000], type=kind or tag)
            el.text = message


def _unique(seen: dict[str, int], name: str) -> str:
    """CI servers merge or overwrite test cases of equal names: number the repeats."""
    seen[name] = seen.get(name, 0) + 1
    return name if seen[name] == 1 else f"{name} #{seen[name]}"


def _board_suite(root: ET.Element, board: BoardReport, prefix: str) -> None:
    data: dict[str, Any] = board.results or {}
    prov = data.get("provenance", {})
    simulated = prov.get("simulated") is True
    sim = " (sim)" if simulated else ""            # a simulated figure says so wherever it appears
    suite = ET.SubElement(root, "testsuite", name=f"{prefix}.{board.board}{sim}")
    cls = f"{prefix}.{board.board}{sim}"
    props = ET.SubElement(suite, "properties")
    for name, value in (("outcome", board.outcome), ("results", board.results_path),
                        ("gateware_hash", prov.get("gateware_hash")), ("git", prov.get("git"))):
        if value:
            ET.SubElement(props, "property", name=name, value=str(value))
    if isinstance(prov.get("simulated"), bool):
        ET.SubElement(props, "property", name="simulated", value=str(simulated).lower())
    if board.outcome == QUARANTINED:
        _case(suite, cls, "health", skipped=board.message, kind="quarantined")
    elif board.outcome in (INFRASTRUCTURE, HARNESS) and not data.get("records"):
        _case(suite, cls, "health", error=board.message, kind=board.outcome, time_s=board.duration_s or 0.0)
    else:
        _case(suite, cls, "health")
    names: dict[str, int] = {}
    for v in data.get("verdicts", []):
        name = _unique(names, (f"{v.get('constant', '?')}[{v['quantity']}]" if v.get("quantity")
                               else v.get("constant", "?")) + sim)
        if v.get("verdict") == outcome.NOT_JUDGED:
            _case(suite, f"{cls}.verdicts", name, skipped=v.get("message", "not judged"), kind="not judged")
            continue
        held = v.get("verdict") == "holds"
        _case(suite, f"{cls}.verdicts", name, failure=None if held else v.get("message"),
              kind=v.get("verdict", ""))
    for inv in data.get("invariants", []):
        if inv.get("not_judged"):          # withheld (an input cannot be trusted): not a verdict either way
            _case(suite, f"{cls}.invariants", inv.get("name", "?") + sim, skipped=inv.get("message", "not judged"),
                  kind="not judged")
            continue
        _case(suite, f"{cls}.invariants", inv.get("name", "?") + sim,
              failure=None if inv.get("holds") else inv.get("message"), kind="invariant")
    for c in data.get("comparisons", []):
        _case(suite, f"{cls}.history", c.get("label", "?"),
              failure=c.get("message") if c.get("status") == "regressed" else None, kind="regression")
    found = outcome.run_outcome(data) if data else None
    failed = [f.message for f in found.findings if f.outcome != outcome.VERDICTS] if found else []
    if failed or (board.outcome in (INFRASTRUCTURE, HARNESS, MEASUREMENT) and data.get("records")):
        text = "\n".join(failed) or board.message
        if board.outcome in (INFRASTRUCTURE, HARNESS):
            _case(suite, f"{cls}.measurement", "run", error=text, kind=board.outcome)
        else:
            _case(suite, f"{cls}.measurement", "run", failure=text, kind="measurement")
    cases = suite.findall("testcase")
    suite.set("tests", str(len(cases)))
    suite.set("failures", str(sum(1 for c in cases if c.find("failure") is not None)))
    suite.set("errors", str(sum(1 for c in cases if c.find("error") is not None)))
    suite.set("skipped", str(sum(1 for c in cases if c.find("skipped") is not None)))
    suite.set("time", f"{board.duration_s or 0.0:.3f}")
    if data.get("started"):
        suite.set("timestamp", data["started"])
    if prov.get("host"):
        suite.set("hostname", prov["host"])


def render_junit(report: RunReport) -> str:
    root = ET.Element("testsuites", name=f"sailbench {report.kind} {report.run_id}")
    for board in report.boards:
        _board_suite(root, board, f"sailbench.{report.kind}")
    for attr in ("tests", "failures", "errors", "skipped"):
        root.set(attr, str(sum(int(s.get(attr, "0")) for s in root.findall("testsuite"))))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
