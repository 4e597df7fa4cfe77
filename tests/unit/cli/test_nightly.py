"""`sailbench nightly` (harness/cli/nightly.py): the bench options become NightlySettings, an unknown tag
is refused before anything opens, the outcome's exit status is returned; --report-only draws the lab page
from the history and measures nothing. The nightly itself: tests/unit/run/test_nightly.py, tests/nightly/;
the lab page from a PostgreSQL history of two hosts: tests/history/test_lab_report.py."""
from pathlib import Path
from types import SimpleNamespace

from sailbench.harness.cli import options
from sailbench.harness.run import nightly
from unit.fakes.cli_runs import RunnerCall, help_text, lab_file, sailbench


def test_help_gives_the_exit_bits(capsys):
    text = help_text(capsys, "nightly")
    assert "--tag" in text and "--report-only" in text and "a sum of 1" in text and "8 (a board could not" in text


def test_settings_reach_the_nightly_and_its_exit_status_is_returned(tmp_path, capsys, monkeypatch):
    runner = RunnerCall(result=SimpleNamespace(exit_code=5))
    monkeypatch.setattr(nightly, "run_nightly", runner)
    monkeypatch.setattr(nightly, "render_summary", lambda outcome: "summary table")
    done = sailbench(capsys, lab_file(tmp_path), "nightly", "--tag", "ddr", "--patterns", "random",
                     "--repeats", "2", "--hostlink-count", "0")
    assert done.code == 5 and done.out == ["summary table"]
    settings = runner.args[1]
    assert settings.tag == "ddr" and settings.bench.patterns == ("random",) and settings.bench.repeats == 2
    assert settings.bench.hostlink_count == 0 and runner.kwargs == {"progress": options.progress}


def test_an_unknown_tag_is_one_line_before_the_nightly_starts(tmp_path, capsys, monkeypatch):
    runner = RunnerCall()
    monkeypatch.setattr(nightly, "run_nightly", runner)
    done = sailbench(capsys, lab_file(tmp_path), "nightly", "--tag", "gone")
    assert done.code == 2 and runner.calls == []
    assert done.err == [f"sailbench: error: {tmp_path / 'lab.yaml'}: no board or pair has tag 'gone'; "
                        "tags in lab.yaml: ddr, sim"]


def test_report_only_draws_the_page_from_an_empty_history_and_measures_nothing(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(nightly, "run_nightly", RunnerCall())
    done = sailbench(capsys, lab_file(tmp_path), "nightly", "--report-only", "--results-dir", str(tmp_path / "r"))
    assert done.code == 0, done.err
    assert nightly.run_nightly.calls == []
    assert "lab report: 0 boards and pairs from 0 hosts: none yet" in done.out
    page = Path(next(line for line in done.out if line.startswith("report: ")).removeprefix("report: "))
    assert page.parent == tmp_path / "r" and "holds no complete nightly run yet" in page.read_text()
