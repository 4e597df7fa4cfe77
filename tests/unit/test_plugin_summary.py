"""The plugin's end-of-run judgement table and its JUnit properties, in a child pytest (pytester).

The checks are the acceptance run's own (harness/run/acceptance.py) built from real verdicts on given
rates, so no board is needed: what is tested is what the plugin prints and writes.
"""
import xml.etree.ElementTree as ET

LAB = """\
default_board: sim
boards:
  sim: {kind: sim}
"""

TESTS = """\
import pytest
from sailbench.harness.judge.verdict import judge, judge_invariants
from sailbench.harness.run.acceptance import _invariant_check, _verdict_check

DDR, HOST, INTER = "LOCAL_DDR_BW_BYTES_PER_SEC", "HOST_LINK_BW_BYTES_PER_SEC", "INTERCARD_BW_BYTES_PER_SEC"
INVARIANTS = judge_invariants({DDR: (512e6, True), HOST: (117e6, True), INTER: (500e6, False)})
pytestmark = [pytest.mark.constants, pytest.mark.board]


def test_constant_ddr(judged):
    judged(_verdict_check(DDR + "[write sequential]", judge(DDR, 2e9, 512e6, 0.1, 0.5), True, "run-1"))


def test_constant_host(judged):
    judged(_verdict_check(HOST + "[board->host 1472 B]", judge(HOST, 100e6, 117e6, 0.1, 0.5), True, "run-1"))


@pytest.mark.parametrize("index", range(3))
def test_invariant(judged, index):
    judged(_invariant_check(INVARIANTS[index], True, "run-1"))


@pytest.fixture
def no_board():
    pytest.fail("board 'sim' could not be opened", pytrace=False)


def test_constant_never_judged(no_board, judged):
    pass
"""


def _run(pytester, *args):
    pytester.makefile(".yaml", lab=LAB)
    pytester.makepyfile(test_judged=TESTS)
    return pytester.runpytest_subprocess("--lab", "lab.yaml", "--board", "sim", "-p", "no:cacheprovider", *args)


def _table(stdout: str) -> list[str]:
    lines = stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if "sailbench judgement" in line)
    return lines[start + 1:start + 9]


def test_the_table_lists_every_check_without_verbose_and_junit_has_no_warning(pytester):
    result = _run(pytester, "-q", "--junitxml=out.xml")
    out = result.stdout.str()
    table = _table(out)
    assert table[0].split() == ["check", "measured", "MB/s", "constant", "MB/s", "ratio", "verdict"]
    rows = {line.split("  ")[0]: line for line in table[2:]}
    assert "512.0" in rows["LOCAL_DDR[write sequential]"] and "LOCAL_DDR 2000.0" in rows["LOCAL_DDR[write sequential]"]
    assert rows["LOCAL_DDR[write sequential]"].endswith("0.26x  OPTIMISTIC (sim)")
    assert rows["HOST_LINK[board->host 1472 B]"].endswith("1.17x  holds (sim)")
    assert "HOST_LINK 117.0" in rows["invariant[HOST < INTERCARD]"]
    assert "INTERCARD 500.0" in rows["invariant[HOST < INTERCARD]"]
    assert rows["invariant[HOST < INTERCARD]"].endswith("holds (sim)")
    assert rows["invariant[LOCAL_DDR >= 4 x INTERCARD]"].endswith("BROKEN (sim)")
    assert rows["test_constant_never_judged"].endswith("NOT JUDGED (the test failed before judging: see above)")
    assert "PytestWarning" not in out and "record_property is incompatible" not in out
    cases = {c.get("name"): c for c in ET.parse(pytester.path / "out.xml").getroot().iter("testcase")}
    props = {p.get("name"): p.get("value") for p in cases["test_constant_ddr"].iter("property")}
    assert props["verdict"] == "optimistic" and props["simulated"] == "True" and props["measured_MBps"] == "512.0"


def test_a_chosen_xunit2_gets_suite_properties_and_no_warning(pytester):
    result = _run(pytester, "-q", "--junitxml=out.xml", "-o", "junit_family=xunit2")
    out = result.stdout.str()
    assert "PytestWarning" not in out and "record_property is incompatible" not in out
    root = ET.parse(pytester.path / "out.xml").getroot()
    assert not [p for c in root.iter("testcase") for p in c.iter("property")]
    suite = {p.get("name"): p.get("value") for p in root.find("testsuite").find("properties").iter("property")}
    assert suite["LOCAL_DDR_BW_BYTES_PER_SEC[write sequential].verdict"] == "optimistic"


def test_no_table_when_nothing_was_judged(pytester):
    pytester.makefile(".yaml", lab=LAB)
    pytester.makepyfile(test_plain="def test_plain():\n    pass\n")
    out = pytester.runpytest_subprocess("--lab", "lab.yaml", "-q").stdout.str()
    assert "sailbench judgement" not in out


def test_a_check_without_its_own_simulated_flag_is_labelled_by_the_session():
    from sailbench.fixtures.judgement_table import JudgedRow, cells
    link = JudgedRow("link[all lanes up]", True, {"status": "ready", "lanes": "[0, 1, 2, 3]"})
    assert cells(link, simulated=True)[-1] == "holds (sim)" and cells(link)[-1] == "holds"
    down = JudgedRow("link[all lanes up]", False, {"status": "timeout"})
    assert cells(down, simulated=True)[1:] == ["-", "-", "-", "FAILED (sim)"]
