"""report_stopped_run: a run stopped after its results file existed says what stopped it, writes the
reports from that file and returns the outcome rule's status on it (so the process and the files
agree); Ctrl-C keeps what was measured."""
import json

import pytest

from sailbench.harness.record.outcome import EXIT_CODES
from sailbench.harness.run.stopped import RunStopped, report_stopped_run

from unit.record.test_outcome import CASES


def _results(tmp_path, document):
    document = {"run_id": "r1", "started": "2026-12-02T10:00:00+00:00", "finished": None, **document}
    path = tmp_path / "r1.json"
    path.write_text(json.dumps(document))
    return path


@pytest.mark.parametrize("name,document,outcome,says", CASES[:3], ids=[c[0] for c in CASES[:3]])
def test_the_status_is_the_outcome_rule_on_the_file(tmp_path, capsys, name, document, outcome, says):
    path = _results(tmp_path, document)
    status = report_stopped_run("bench", RuntimeError("board 'versa': silent"), path, 12.34)
    assert status == EXIT_CODES[outcome]
    out, err = capsys.readouterr()
    assert "sailbench: error: board 'versa': silent" in err
    assert f"results: {path}" in out and "report: " in out
    assert list(tmp_path.rglob("*.html")) and list(tmp_path.rglob("*.xml"))   # HTML and JUnit beside it


def test_ctrl_c_says_what_was_measured_is_kept(tmp_path, capsys):
    path = _results(tmp_path, CASES[0][1])
    report_stopped_run("bench", KeyboardInterrupt(), path, 1.0)
    assert "interrupted; what was measured is kept" in capsys.readouterr().err


def test_run_stopped_carries_the_error_and_the_file(tmp_path):
    cause = RuntimeError("lost the board")
    stopped = RunStopped(cause, tmp_path / "r1.json", 3.5)
    assert str(stopped) == "lost the board" and stopped.error is cause and stopped.seconds == 3.5
