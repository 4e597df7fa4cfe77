"""`sailbench history` (harness/cli/history.py): its two actions, what it hands to the runner, and
`history info` / a missing import file on a SQLite history in-process. The import into a real
PostgreSQL server, twice, is tests/history/test_history_postgres.py."""
from pathlib import Path

from sailbench.harness.cli import options
from sailbench.harness.run import history_import
from unit.fakes.cli_runs import RunnerCall, help_text, lab_file, sailbench


def test_help_names_both_actions(capsys):
    text = help_text(capsys, "history")
    assert "info" in text and "import" in text and "docs/history.md" in text
    assert "FILE.sqlite" in help_text(capsys, "history", "import")


def test_an_action_is_required(tmp_path, capsys):
    done = sailbench(capsys, lab_file(tmp_path), "history")
    assert done.code == 2 and done.err[-1].startswith("sailbench history: error:") and "ACTION" in done.err[-1]


def test_import_without_a_file_is_refused_by_the_parser(tmp_path, capsys):
    done = sailbench(capsys, lab_file(tmp_path), "history", "import")
    assert done.code == 2 and "FILE.sqlite" in done.err[-1]


def test_the_action_and_file_reach_the_runner(tmp_path, capsys, monkeypatch):
    runner = RunnerCall(result=0)
    monkeypatch.setattr(history_import, "history_command", runner)
    assert sailbench(capsys, lab_file(tmp_path), "history", "import", "pc.sqlite").code == 0
    lab, action, file = runner.args
    assert (action, file) == ("import", Path("pc.sqlite")) and lab.path == tmp_path / "lab.yaml"
    assert runner.kwargs == {"progress": options.progress}


def test_info_on_an_empty_sqlite_history(tmp_path, capsys):
    done = sailbench(capsys, lab_file(tmp_path), "history", "info")
    assert done.code == 0, done.err
    assert done.out == [f"history {tmp_path / 'results' / 'history.sqlite'} (sqlite, schema 3): 0 complete runs"]


def test_importing_a_missing_file_is_one_line_and_exit_2(tmp_path, capsys):
    done = sailbench(capsys, lab_file(tmp_path), "history", "import", str(tmp_path / "gone.sqlite"))
    assert done.code == 2 and done.out == []
    assert done.err == [f"sailbench: error: {tmp_path / 'gone.sqlite'}: no such history file "
                        "(a bench PC's history.sqlite)"]
