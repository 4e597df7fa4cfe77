"""Every case of the outcome table, through the files a run writes: the exit status `sailbench bench` and
`sailbench pair` return (report/run_files.py, the function they call), the JUnit and HTML files written
beside the results, and the nightly's bits, all read back from disk. The same agreement through the real
process, on the simulated board, is tests/cli/test_outcome_scenarios.py."""
import json
import xml.etree.ElementTree as ET

import pytest

from sailbench.harness.record.outcome import EXIT_CODES, INTERRUPTED, MEASUREMENT, NOT_RUN, PASSED, VERDICTS
from sailbench.harness.report.model import board_report
from sailbench.harness.report.run_files import write_run_reports
from sailbench.harness.run.nightly import EXIT_INFRASTRUCTURE, EXIT_MEASUREMENT, EXIT_VERDICTS, summarise

from test_outcome import CASES

NIGHTLY_BITS = {PASSED: 0, VERDICTS: EXIT_VERDICTS, MEASUREMENT: EXIT_MEASUREMENT, NOT_RUN: EXIT_INFRASTRUCTURE,
                INTERRUPTED: EXIT_MEASUREMENT}
HEADLINE = {PASSED: "passed", VERDICTS: "verdicts not held", MEASUREMENT: "measurement failure",
            NOT_RUN: "infrastructure failure", INTERRUPTED: "measurement failure"}


@pytest.mark.parametrize("name,document,outcome,says", CASES, ids=[c[0] for c in CASES])
def test_exit_status_nightly_report_and_junit_agree(tmp_path, name, document, outcome, says):
    document = {"run_id": "r1", "started": "2026-12-02T10:00:00+00:00", "finished": None, **document}
    document["provenance"] = {**document["provenance"], "simulated": True}
    path = tmp_path / "r1.json"
    path.write_text(json.dumps(document))
    run = write_run_reports("bench", path)
    assert run.exit_code == EXIT_CODES[outcome]                      # what the process returns
    bits = summarise([board_report(document, path)])
    worst_bit = max((b for b in (EXIT_INFRASTRUCTURE, EXIT_MEASUREMENT, EXIT_VERDICTS) if bits & b), default=0)
    assert worst_bit == NIGHTLY_BITS[outcome], bits
    junit = ET.parse(run.files.junit).getroot()
    bad = int(junit.get("failures")) + int(junit.get("errors"))
    assert (bad == 0) == (outcome == PASSED), run.files.junit.read_text()
    assert {p.get("name"): p.get("value") for p in junit.iter("property")}["simulated"] == "true"
    html = run.files.html.read_text()
    assert f"Exit status <b>{EXIT_CODES[outcome]}</b>" in html
    badge = html[html.index("<h2>Board"):html.index("</h2>", html.index("<h2>Board"))]
    assert HEADLINE[outcome] in badge, badge
    if says:
        assert says in run.outcome.message
