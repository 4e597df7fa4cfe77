"""The CLI, the nightly, the HTML report and the JUnit XML agree on every case of the outcome table."""
import json
import xml.etree.ElementTree as ET

import pytest

from sailbench.harness.record.outcome import INTERRUPTED, MEASUREMENT, NOT_RUN, PASSED, VERDICTS, run_outcome
from sailbench.harness.report.html import render_html
from sailbench.harness.report.junit import render_junit
from sailbench.harness.report.model import RunReport, board_report
from sailbench.harness.run.nightly import EXIT_INFRASTRUCTURE, EXIT_MEASUREMENT, EXIT_VERDICTS, summarise

from test_outcome import CASES

NIGHTLY_BITS = {PASSED: 0, VERDICTS: EXIT_VERDICTS, MEASUREMENT: EXIT_MEASUREMENT, NOT_RUN: EXIT_INFRASTRUCTURE,
                INTERRUPTED: EXIT_MEASUREMENT}


@pytest.mark.parametrize("name,document,outcome,says", CASES, ids=[c[0] for c in CASES])
def test_cli_nightly_report_and_junit_agree(tmp_path, name, document, outcome, says):
    document = {"run_id": "r1", "started": "2026-12-02T10:00:00+00:00", "finished": None, **document}
    path = tmp_path / "r1.json"
    path.write_text(json.dumps(document))
    cli = run_outcome(document).exit_code
    board = board_report(document, path)
    bits = summarise([board])
    worst_bit = max((b for b in (EXIT_INFRASTRUCTURE, EXIT_MEASUREMENT, EXIT_VERDICTS) if bits & b), default=0)
    assert worst_bit == NIGHTLY_BITS[outcome], (cli, bits)
    assert (cli == 0) == (bits == 0) == (outcome == PASSED)
    report = RunReport("bench", "r1", "t", "s", None, [board], exit_code=cli)
    junit = ET.fromstring(render_junit(report).split("\n", 1)[1])
    bad = int(junit.get("failures")) + int(junit.get("errors"))
    assert (bad == 0) == (outcome == PASSED), render_junit(report)
    html = render_html(report)
    assert board.outcome_text in html
    if says:
        assert says.split(":")[0] in html or says in board.message
