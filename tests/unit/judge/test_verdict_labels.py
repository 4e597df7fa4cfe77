"""Verdicts that cannot mislead: each names its quantity and the record it judges (matched by id, not by
float equality), simulated figures are labelled everywhere and kept apart from hardware ones in the
history, and a verdict on a quantity whose clock failed timing is "not judged", never "holds"."""
import json
from pathlib import Path
from types import SimpleNamespace

import pytest

import sailbench.harness.run.bench as bench
from sailbench.gateware.build.manifest import ReportSummary
from sailbench.harness.config import HistoryConfig, load_lab
from sailbench.harness.judge.constants import HOST_LINK, LOCAL_DDR
from sailbench.harness.judge.regression import figure_key
from sailbench.harness.judge.timing import timing_reason
from sailbench.harness.judge.verdict import judge
from sailbench.harness.paths import REPO_ROOT
from sailbench.harness.record.history import History
from sailbench.harness.record.history_sink import HistorySink
from sailbench.harness.record.outcome import run_outcome
from sailbench.harness.record.results import ResultsFile
from sailbench.harness.report.html import render_html
from sailbench.harness.report.model import RunReport, board_report
from sailbench.harness.report.table import TableRow, render_table


def ddr(direction, rate, simulated=None):
    rec = {"board": "b", "probe": "ddr", "direction": direction, "pattern": "sequential", "summary": True,
           "repeats": 1, "bytes": 65536, "rate_bytes_per_s": rate, "peak_bytes_per_s": 600e6, "errors": 0}
    return rec if simulated is None else rec | {"simulated": simulated}


# -- 1. verdict identity ---------------------------------------------------------------------------

def test_records_get_stable_ids_and_verdicts_name_quantity_and_record(tmp_path):
    r = ResultsFile("run1", tmp_path, {"board": "b"})
    first = r.add_record({"probe": "clock"})
    second = r.add_record(ddr("write", 500e6))
    assert (first, second) == ("r1", "r2")
    r.add_verdict(judge(LOCAL_DDR, 2e9, 500e6, 0.1, 0.25), quantity="write sequential", record=second)
    data = json.loads(r.path.read_text())
    assert [x["id"] for x in data["records"]] == ["r1", "r2"]
    v = data["verdicts"][0]
    assert v["quantity"] == "write sequential" and v["record"] == "r2"


def test_html_matches_a_verdict_to_its_record_by_id_not_by_rate(tmp_path):
    """Write and read measured the same rate: only the judged record shows the verdict (by float equality
    both rows would, or the wrong one)."""
    r = ResultsFile("run1", tmp_path, {"board": "b"})
    r.add_record(ddr("write", 500e6))
    read = r.add_record(ddr("read", 500e6))
    r.add_verdict(judge(LOCAL_DDR, 2e9, 500e6, 0.1, 0.25), quantity="read sequential", record=read)
    html = render_html(RunReport("bench", "run1", "t", "now", None, [board_report(r.data, r.path)], 1))
    rows = [row for row in html.split("<tr>") if 'data-figure="ddr/' in row]
    assert len(rows) == 2
    write_row, read_row = sorted(rows, key=lambda row: "ddr/read" in row)
    assert "OPTIMISTIC" in read_row and "OPTIMISTIC" not in write_row


# -- 2. simulated is visible everywhere ----------------------------------------------------------

def test_a_simulated_run_marks_its_records_and_verdicts(tmp_path):
    r = ResultsFile("run1", tmp_path, {"board": "sim", "simulated": True})
    rid = r.add_record(ddr("write", 500e6))
    r.add_verdict(judge(LOCAL_DDR, 500e6, 500e6, 0.1, 0.25), quantity="write sequential", record=rid)
    data = json.loads(r.path.read_text())
    assert data["records"][0]["simulated"] is True and data["verdicts"][0]["simulated"] is True
    hw = ResultsFile("run2", tmp_path, {"board": "v", "simulated": False})
    hw.add_record(ddr("write", 500e6))
    assert hw.data["records"][0]["simulated"] is False


def test_the_table_marks_simulated_verdicts():
    text = render_table([TableRow("DDR write sequential", 500e6, 600e6, LOCAL_DDR, 500e6, "holds", simulated=True),
                         TableRow("DDR read sequential", 100e6, 600e6, LOCAL_DDR, 500e6, "optimistic",
                                  simulated=True)])
    lines = text.splitlines()
    assert lines[2].endswith("holds (sim)") and lines[3].endswith("OPTIMISTIC (sim)")


