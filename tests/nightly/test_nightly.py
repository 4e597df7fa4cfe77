"""`sailbench nightly` end to end on the simulated board, with a temporary lab.yaml.

One sequence of nights (module fixture), checked by the tests below:
  night 1  every board and pair: 'silent' (a simulated board that cannot answer within its
           1 us timeout) fails its health check, 'sim' and the pair 'sim-pair' are still measured;
  night 2  --tag sim (the board 'sim' and the pair): compared with night 1 (same build hash);
  night 3  --tag sim after three earlier runs at twice the rate were put in the history
           (see test_injected_regression_raises_the_alarm for why that is the honest injection);
  night 4  --tag silent: second failed night in a row -> quarantined;
  night 5  --tag silent: skipped as quarantined.
"""
from __future__ import annotations

import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from sailbench.harness.record.history import History
from sailbench.harness.judge.regression import figure_key
from sailbench.harness.report.html import pair_total_as_figure
from helpers import SMALL, FigureCells, chromium_run, load_json, png_pixels, report_path, sailbench, write_lab

# The first night may build the simulated board and the simulated pair (minutes each on a busy
# 2-CPU machine, once per gateware change); the nights themselves take about 10 s each.
pytestmark = pytest.mark.timeout(2400)

BOARDS = """\
  silent:
    kind: sim
    timeout_s: 0.000001
    tags: [silent]
  sim:
    kind: sim
    tags: [sim, ddr]
"""
PAIRS = """\
  sim-pair:
    kind: sim
    profile: versa-ecp5
    upstream: sim-pair-up
    downstream: sim-pair-down
    lanes: 4
    tags: [sim, pair]
"""


class Nights:
    def __init__(self, root: Path):
        self.root = root
        self.lab = write_lab(root, BOARDS, pairs=PAIRS)
        self.runs: dict[str, object] = {}

    def night(self, name: str, *args: str):
        # the first night may build the simulated board and the 4-lane pair from scratch (minutes each
        # on 2 busy cores); later nights reuse them
        r = sailbench(self.lab, "nightly", *args, *SMALL, timeout=2400)
        self.runs[name] = r
        return r

    def summary(self, name: str) -> dict:
        return load_json(report_path(self.runs[name].stdout, "summary: "))

    def board(self, name: str, board: str) -> dict:
        return next(b for b in self.summary(name)["boards"] if b["board"] == board)


def _inject_faster_history(lab_dir: Path, results: dict) -> None:
    """Three runs, recorded as earlier, in which each DDR figure of `results` was twice as fast."""
    build = results["provenance"]["gateware_hash"]
    figures = [r for r in results["records"] if r.get("probe") == "ddr" and r.get("summary")]
    with History(lab_dir / "results" / "history.sqlite") as h:
        for i in range(3):
            run = f"injected-{i}"
            h.upsert_run(run, "sim", kind="injected", build_hash=build, status="failed", complete=True)
            for rec in figures:
                h.add_record(run, "sim", build, rec | {"rate_bytes_per_s": 2 * rec["rate_bytes_per_s"]})


@pytest.fixture(scope="module")
def nights(tmp_path_factory) -> Nights:
    n = Nights(tmp_path_factory.mktemp("nightly"))
    n.night("1")
    n.night("2", "--tag", "sim")
    _inject_faster_history(n.root, load_json(n.board("2", "sim")["results_path"]))
    n.night("3", "--tag", "sim")
    n.night("4", "--tag", "silent")
    n.night("5", "--tag", "silent")
    return n


def test_a_board_failing_its_health_check_is_reported_and_the_others_still_run(nights):
    r = nights.runs["1"]
    assert r.returncode == 1 | 8, r.stdout + r.stderr          # verdicts not held (sim) + infrastructure (silent)
    silent, sim = nights.board("1", "silent"), nights.board("1", "sim")
    assert silent["outcome"] == "infrastructure" and "health check failed (1 night in a row)" in silent["message"]
    assert "board 'silent'" in silent["message"] and silent["results_path"] is None
    assert sim["outcome"] == "verdicts" and "LOCAL_DDR optimistic" in sim["message"]
    assert "identifier" in sim["health"] and "scratch round trip OK over uart, etherbone" in sim["health"]
    assert "[1/3] board 'silent'" in r.stdout and "[2/3] board 'sim'" in r.stdout   # progress lines
    assert "[3/3] pair 'sim-pair'" in r.stdout
    pair = nights.board("1", "sim-pair")
    assert pair["outcome"] == "passed", pair       # INTERCARD holds on the simulated lanes
    assert "exit status 9" in r.stdout
    junit = ET.parse(report_path(r.stdout, "JUnit XML: ")).getroot()
    suites = {s.get("name"): s for s in junit.findall("testsuite")}
    assert suites["sailbench.nightly.silent"].find("testcase/error") is not None
    sim_failures = {c.get("name") for c in suites["sailbench.nightly.sim (sim)"].findall("testcase")
                    if c.find("failure") is not None}
    # one test case per judged quantity, e.g. LOCAL_DDR_BW_BYTES_PER_SEC[write sequential], labelled simulated
    assert {"LOCAL_DDR_BW_BYTES_PER_SEC[write sequential] (sim)", "LOCAL_DDR_BW_BYTES_PER_SEC[read sequential] (sim)"} \
        <= sim_failures, sim_failures


