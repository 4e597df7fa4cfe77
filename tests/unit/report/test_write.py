"""Reports from a results file: the HTML page (self-contained, numbers tagged), JUnit XML, plots."""
import json
import re
import xml.etree.ElementTree as ET

from sailbench.harness.judge.constants import HOST_LINK, INTERCARD, LOCAL_DDR
from sailbench.harness.report.html import render_html
from sailbench.harness.report.sweep import sweep_points, write_sweep_svg
from sailbench.harness.report.model import (INFRASTRUCTURE, MEASUREMENT, QUARANTINED, VERDICTS, BoardReport, RunReport,
                                  board_report, results_outcome)
from sailbench.harness.report.svg import nice_ticks
from sailbench.harness.report.write import write_reports
from sailbench.harness.judge.verdict import judge, judge_invariants


def ddr_summary(direction, rate):
    return {"board": "sim", "probe": "ddr", "direction": direction, "pattern": "sequential", "summary": True,
            "repeats": 2, "bytes": 65536, "rate_bytes_per_s": rate, "min_rate_bytes_per_s": rate - 1e6,
            "max_rate_bytes_per_s": rate + 1e6, "peak_bytes_per_s": 600e6, "errors": 0}


def hostlink(direction, payload, rate, ceiling, sweep=False):
    rec = {"board": "sim", "probe": "hostlink", "direction": direction, "payload_bytes": payload,
           "bytes": payload * 200, "rate_bytes_per_s": rate, "ceiling_bytes_per_s": ceiling,
           "peak_bytes_per_s": ceiling, "errors": 0}
    return rec | ({"sweep": True} if sweep else {})


def results(with_hostlink=True, regressed=False):
    v = judge(LOCAL_DDR, 2e9, 496.2e6, 0.1, 0.25)
    records = [{"board": "sim", "probe": "clock", "used_hz": 75e6},
               ddr_summary("write", 496.2e6), ddr_summary("read", 514.1e6)]
    verdicts = [v.to_dict()]
    if with_hostlink:
        records.append(hostlink("board_to_host", 1472, 120.3e6, 120.6e6))
        verdicts.append(judge(HOST_LINK, 1e8, 120.3e6, 0.1, 0.25).to_dict())
        for payload, rate, ceiling in ((64, 65.6e6, 67.8e6), (1472, 120.3e6, 120.6e6)):
            records.append(hostlink("board_to_host", payload, rate, ceiling, sweep=True))
    comparisons = [{"probe": "ddr", "direction": "write", "pattern": "sequential", "size_bytes": 65536,
                    "status": "regressed" if regressed else "ok", "baseline_bytes_per_s": 992.4e6 if regressed
                    else 495e6, "change": -0.5 if regressed else 0.0024, "label": "DDR write sequential 64 KiB",
                    "message": "REGRESSION on 'sim': ..." if regressed else "ok"}]
    invariants = [i.to_dict() for i in judge_invariants({LOCAL_DDR: (496.2e6, True), INTERCARD: (5e8, False),
                                                         HOST_LINK: (1e8, False)})]
    return {"schema": 1, "run_id": "r1", "started": "2026-11-23T10:00:00+00:00", "finished": None,
            "status": "failed", "provenance": {"board": "sim", "gateware_hash": "abc123", "git": "deadbeef",
                                                "tools": {"python": "3.11"}},
            "records": records, "verdicts": verdicts, "invariants": invariants, "errors": [],
            "comparisons": comparisons}


def trend():
    return [{"run_id": f"r{i}", "time_iso": f"2026-11-2{i}T10:00:00+00:00", "build_hash": "abc123" if i else "old",
             "probe": "ddr", "direction": "write", "pattern": "sequential", "size_bytes": 65536,
             "rate_bytes_per_s": 490e6 + i * 1e6} for i in range(3)]


def page(data, **kw):
    board = board_report(data, "/tmp/r1.json", trend(), **kw)
    return render_html(RunReport("bench", "r1", "sailbench bench r1", data["started"], None, [board], 1))


def test_outcomes():
    assert results_outcome(results()) == VERDICTS
    assert results_outcome(results(regressed=True)) == MEASUREMENT
    assert results_outcome(results() | {"errors": [{"type": None, "message": "checker"}]}) == MEASUREMENT
    b = board_report(results(), None)
    assert b.outcome == VERDICTS and "LOCAL_DDR optimistic (0.25x)" in b.message


