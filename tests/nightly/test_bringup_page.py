"""The bring-up page in headless chromium: the leveling scan drawn per lane, the line tests listed.

Two pages: one written by `sailbench bringup --board sim` (the simulated DRAM needs no leveling:
the page says so; the line tests pass), one from a real board's kept scan (lane 0 levels at
bitslip 1, delays 2..6; lane 1 never passes), rendered by the same writer the command uses.
"""
from __future__ import annotations

from html.parser import HTMLParser

from helpers import chromium_run, png_pixels, report_path, sailbench, write_lab

from sailbench.harness.board.dram_init import read_leveling
from sailbench.harness.report.bringup_page import write_bringup_files
from sailbench.harness.run.bringup import FAILED, NOT_RUN, BringupReport, Stage

SIM = """\
  sim:
    kind: sim
    profile: versa-ecp5
"""
GREEN, RED, BLUE = (0x2E, 0x7D, 0x32), (0xE5, 0x73, 0x73), (0x0D, 0x47, 0xA1)


class Cells(HTMLParser):
    """Every leveling cell as the browser rendered it: (lane, bitslip, delay, passes, classes)."""

    def __init__(self):
        super().__init__()
        self.cells, self.diagnoses, self._diag = [], [], False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "td" and "data-delay" in a:
            self.cells.append((int(a["data-lane"]), int(a["data-bitslip"]), int(a["data-delay"]),
                               a["data-pass"] == "1", set(a["class"].split())))
        self._diag = "data-lane-diagnosis" in a

    def handle_data(self, data):
        if self._diag and data.strip():
            self.diagnoses.append(data.strip())
            self._diag = False


class _Window:
    modules, delays, bitslips = 2, 16, 4

    def __init__(self):
        self.b, self.d = [0, 0], [0, 0]

    def reset_delay(self, m): self.d[m] = 0
    def inc_delay(self, m): self.d[m] = (self.d[m] + 1) % self.delays
    def reset_bitslip(self, m): self.b[m] = 0
    def inc_bitslip(self, m): self.b[m] = (self.b[m] + 1) % self.bitslips
    def max_errors(self): return 96
    def errors(self, m): return 0 if m == 0 and self.b[m] == 1 and 2 <= self.d[m] <= 6 else 40


def test_a_kept_scan_is_drawn_per_lane_with_window_centre_and_diagnosis(tmp_path):
    scan = [m.to_dict() for m in read_leveling(_Window())]
    report = BringupReport("versa", "hardware", [
        Stage("identifier", FAILED, "DRAM read leveling: byte lane 1 never passes: DQS1 or its termination",
              "check DQS1"), Stage("DRAM lines", NOT_RUN)])
    report.records = [{"probe": "dram_init", "board": "versa", "leveling": scan}]
    _, page = write_bringup_files(report, tmp_path)
    dom = chromium_run(["--dump-dom", page.as_uri()], tmp_path / "profile-dom")
    assert dom.returncode == 0, dom.stderr[-2000:]
    cells = Cells()
    cells.feed(dom.stdout)
    assert len(cells.cells) == 2 * 4 * 16
    assert [(lane, b, d) for lane, b, d, ok, _ in cells.cells if ok] == [(0, 1, d) for d in range(2, 7)]
    assert [d for lane, b, d, ok, cls in cells.cells if "win" in cls] == [2, 3, 4, 5, 6]
    assert [(lane, b, d) for lane, b, d, ok, cls in cells.cells if "centre" in cls] == [(0, 1, 4)]
    assert cells.diagnoses == ["byte lane 0: bitslip 1, delay 4 (window 2..6, 5 taps)",
                               "byte lane 1 never passes: DQS1 or its termination"]
    shot = tmp_path / "eye.png"
    done = chromium_run(["--window-size=900,900", f"--screenshot={shot}", page.as_uri()], tmp_path / "profile-png")
    assert done.returncode == 0 and shot.is_file(), done.stderr[-2000:]
    width, height, rows = png_pixels(shot)
    bpp = len(rows[0]) // width
    colours = {bytes(row[i:i + 3]) for row in rows for i in range(0, len(row), bpp)}
    for name, rgb in (("passing taps", GREEN), ("failing taps", RED), ("the centre", BLUE)):
        assert bytes(rgb) in colours, f"{name} ({rgb}) are not on screen"


def test_sim_bringup_page_shows_the_stages_the_line_tests_and_why_no_scan(tmp_path):
    lab = write_lab(tmp_path, SIM)
    r = sailbench(lab, "bringup", "--board", "sim", timeout=900)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "DRAM lines       passed: data lines, data masks, address lines and banks pass" in r.stdout
    page = report_path(r.stdout).with_suffix(".html")          # the first "report:" line is the JSON
    dom = chromium_run(["--dump-dom", page.as_uri()], tmp_path / "profile-dom")
    assert dom.returncode == 0, dom.stderr[-2000:]
    text = dom.stdout
    assert "Bring-up of board 'sim'" in text and "bring-up passed" in text
    assert "the simulated DRAM model needs no read leveling" in text and "not applicable (simulated)" not in text
    assert "word accesses over uart" in text and text.count('class="status-passed"') >= 6