def test_two_nights_fill_history_and_the_second_compares_with_the_first(nights):
    first = load_json(nights.board("1", "sim")["results_path"])
    second = load_json(nights.board("2", "sim")["results_path"])
    assert nights.runs["2"].returncode == 1, nights.runs["2"].stdout + nights.runs["2"].stderr
    assert first["provenance"]["gateware_hash"] == second["provenance"]["gateware_hash"]
    assert {c["status"] for c in first["comparisons"]} == {"baseline"}
    assert "this run starts a new baseline" in nights.runs["1"].stdout
    ddr = [c for c in second["comparisons"] if c["probe"] == "ddr"]
    assert {(c["direction"], c["pattern"], c["size_bytes"]) for c in ddr} == \
        {("write", "sequential", 65536), ("read", "sequential", 65536)}
    for c in ddr:
        assert c["status"] == "ok" and c["baseline_runs"] == [first["run_id"]]
        before = next(r for r in first["records"] if r.get("summary") and r["direction"] == c["direction"])
        assert c["baseline_bytes_per_s"] == before["rate_bytes_per_s"]
        assert abs(c["change"]) < 0.02      # rates come from cycles: the simulated board is repeatable
    pair_first = load_json(nights.board("1", "sim-pair")["results_path"])
    pair_second = nights.board("2", "sim-pair")
    assert pair_second["outcome"] == "passed"
    with History(nights.root / "results" / "history.sqlite") as h:
        lanes = h.db.execute("SELECT COUNT(*) FROM records WHERE board = 'sim-pair' AND figure = 1 AND run_id = ?",
                             (pair_first["run_id"],)).fetchone()[0]
        assert lanes == 8                            # 4 lanes x 2 directions, payload rates
        pair_report = report_path(nights.runs["2"].stdout).read_text()
        assert "Board 'sim-pair'" in pair_report and "payload lane 3" in pair_report
        runs = h.db.execute("SELECT run_id, kind, night_id, status FROM runs WHERE board = 'sim' "
                            "AND kind = 'nightly' ORDER BY started").fetchall()
        assert [r["run_id"] for r in runs][:2] == [first["run_id"], second["run_id"]]
        assert all(r["status"] == "failed" and r["night_id"] for r in runs)
        stored = h.records(second["run_id"])
        assert stored == second["records"]          # every record, as written to the results file
        keys = h.db.execute("SELECT DISTINCT probe, direction, pattern, size_bytes, build_hash FROM records "
                            "WHERE run_id = ? AND figure = 1 AND probe = 'ddr'", (second["run_id"],)).fetchall()
        assert len(keys) == 2 and all(k["build_hash"] == second["provenance"]["gateware_hash"] for k in keys)


def test_injected_regression_raises_the_alarm(nights):
    """The injection: three earlier runs on the same board and build hash, each DDR figure twice what
    night 2 measured, written through the same History API the bench uses.

    Why not slow the board down instead: rates come from the probe SoC's cycle counters, so nothing on
    the host (load, bus latency) can honestly lower a DDR figure, and the simulated gateware has no
    runtime knob that halves the rate at an unchanged key (length, pattern, build); changing the
    gateware changes the build hash, which rightly starts a new baseline instead of raising an alarm.
    So the baseline is what is injected, and night 3's figures are real measurements."""
    r = nights.runs["3"]
    assert r.returncode == 1 | 4, r.stdout + r.stderr
    sim = nights.board("3", "sim")
    assert sim["outcome"] == "measurement" and sim["message"].startswith("REGRESSION on 'sim'")
    results = load_json(sim["results_path"])
    regressed = [c for c in results["comparisons"] if c["status"] == "regressed"]
    assert {c["direction"] for c in regressed} == {"write", "read"}
    for c in regressed:
        measured = next(x for x in results["records"] if x.get("summary") and x["direction"] == c["direction"])
        assert c["measured_bytes_per_s"] == measured["rate_bytes_per_s"]
        assert c["baseline_runs"] == ["injected-2", "injected-1", "injected-0"]
        assert c["change"] == pytest.approx(-0.5, abs=0.02)
        both = (f"fell to {c['measured_bytes_per_s'] / 1e6:.1f} MB/s from a baseline of "
                f"{c['baseline_bytes_per_s'] / 1e6:.1f} MB/s")
        assert both in c["message"] and both in r.stdout
    assert results["status"] == "failed"
    html = report_path(r.stdout).read_text()
    assert "REGRESSED" in html and "measurement failure" in html