def test_the_html_report_marks_simulated_figures(tmp_path):
    r = ResultsFile("run1", tmp_path, {"board": "sim", "simulated": True})
    rid = r.add_record(ddr("write", 500e6))
    r.add_verdict(judge(LOCAL_DDR, 500e6, 500e6, 0.1, 0.25), quantity="write sequential", record=rid)
    html = render_html(RunReport("bench", "run1", "t", "now", None, [board_report(r.data, r.path)], 0))
    assert "holds (sim)" in html and "simulated" in html.lower()


def test_figure_keys_keep_simulated_and_hardware_apart():
    sim, hw, old = figure_key(ddr("write", 1, True)), figure_key(ddr("write", 1, False)), figure_key(ddr("write", 1))
    assert sim != hw and sim != old and hw != old
    assert "simulated" in sim.label and "simulated" not in hw.label


def test_history_baselines_keep_simulated_and_hardware_apart(tmp_path):
    said = []
    with History(tmp_path / "h.sqlite") as history:
        for run_id, simulated, rate in (("a", False, 500e6), ("b", True, 100e6), ("c", False, 495e6)):
            sink = HistorySink(history, HistoryConfig(baseline_runs=3, drop_threshold=0.10), said.append)
            with ResultsFile(run_id, tmp_path, {"board": "b", "simulated": simulated}, sinks=[sink]) as r:
                r.update_provenance(gateware_hash="same")
                r.add_record(ddr("write", rate))
            data = json.loads(r.path.read_text())
        # the hardware run c is compared with hardware run a only, never with the simulated figure
        c = data["comparisons"][0]
        assert c["status"] == "ok" and c["baseline_runs"] == ["a"] and c["simulated"] is False
        assert history.schema_version >= 2


def test_history_migrates_a_version_1_database(tmp_path):
    import sqlite3
    from sailbench.harness.record import history as hmod, history_sqlite
    path = tmp_path / "old.sqlite"
    db = sqlite3.connect(path)
    for sql in history_sqlite.MIGRATIONS[0]:
        db.execute(sql)
    db.execute("INSERT INTO records (run_id, board, probe, time, time_iso, figure, rate_bytes_per_s, data) "
               "VALUES ('old', 'b', 'ddr', 0, 'x', 1, 5e8, ?)", (json.dumps({"simulated": True}),))
    db.execute("PRAGMA user_version = 1")
    db.commit()
    db.close()
    with History(path) as history:
        assert history.schema_version == hmod.SCHEMA_VERSION
        row = history.db.execute("SELECT simulated FROM records").fetchone()
        assert row[0] == 1


def test_the_simulated_wire_ceiling_says_what_the_wire_is():
    from sailbench.harness.run.bench_hostlink import ceiling_text
    wire = SimpleNamespace(line_rate_bytes_per_s=125_000_000, preamble_bytes=0, fcs_bytes=0, header_bytes=42,
                           min_frame_bytes=60, tx_gap_bytes=12, rx_gap_bytes=12)
    text = ceiling_text(1472, wire, simulated=True)
    assert "simulated wire" in text and "no preamble or FCS" in text and "119.6" in text and "GbE" in text


# -- 3. timing-failed builds ---------------------------------------------------------------------

def report(*failing):
    return ReportSummary(json="r.json", text="r.txt", timing_passed=not failing, fits=True,
                         failing_clocks=tuple(failing), clocks={}, utilisation={})


@pytest.mark.parametrize("probe,failing,reason", [
    ("ddr", ["sys"], "clock sys fails timing"),
    ("ddr", ["sys2x"], "clock sys2x fails timing"),
    ("ddr", ["eth_rx"], None),
    ("hostlink", ["eth_rx"], "clock eth_rx fails timing"),
    ("hostlink", ["eth_rx", "eth_tx"], "clocks eth_rx, eth_tx fail timing"),
    ("hostlink", ["sys2x"], None),
    ("lane", ["lane0_word"], "clock lane0_word fails timing"),
    ("lane", ["eth_rx"], None),
    ("ddr", [], None),
])
def test_quantities_map_to_their_clocks(probe, failing, reason):
    assert timing_reason(probe, report(*failing)) == reason
    assert timing_reason(probe, None) is None


class Both(SimpleNamespace):
    """A manifest record read either way (attributes or keys)."""

    def __getitem__(self, name):
        return getattr(self, name)


class FakeClock:
    used_hz = 75e6
    within_tolerance = True
    message = "sys clock 75 MHz"

    def to_record(self):
        return {"board": "v", "probe": "clock", "used_hz": 75e6}


