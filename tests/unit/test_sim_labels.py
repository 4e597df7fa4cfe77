"""A simulated figure says so wherever it appears: table rows without a verdict, JUnit (a property, the
suite and case names), the nightly summary line and the HTML history chart."""
import xml.etree.ElementTree as ET

from sailbench.harness.report.html import render_html
from sailbench.harness.report.junit import render_junit
from sailbench.harness.report.model import BoardReport, RunReport, board_report
from sailbench.harness.report.table import TableRow, render_table
from sailbench.harness.run.nightly import NightlyOutcome, render_summary

DOC = {"run_id": "r1", "started": "2026-12-06T10:00:00+00:00", "finished": None, "status": "failed",
       "provenance": {"board": "sim", "simulated": True},
       "records": [{"id": "r1", "probe": "ddr", "direction": "read", "pattern": "random", "summary": True,
                    "rate_bytes_per_s": 1.2e8, "simulated": True}],
       "verdicts": [{"constant": "LOCAL_DDR_BW_BYTES_PER_SEC", "verdict": "optimistic", "quantity": "read sequential",
                     "ratio": 0.28, "message": "LOCAL_DDR is OPTIMISTIC", "simulated": True}],
       "invariants": [], "errors": [], "comparisons": []}


def test_table_row_without_a_verdict_is_labelled():
    text = render_table([TableRow("DDR read random", 1.2e8, 6e8, simulated=True), TableRow("DDR x", 1e8, 6e8)])
    random_line = next(line for line in text.splitlines() if line.startswith("DDR read random"))
    assert random_line.rstrip().endswith("(sim)")
    assert not next(line for line in text.splitlines() if line.startswith("DDR x")).rstrip().endswith("(sim)")


def test_junit_has_the_property_and_the_names():
    report = RunReport("bench", "r1", "t", "s", None, [board_report(DOC, "r1.json")], exit_code=1)
    root = ET.fromstring(render_junit(report).split("\n", 1)[1])
    suite = root.find("testsuite")
    assert suite.get("name").endswith("(sim)")
    assert {p.get("name"): p.get("value") for p in suite.iter("property")}["simulated"] == "true"
    cases = list(suite.iter("testcase"))
    assert all("(sim)" in c.get("classname") for c in cases)
    assert any(c.get("name") == "LOCAL_DDR_BW_BYTES_PER_SEC[read sequential] (sim)" for c in cases)


def test_nightly_summary_line_says_sim():
    board = board_report(DOC, "r1.json")
    hw = BoardReport("versa-ecp5", "passed")
    text = render_summary(NightlyOutcome(RunReport("nightly", "n1", "t", "s", None, [board, hw], exit_code=1)))
    assert any(line.startswith("sim (sim)") for line in text.splitlines())
    assert any(line.startswith("versa-ecp5 ") and "(sim)" not in line for line in text.splitlines())


def test_history_chart_says_sim():
    trend = [{"run_id": f"r{i}", "time_iso": f"2026-12-0{i}T10:00:00", "build_hash": "h", "probe": "ddr",
              "direction": "read", "pattern": "sequential", "size_bytes": None, "rate_bytes_per_s": 5.7e8,
              "simulated": True} for i in (1, 2)]
    board = board_report(DOC, "r1.json", trend)
    page = render_html(RunReport("bench", "r1", "t", "s", None, [board], exit_code=1))
    chart = page[page.index("<h3>History</h3>"):]
    assert "DDR history (sim)" in chart and "read sequential (sim)" in chart