def test_quarantine_after_consecutive_failed_nights(nights):
    fourth, fifth = nights.runs["4"], nights.runs["5"]
    assert fourth.returncode == 8 and fifth.returncode == 8, fourth.stdout + fifth.stdout
    assert "QUARANTINED after 2 consecutive failed nights" in nights.board("4", "silent")["message"]
    q = nights.board("5", "silent")
    assert q["outcome"] == "quarantined" and "sailbench bringup --board silent" in q["message"]
    # skipped, not opened: no lock wait, no health check, no results file (not a wall-clock bound)
    assert "board 'silent': waiting for its lock" not in fifth.stdout and not q.get("results_path")
    assert "board 'silent': waiting for its lock" in fourth.stdout      # the same line when it is opened
    junit = ET.parse(report_path(fifth.stdout, "JUnit XML: ")).getroot()
    assert junit.find("testsuite/testcase/skipped") is not None


def test_bringup_of_a_quarantined_silent_board_stops_at_identifier_and_keeps_it(nights):
    r = sailbench(nights.lab, "bringup", "--board", "silent")
    assert r.returncode == 1, r.stdout + r.stderr
    assert "stopped at 'identifier'" in r.stdout
    assert "check next: the simulated board started but does not answer" in r.stdout
    assert "not applicable: the simulated board has no cable" in r.stdout
    with History(nights.root / "results" / "history.sqlite") as h:
        assert h.quarantined("silent") is not None


def test_html_report_renders_in_headless_chromium_with_the_results_numbers(nights, tmp_path):
    r = nights.runs["2"]
    page = report_path(r.stdout)
    results = load_json(nights.board("2", "sim")["results_path"])
    pair = load_json(nights.board("2", "sim-pair")["results_path"])
    dom = chromium_run(["--dump-dom", page.as_uri()], tmp_path / "profile-dom")
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert "<svg" in dom.stdout and "Board 'sim'" in dom.stdout
    cells = FigureCells()
    cells.feed(dom.stdout)
    # the figures of the results files: DDR medians (summary records), single-pass host-link rates,
    # the pair's lane rates and its judged totals (the page has a section per board and pair)
    figures = {_fig_id(x, data["provenance"]["board"]): x for data in (results, pair)
               for x in map(pair_total_as_figure, data["records"])
               if x.get("rate_bytes_per_s") is not None and (x.get("summary") or "repeat" not in x)}
    assert any(x["probe"] == "pair" for x in figures.values())
    assert any(x["probe"] == "lane" for x in figures.values())
    assert any(x["probe"] == "ddr" for x in figures.values())
    shown: dict[str, list[str]] = {}
    for fig, value, text in cells.cells:
        shown.setdefault(fig, []).append(text)
        if value is not None:
            assert float(value) == figures[fig]["rate_bytes_per_s"], fig
    for fig, rec in figures.items():
        expected = f"{rec['rate_bytes_per_s'] / 1e6:.1f}"
        assert fig in shown, f"{fig} is not in the rendered page"
        assert all(t.removesuffix(" MB/s") == expected for t in shown[fig]), (fig, shown[fig], expected)
    if any(x.get("probe") == "hostlink" for x in results["records"]):
        assert "Host-link payload sweep" in dom.stdout
    shot = tmp_path / "report.png"
    done = chromium_run(["--window-size=900,3000", f"--screenshot={shot}", page.as_uri()], tmp_path / "profile-png")
    assert done.returncode == 0 and shot.is_file(), done.stderr[-2000:]
    width, height, rows = png_pixels(shot)
    # tall enough for the figures table and the bar chart below the night's notes (measured invariants)
    assert (width, height) == (900, 3000)
    bpp = len(rows[0]) // width
    colours = {row[i:i + 3] for row in rows[::4] for i in range(0, len(row), bpp * 4)}
    assert len(colours) > 20, "the page rendered blank"
    from sailbench.harness.report.svg import PALETTE
    bar = bytes.fromhex(PALETTE[0].removeprefix("#"))
    assert bar in {row[i:i + 3] for row in rows for i in range(0, len(row), bpp)}, \
        f"the measured-rate bars ({PALETTE[0]}) are not on screen"


def _fig_id(rec: dict, board: str) -> str:
    key = figure_key(rec, board)
    return f"{key.probe}/{key.direction or '-'}/{key.pattern or '-'}/{key.size_bytes or '-'}"