class FakeDdr:
    def __init__(self, board, sys_clk_hz):
        self.peak = 600e6

    def write_read(self, length, base, pattern, raise_on_errors):
        def res(direction):
            return SimpleNamespace(direction=direction, bytes=length, rate_bytes_per_s=500e6, efficiency=0.83,
                                   cycles=1, errors=0, peak_bytes_per_s=600e6, sys_clk_hz=75e6, base=base, breakdown=None,
                                   to_record=lambda: {"board": "v", "probe": "ddr", "direction": direction,
                                                      "pattern": pattern, "rate_bytes_per_s": 500e6})
        return res("write"), res("read")


def test_a_timing_failed_build_measures_but_does_not_judge(tmp_path, monkeypatch):
    lab = load_lab(REPO_ROOT / "lab.yaml")
    board = SimpleNamespace(
        name="sim", is_sim=False, build_hash="abc", identifier="sailbench x", build_dir=tmp_path, port="p",
        load=None, dram_init=None,
        manifest=SimpleNamespace(report=report("sys"), host_link=None,
                                 dram=Both(module="M", timings=None, data_width=16, transfers_per_s=3e8, ratio=2,
                                          max_transfers_per_s=8e8)))
    monkeypatch.setattr(bench, "measure_sys_clk", lambda *a, **k: FakeClock())
    monkeypatch.setattr(bench, "DdrProbe", FakeDdr)
    settings = bench.BenchSettings(patterns=("sequential",), repeats=1, results_dir=tmp_path, hostlink_count=0,
                                   ddr_length=65536)
    outcome = bench.run_bench(lab, "sim", settings, lambda m: None, (), board)
    data = json.loads(outcome.results.path.read_text())
    assert [v["verdict"] for v in data["verdicts"]] == ["not judged", "not judged"]
    assert all("clock sys fails timing" in v["message"] for v in data["verdicts"])
    table = bench.render_outcome(outcome)
    assert "not judged (clock sys fails timing)" in table and "OPTIMISTIC" not in table
    assert " holds" not in table.split("invariants:")[0]
    html = render_html(RunReport("bench", "x", "t", "now", None, [board_report(data, outcome.results.path)], 0))
    assert "not judged (clock sys fails timing)" in html
    by_name = {i["name"]: i for i in data["invariants"]}
    assert by_name["INTERCARD < LOCAL_DDR"]["not_judged"] == "LOCAL_DDR: clock sys fails timing"
    assert "not judged" in table.split("invariants:")[1]
    assert not by_name["HOST < INTERCARD"].get("not_judged")         # constants only: judged as before
    assert run_outcome(data).messages("verdicts not held") == [m for m in run_outcome(data).messages(
        "verdicts not held") if "LOCAL_DDR" not in m]


def test_a_pair_whose_lane_clock_fails_timing_is_not_judged():
    from sailbench.harness.judge.pair import LaneRate, judge_direction
    from sailbench.harness.run.pair.runner import withhold_on_timing
    from sailbench.harness.judge.pair import GroupWindow
    rates = [LaneRate(i, "upstream->downstream", 10, 10_000, 0, 9_999, 62.5e6, latch_cycle=20_000) for i in range(4)]
    j = judge_direction("upstream->downstream", rates, 500e6, 0.1, 0.25, GroupWindow(30_000, 75e6))
    assert withhold_on_timing(j, [{"failing_clocks": []}, {}]) is j
    assert withhold_on_timing(j, [{"failing_clocks": ["eth_rx"]}, {}]) is j      # not a lane clock
    held = withhold_on_timing(j, [{"failing_clocks": []}, {"failing_clocks": ["lane2_word"]}])
    assert held.verdict.verdict == "not judged" and held.verdict.label == "not judged (clock lane2_word fails timing)"
    assert "not judged (clock lane2_word fails timing)" in held.message


def test_the_pair_table_marks_a_simulated_pair():
    from sailbench.harness.judge.pair import LaneRate, judge_direction
    from sailbench.harness.run.pair.runner import PairResult
    from sailbench.harness.run.pair.table import render_pair
    from sailbench.harness.judge.pair import GroupWindow
    rates = [LaneRate(i, "upstream->downstream", 10, 10_000, 0, 9_999, 62.5e6, latch_cycle=20_000) for i in range(4)]
    j = judge_direction("upstream->downstream", rates, 250e6, 0.1, 0.25, GroupWindow(30_000, 75e6))
    result = PairResult("r", Path("/nonexistent.json"), {}, "measured pair 'p'", None, rates, [], [j], [], {},
                        simulated=True)
    line = next(x for x in render_pair(result).splitlines() if x.startswith("pair up->down"))
    assert line.endswith("holds (sim)")
