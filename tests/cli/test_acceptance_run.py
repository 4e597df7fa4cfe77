"""`pytest --board sim` is the lab's acceptance run: the scheduler constants judged as tests.

Runs a child pytest on the simulated board (its own simulator, namespace and results) and reads its
JUnit XML: on the pinned rev-A constants LOCAL_DDR honestly fails with the OPTIMISTIC message, the
host link holds, and every judged test carries its figure, ratio and verdict as properties (JUnit
xunit1, no warning); the judgement table ends the run's output without -v; under umask 022 the files
it writes are 0644.
"""
import stat
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def test_board_acceptance_run_on_the_simulated_board(tmp_path):
    lab = tmp_path / "lab.yaml"
    lab.write_text("default_board: sim\nboards:\n  sim: {kind: sim}\n"
                   f"results: {{dir: {tmp_path / 'results'}}}\nlocks: {{dir: {tmp_path / 'locks'}}}\n")
    junit = tmp_path / "acceptance.xml"
    done = subprocess.run([sys.executable, "-m", "pytest", "--board", "sim", "--lab", str(lab), "-p",
                           "no:cacheprovider", f"--junitxml={junit}", "-q", "tests/acceptance"],
                          cwd=REPO, capture_output=True, text=True, timeout=900, umask=0o022)
    assert done.returncode == 1, done.stdout[-3000:] + done.stderr[-2000:]
    written = [junit, *(tmp_path / "results").iterdir()]        # pytest's JUnit and the results file: 0644
    assert len(written) >= 2 and all(stat.S_IMODE(f.stat().st_mode) == 0o644 for f in written if f.is_file()), \
        {f.name: oct(stat.S_IMODE(f.stat().st_mode)) for f in written}
    assert "PytestWarning" not in done.stdout, done.stdout[-3000:]        # JUnit family xunit1 (the plugin)
    table = done.stdout.split("sailbench judgement")[1]                   # printed without -v
    for row in ("LOCAL_DDR[write sequential]", "LOCAL_DDR[read sequential]", "HOST_LINK[board->host 1472 B]",
                "HOST_LINK[host->board 1472 B]", "invariant[HOST < INTERCARD]"):
        assert row in table and " (sim)" in table.split(row)[1].splitlines()[0], table
    cases = {c.get("name"): c for c in ET.parse(junit).getroot().iter("testcase")}
    failed = {n for n, c in cases.items() if c.find("failure") is not None or c.find("error") is not None}
    ddr = {n for n in cases if "LOCAL_DDR_BW_BYTES_PER_SEC" in n and n.startswith("test_constant")}
    assert len(ddr) == 2 and ddr <= failed
    for name in ddr:
        message = cases[name].find("failure").get("message")
        assert "OPTIMISTIC" in message and "simulated board" in message
        props = {p.get("name"): p.get("value") for p in cases[name].iter("property")}
        assert props["verdict"] == "optimistic" and props["simulated"] == "True"
        assert 0.2 < float(props["ratio"]) < 0.3 and 450 < float(props["measured_MBps"]) < 600
    host = {n for n in cases if "HOST_LINK_BW_BYTES_PER_SEC" in n}
    assert len(host) == 2 and not host & failed
    invariants = {n for n in cases if n.startswith("test_invariant")}
    assert len(invariants) == 3
    assert "test_invariant[HOST < INTERCARD]" not in failed
    assert "test_invariant[LOCAL_DDR >= 4 x INTERCARD]" in failed
    assert "tests not run (pair judgement: run with --pair)" in done.stdout


@pytest.mark.timeout(3000)        # builds the simulated pair when no earlier test did (15 min on a busy machine)
def test_pair_acceptance_run_on_the_simulated_pair(tmp_path):
    """`pytest --pair sim-pair`: INTERCARD per direction and the link checks as tests, on the simulated pair
    (strict placement whatever --placement says). Every name in PAIR_CONSTANTS and PAIR_LINK_CHECKS is a test
    that ran (none skipped); the simulated pair's 4 lanes carry about 99 % of 500 MB/s, so INTERCARD holds,
    and the figures are labelled simulated."""
    from sailbench.harness.run.acceptance import PAIR_CONSTANTS, PAIR_LINK_CHECKS
    lab = tmp_path / "lab.yaml"
    lab.write_text("default_board: sim\nboards:\n  sim: {kind: sim}\n"
                   "pairs:\n  sim-pair: {kind: sim, profile: versa-ecp5, upstream: sim-pair-up, "
                   "downstream: sim-pair-down, lanes: 4}\n"
                   f"results: {{dir: {tmp_path / 'results'}}}\nlocks: {{dir: {tmp_path / 'locks'}, wait_s: 60}}\n")
    junit = tmp_path / "pair-acceptance.xml"
    done = subprocess.run([sys.executable, "-m", "pytest", "--pair", "sim-pair", "--lab", str(lab), "-p",
                           "no:cacheprovider", f"--junitxml={junit}", "-q", "tests/acceptance/test_pair_constants.py"],
                          cwd=REPO, capture_output=True, text=True, timeout=2900)
    said = done.stdout[-3000:] + done.stderr[-2000:]
    cases = {c.get("name"): c for c in ET.parse(junit).getroot().iter("testcase")}
    ran = {n for n, c in cases.items() if c.find("skipped") is None}
    assert {f"test_constant[{n}]" for n in PAIR_CONSTANTS} <= ran, said
    assert {f"test_link[{n}]" for n in PAIR_LINK_CHECKS} <= ran, said
    assert done.returncode == 0, said
    for n in PAIR_CONSTANTS:
        props = {p.get("name"): p.get("value") for p in cases[f"test_constant[{n}]"].iter("property")}
        assert props["verdict"] == "holds" and props["simulated"] == "True", props
        assert props["lanes_measured"] == "0,1,2,3" and 450 < float(props["measured_MBps"]) <= 500, props
