"""The read-leveling scan kept and drawn: the bring-up results file and page (no board).

Scans come from harness/board/dram_init.read_leveling run against a model of each lane's read
window (lane 0 reads back at bitslip 1, delays 2..6; lane 1 never), so the picture is checked
against what the host's leveling really records.
"""
from __future__ import annotations

import json
import re

from types import SimpleNamespace

import pytest

from sailbench.harness.board import dram_init
from sailbench.harness.board.dram_init import LevelingError, lane_diagnosis, read_leveling
from sailbench.harness.config import BoardConfig
from sailbench.harness.errors import DramInitError
from sailbench.harness.report.bringup_page import bringup_data, render_bringup_html, write_bringup_files
from sailbench.harness.report.leveling import lane_block, lane_text, leveling_section
from sailbench.harness.run import bringup
from sailbench.harness.run.bringup import FAILED, NOT_RUN, PASSED, BringupReport, Stage


class Window:
    """Lane m reads right only at bitslip good[m][0] and delays good[m][1]."""

    def __init__(self, good, modules=2, delays=16, bitslips=4):
        self.good, self.modules, self.delays, self.bitslips = good, modules, delays, bitslips
        self.b = {m: 0 for m in range(modules)}
        self.d = {m: 0 for m in range(modules)}

    def reset_delay(self, m): self.d[m] = 0
    def inc_delay(self, m): self.d[m] = (self.d[m] + 1) % self.delays
    def reset_bitslip(self, m): self.b[m] = 0
    def inc_bitslip(self, m): self.b[m] = (self.b[m] + 1) % self.bitslips
    def max_errors(self): return 96

    def errors(self, m):
        if m in self.good and self.b[m] == self.good[m][0] and self.d[m] in self.good[m][1]:
            return 0
        return 40


@pytest.fixture
def scan():
    return [m.to_dict() for m in read_leveling(Window({0: (1, range(2, 7))}))]


def test_lane_diagnosis_names_the_strobe_of_a_lane_that_never_passes(scan):
    assert lane_text(scan[1]) == "byte lane 1 never passes: DQS1 or its termination"
    assert lane_text(scan[0]) == "byte lane 0: bitslip 1, delay 4 (window 2..6, 5 taps)"
    result = read_leveling(Window({0: (1, range(2, 7))}))
    assert [lane_diagnosis(m) for m in result] == [lane_text(m) for m in scan]     # host and page agree


def test_a_lane_block_has_a_cell_per_tap_and_bitslip_with_the_window_and_centre_marked(scan):
    html = lane_block(scan[0])
    cells = re.findall(r'<td class="([^"]*)"[^>]*data-lane="0" data-bitslip="(\d)" data-delay="(\d+)" '
                       r'data-pass="(\d)"', html)
    assert len(cells) == 4 * 16
    passing = [(int(b), int(d)) for cls, b, d, ok in cells if ok == "1"]
    assert passing == [(1, d) for d in range(2, 7)]
    window = [int(d) for cls, b, d, ok in cells if "win" in cls.split()]
    centre = [(int(b), int(d)) for cls, b, d, ok in cells if "centre" in cls.split()]
    assert window == list(range(2, 7)) and centre == [(1, 4)]
    assert "lane 0 b1 &#9664; chosen" in html


def test_a_lane_with_no_window_has_no_chosen_row_and_says_why(scan):
    html = lane_block(scan[1])
    assert "chosen" not in html.replace('class=""', "") and "win" not in html
    assert 'data-pass="1"' not in html
    assert "byte lane 1 never passes: DQS1 or its termination" in html


def test_section_without_a_scan_says_why():
    assert "not applicable (simulated)" in leveling_section(None, "not applicable (simulated): no leveling")


def test_leveling_error_keeps_the_scan_and_the_stage_shows_it():
    result = read_leveling(Window({0: (1, range(2, 7))}))

    class Strategy:
        board = None

        def transition(self, state):
            raise LevelingError("DRAM read leveling: " + lane_diagnosis(result[1]), board="versa", leveling=result)
    config = BoardConfig(name="versa", kind="hardware", profile="versa-ecp5", serial="/dev/ttyUSB1", cable="ft2232")
    runner = bringup._Bringup(config, lambda m: None, Strategy())
    runner.board = SimpleNamespace(manifest=SimpleNamespace(dram=object()), build_dir="b")
    stage = bringup._run_stage("DRAM leveling", runner.dram_leveling)
    assert stage.status == FAILED and "byte lane 1 never passes: DQS1 or its termination" in stage.detail
    assert runner.records[0]["probe"] == "dram_init" and len(runner.records[0]["leveling"]) == 2
    assert "DQS pair and its termination" in stage.next_step


def test_bringup_files_keep_the_scan_and_draw_it(tmp_path, scan):
    report = BringupReport("versa", "hardware", [Stage("DRAM leveling", FAILED, "DRAM read leveling: byte lane 1 never "
                                                 "passes: DQS1 or its termination", "check DQS1"),
                                                 Stage("DRAM lines", NOT_RUN)])
    report.records = [{"probe": "dram_init", "board": "versa", "leveling": scan}]
    js, page = write_bringup_files(report, tmp_path)
    data = json.loads(js.read_text())
    assert data["records"][0]["leveling"][0]["scan"]["1"][2:7] == [0, 0, 0, 0, 0]
    assert data["failed_stage"] == "DRAM leveling" and not data["passed"]
    html = page.read_text()
    assert html == render_bringup_html(bringup_data(report))
    assert html.count('data-lane-diagnosis=') == 2 and "DRAM read leveling" in html
    assert "<script" not in html


def test_dram_init_raises_the_leveling_error_with_the_scan(monkeypatch):
    assert issubclass(LevelingError, DramInitError) and dram_init.LevelingError is LevelingError
    e = LevelingError("x", board="versa", leveling=[])
    assert str(e) == "board 'versa': x" and e.leveling == []


def test_passed_report_has_a_line_test_section(tmp_path):
    report = BringupReport("sim", "sim", [Stage("DRAM lines", PASSED, "pass")])
    report.records = [{"probe": "dram_lines", "board": "sim", "link": "uart", "seconds": 0.4, "accesses": 372,
                       "passed": True, "tests": [{"name": "data lines", "status": "passed", "accesses": 272,
                                                  "detail": "34 patterns", "faults": []}]}]
    html = render_bringup_html(bringup_data(report))
    assert "372 word accesses over uart" in html and "no read-leveling scan in this run" in html


def test_a_bench_report_of_a_real_board_draws_its_leveling_scan(scan):
    from sailbench.harness.report.html import render_html
    from sailbench.harness.report.model import BoardReport, RunReport
    data = {"started": "2026-12-02T16:00:00Z", "records": [],
            "provenance": {"board": "versa", "bringup": {"load": None, "dram_init": {"leveling": scan}}}}
    board = BoardReport("versa", "passed", results=data)
    html = render_html(RunReport("bench", "r1", "sailbench bench r1", data["started"], None, [board], 0))
    assert "<h3>DRAM read leveling</h3>" in html and html.count("data-lane-diagnosis=") == 2
    no_scan = {**data, "provenance": {"board": "sim"}}
    html = render_html(RunReport("bench", "r2", "t", data["started"], None, [BoardReport("sim", "passed",
                                                                                      results=no_scan)], 0))
    assert "DRAM read leveling" not in html
