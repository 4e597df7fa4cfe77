"""harness/report/lab_page.py: the lab page drawn from a LabNight built here (no history). The page from a
PostgreSQL history two hosts' nightlies wrote: tests/history/test_lab_report.py."""
import re

from sailbench.harness.record.history_lab import LabNight, LabRun
from sailbench.harness.report.lab_page import render_lab_page


def run(board="versa-a", host="pc-a", complete=True, status="passed", figures=(), **kw) -> LabRun:
    return LabRun(host, board, "nightly", f"r-{board}", "n1", status, complete, "20261206", "20261206Z", "feedbeef",
                  "versa-ecp5", figures=list(figures), **kw)


FIG = {"board": "versa-a", "probe": "ddr", "direction": "write", "pattern": "sequential", "summary": True,
       "bytes": 1 << 20, "rate_bytes_per_s": 520e6}


def page(*runs, **kw) -> str:
    night = LabNight({"pc-a": "n1"}, list(runs), **kw)
    return render_lab_page(night, "postgresql://w@db.lab/sailbench", "2026-12-06T21:00:00Z")


def test_an_empty_night_says_how_to_fill_it():
    html = page()
    assert "holds no complete nightly run yet" in html and "history.url" in html
    assert "postgresql://w@db.lab/sailbench" in html and "2026-12-06T21:00:00Z" in html


def test_each_figure_is_tagged_with_its_key_host_and_exact_rate():
    html = page(run(figures=[FIG, FIG | {"direction": "read", "rate_bytes_per_s": 1e6 / 3, "simulated": True}]))
    shown = re.findall(r'data-figure="([^"]+)" data-host="([^"]+)" data-bytes-per-s="([^"]+)"', html)
    assert shown == [("ddr/write/sequential/1048576", "pc-a", "520000000.0"),
                     ("ddr/read/sequential/1048576", "pc-a", repr(1e6 / 3))]
    assert html.count("(sim)") == 2, "the legend and the simulated figure"
    assert 'href="#pc-a--versa-a"' in html and 'id="pc-a--versa-a"' in html


def test_an_incomplete_run_is_listed_without_figures():
    html = page(run(complete=False, status="running", figures=[FIG]))
    assert "incomplete (its writer stopped)" in html and "its figures count nowhere" in html
    assert "data-figure=" not in html


def test_a_complete_run_without_figures_says_so():
    assert "No figures in this run." in page(run())


def test_health_failures_and_quarantines_are_listed():
    html = page(health_failures=[{"host": "pc-b", "board": "ecpix5-b", "message": "silent on /dev/ttyUSB3"}],
                quarantined=[{"board": "ecpix5-c", "since": "2026-12-01", "reason": "3 failed checks"}])
    assert re.search(r"<td>pc-b</td><td>ecpix5-b</td><td>nightly</td><td>.*health check failed.*"
                     r"silent on /dev/ttyUSB3", html)
    assert "ecpix5-c since 2026-12-01: 3 failed checks" in html


def test_names_are_escaped_and_the_page_is_self_contained():
    html = page(run(board="<b>&x", figures=[FIG | {"board": "<b>&x"}]))
    assert "<b>&x" not in html and "&lt;b&gt;&amp;x" in html
    assert "<script" not in html and "http://" not in html and "https://" not in html


def test_a_pairs_totals_are_shown_with_their_intercard_verdict():
    total = {"probe": "pair", "quantity": "pair total", "direction": "upstream->downstream",
             "lanes_measured": [0, 1, 2, 3], "total_bytes_per_s": 486e6, "simulated": True,
             "verdict": {"verdict": "not judged", "reason": "clock sys fails timing"}}
    html = page(run(board="sim-pair", totals=[total]))
    assert 'data-figure="pair/upstream-&gt;downstream/total" data-host="pc-a" data-bytes-per-s="486000000.0"' in html
    assert "total upstream-&gt;downstream, 4 lanes: INTERCARD not judged (clock sys fails timing)" in html
    assert "No figures in this run." not in html
    assert re.search(r"<td>nightly</td><td>.*?</td><td class=\"num\">1</td>", html), "counted in the summary"