def test_why_names_a_constant_once_with_each_directions_ratio():
    data = results()
    data["verdicts"].append(judge(LOCAL_DDR, 2e9, 514.1e6, 0.1, 0.25).to_dict())      # the read direction
    message = board_report(data, None).message
    assert "LOCAL_DDR optimistic (0.25x, 0.26x)" in message and message.count("LOCAL_DDR optimistic") == 1, message


def test_html_is_self_contained_and_tags_every_figure():
    html = page(results())
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html), "nothing may be fetched"
    assert "<script" not in html and "<link" not in html
    shown = {k: (float(v), text) for k, v, text in
             re.findall(r'data-figure="([^"]+)" data-bytes-per-s="([^"]+)">([^<]+)<', html)}
    assert shown["ddr/write/sequential/65536"] == (496.2e6, "496.2")
    assert shown["hostlink/board_to_host/-/1472"] == (120.3e6, "120.3")
    assert "496.2" in html and "514.1" in html and "600.0" in html and "OPTIMISTIC" in html
    assert "Host-link payload sweep" in html and "hostlink/board_to_host/sweep/64" in html
    assert "History" in html and "build abc123" in html and "build old" in html
    assert html.count("<svg") == 3          # rates against ceilings, the sweep, the DDR history
    assert "+0.2 % vs 495.0" in html


def test_no_sweep_section_without_host_link_records():
    html = page(results(with_hostlink=False))
    assert "Host-link payload sweep" not in html
    assert sweep_points(results(with_hostlink=False)) == {}


def test_sweep_points_prefer_the_sweep_records():
    pts = sweep_points(results())
    assert pts == {"board_to_host": [(64, 65.6e6, 67.8e6), (1472, 120.3e6, 120.6e6)]}


def test_sweep_svg_file_is_the_reports_chart(tmp_path):
    """The bench's results/<run-id>-hostlink-sweep.svg is the same chart the HTML page embeds."""
    path = write_sweep_svg(tmp_path / "r-hostlink-sweep.svg", results(), "sim")
    svg = path.read_text()
    assert svg.startswith("<svg") and 'xmlns="http://www.w3.org/2000/svg"' in svg
    assert "host-link goodput against payload size" in svg and "board_to_host 64 B: 65.6 MB/s" in svg
    assert svg.strip() in page(results())
    assert write_sweep_svg(tmp_path / "none.svg", results(with_hostlink=False), "sim") is None
    assert not (tmp_path / "none.svg").exists()


def test_regression_is_shown():
    html = page(results(regressed=True))
    assert "REGRESSED" in html and "measurement failure" in html


def test_junit_maps_outcomes(tmp_path):
    boards = [board_report(results(regressed=True), "/tmp/r1.json"),
              BoardReport("hw", INFRASTRUCTURE, "board 'hw' on /dev/ttyUSB1: no answer"),
              BoardReport("old", QUARANTINED, "quarantined since yesterday")]
    report = RunReport("nightly", "n1", "night", "t0", "t1", boards, 13, "…")
    files = write_reports(report, tmp_path, "n1", summary=True)
    root = ET.parse(files.junit).getroot()
    suites = {s.get("name"): s for s in root.findall("testsuite")}
    sim = suites["sailbench.nightly.sim"]
    failures = [c.get("name") for c in sim.findall("testcase") if c.find("failure") is not None]
    assert "LOCAL_DDR_BW_BYTES_PER_SEC" in failures and "DDR write sequential 64 KiB" in failures
    assert "LOCAL_DDR >= 4 x INTERCARD" in failures
    assert suites["sailbench.nightly.hw"].find("testcase/error") is not None
    assert suites["sailbench.nightly.old"].find("testcase/skipped") is not None
    assert int(root.get("errors")) == 1 and int(root.get("skipped")) == 1 and int(root.get("failures")) >= 3
    summary = json.loads(files.summary.read_text())
    assert summary["exit_code"] == 13 and [b["board"] for b in summary["boards"]] == ["sim", "hw", "old"]
    assert "results" not in summary["boards"][0]
    assert files.html.read_text().startswith("<!DOCTYPE html>")


def test_nice_ticks():
    assert nice_ticks(2000) == [0, 500, 1000, 1500, 2000]
    assert nice_ticks(600)[-1] >= 600 and nice_ticks(0) == [0.0, 1.0]
