"""harness/run/lab_report.py: `nightly --report-only` writes the lab page and its JSON from the lab's
history (here SQLite) and says where; a results directory it cannot write is one line. From a PostgreSQL
history two hosts wrote, through the CLI: tests/history/test_lab_report.py."""
import json
from pathlib import Path

import pytest

from sailbench.harness.errors import ResultsError
from sailbench.harness.record.history import open_history
from sailbench.harness.run.lab_report import write_lab_report
from unit.fakes.history_runs import nightly_board_run, sqlite_lab


@pytest.fixture
def lab(tmp_path):
    return sqlite_lab(tmp_path)


def test_an_empty_history_gives_a_page_saying_so(lab, tmp_path):
    said = []
    report = write_lab_report(lab, progress=said.append)
    assert said == [f"lab report from the history {tmp_path / 'res' / 'history.sqlite'}"]
    assert report.html.parent == tmp_path / "res" and report.html.name.startswith("lab-")
    assert report.json == report.html.with_suffix(".json")
    assert "holds no complete nightly run yet" in report.html.read_text()
    assert report.text().splitlines() == ["lab report: 0 boards and pairs from 0 hosts: none yet",
                                          f"report: {report.html}", f"JSON: {report.json}"]


def test_the_latest_night_of_one_host(lab, tmp_path):
    with open_history(lab) as h:
        nightly_board_run(h, "pc-a", "versa-a", "20261206-nightly-pc-a", 520e6)
    report = write_lab_report(lab, tmp_path / "elsewhere", progress=lambda s: None)
    assert report.html.parent == tmp_path / "elsewhere"
    assert report.text().splitlines()[0] == "lab report: 1 board and pairs from 1 host: pc-a (20261206-nightly-pc-a)"
    data = json.loads(report.json.read_text())
    assert data["nights"] == {"pc-a": "20261206-nightly-pc-a"} and len(data["runs"]) == 1
    assert 'data-host="pc-a"' in report.html.read_text()


def test_a_results_dir_that_is_a_file_is_one_line(lab, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(ResultsError) as info:
        write_lab_report(lab, Path(blocker), progress=lambda s: None)
    assert str(info.value).startswith(f"cannot write the lab report in {blocker}: ")
    assert "results.dir" in str(info.value) and "\n" not in str(info.value)
