"""The pytest plugin in a child pytest (pytester): its options, its errors, what a session runs."""
import pytest

LAB = """\
default_board: sim
boards:
  sim: {kind: sim}
  versa: {kind: hardware, profile: versa-ecp5, serial: "socket://127.0.0.1:9", cable: ft2232}
pairs:
  p1: {kind: sim, profile: versa-ecp5, upstream: p1-up, downstream: p1-down, lanes: 4}
"""

TESTS = """\
import pytest

def test_dev():
    pass

@pytest.mark.board
def test_on_board(board_name, lab):
    assert board_name in lab.boards

@pytest.mark.board
@pytest.mark.sim_only
def test_sim_fault():
    pass

@pytest.mark.constants
@pytest.mark.board
def test_judged_board():
    pass

@pytest.mark.constants
@pytest.mark.lab_pair
def test_judged_pair():
    pass

@pytest.mark.lab_pair
def test_on_pair(pair_name):
    assert pair_name == "p1"
"""


@pytest.fixture
def lab_dir(pytester):
    pytester.makefile(".yaml", lab=LAB)
    pytester.makepyfile(test_sel=TESTS)
    return pytester


def _outcome(result):
    return {r.nodeid.split("::")[-1]: r.outcome for r in result.reprec.getreports("pytest_runtest_logreport")
            if r.when == "call"}


def test_help_lists_the_options(pytester):
    out = pytester.runpytest("--help").stdout.str()
    for opt in ("--board", "--lab", "--pair", "--placement", "--dev-tests"):
        assert opt in out


def test_unknown_board_is_a_usage_error_naming_it(lab_dir):
    r = lab_dir.runpytest("--lab", "lab.yaml", "--board", "nope")
    assert r.ret == pytest.ExitCode.USAGE_ERROR
    r.stderr.fnmatch_lines(["*sailbench:*nope*"])


def test_bad_placement_is_a_usage_error(lab_dir):
    r = lab_dir.runpytest("--lab", "lab.yaml", "--placement", "sideways")
    assert r.ret == pytest.ExitCode.USAGE_ERROR
    r.stderr.fnmatch_lines(["*sailbench:*sideways*"])


def test_malformed_lab_is_a_usage_error_naming_the_file(pytester):
    pytester.makefile(".yaml", lab="boards: [1, 2\n")
    r = pytester.runpytest("--lab", "lab.yaml")
    assert r.ret == pytest.ExitCode.USAGE_ERROR
    r.stderr.fnmatch_lines(["*sailbench:*lab.yaml*"])


def test_developer_suite_runs_everything_but_the_judgement(lab_dir):
    r = lab_dir.runpytest_inprocess("--lab", "lab.yaml", "-p", "no:cacheprovider")
    got = _outcome(r)
    assert set(got) == {"test_dev", "test_on_board", "test_sim_fault", "test_on_pair"}
    assert set(got.values()) == {"passed"}
    r.stdout.fnmatch_lines(["*developer suite*board tests on 'sim'*", "*2 tests not run (constant judgement*"])


def test_board_acceptance_run_judges_and_leaves_developer_tests_out(lab_dir):
    r = lab_dir.runpytest_inprocess("--lab", "lab.yaml", "--board", "sim", "-p", "no:cacheprovider")
    assert set(_outcome(r)) == {"test_on_board", "test_sim_fault", "test_judged_board"}
    r.stdout.fnmatch_lines(["*acceptance run of board 'sim'*"])


def test_hardware_board_leaves_simulator_only_tests_out(lab_dir):
    r = lab_dir.runpytest_inprocess("--lab", "lab.yaml", "--board", "versa", "-p", "no:cacheprovider")
    assert set(_outcome(r)) == {"test_on_board", "test_judged_board"}


def test_pair_acceptance_run(lab_dir):
    r = lab_dir.runpytest_inprocess("--lab", "lab.yaml", "--pair", "p1", "-p", "no:cacheprovider")
    assert set(_outcome(r)) == {"test_on_pair", "test_judged_pair"}


def test_dev_tests_option_adds_the_developer_tests(lab_dir):
    r = lab_dir.runpytest_inprocess("--lab", "lab.yaml", "--board", "sim", "--dev-tests", "-p", "no:cacheprovider")
    assert {"test_dev", "test_on_board", "test_judged_board"} <= set(_outcome(r))


def test_a_board_that_is_not_there_fails_every_board_test_with_one_line(lab_dir, monkeypatch):
    """`pytest --board versa` without a cable: each board test fails with the open's one-line error
    and its hint, never skipped; the cable is looked for once and before any build (openFPGALoader's
    answer with no cable is given; a build would take minutes)."""
    import sailbench.harness.board.loader as loader
    import sailbench.harness.build.bitstream as bitstream
    detects, builds = [], []

    def no_cable(cable, args, timeout_s):
        detects.append(args)
        return 1, "unable to open ftdi device: -3 (device not found)\nJTAG init failed\n"

    monkeypatch.setattr(loader, "executable", lambda: "openFPGALoader")
    monkeypatch.setattr(loader, "run", no_cable)
    monkeypatch.setattr(bitstream, "ensure_bitstream", lambda config, progress=print: builds.append(config))
    lab_dir.makefile(".yaml", lab=LAB + "locks: {dir: locks}\n")
    lab_dir.makepyfile(test_hw="""
import pytest

@pytest.mark.board
def test_one(board):
    pass

@pytest.mark.board
def test_two(ddr_probe):
    pass
""")
    r = lab_dir.runpytest_inprocess("--lab", "lab.yaml", "--board", "versa", "-p", "no:cacheprovider", "test_hw.py")
    reports = [x for x in r.reprec.getreports("pytest_runtest_logreport") if x.when == "setup"]
    assert [x.outcome for x in reports] == ["failed", "failed"]
    assert all("cable 'ft2232' not found" in x.longreprtext and "Traceback" not in x.longreprtext
               and "check next: check the USB cable" in x.longreprtext for x in reports)
    assert detects == [["--detect"]] and builds == []


def test_a_named_only_test_runs_only_when_its_file_is_named(lab_dir):
    """Another board's bitstream (minutes of nextpnr) stays out of plain pytest and of runs that
    name other paths; naming its file runs it."""
    lab_dir.makepyfile(test_other_board="""
import pytest

@pytest.mark.named_only
def test_long_build():
    pass
""")
    r = lab_dir.runpytest_inprocess("--lab", "lab.yaml", "-p", "no:cacheprovider")
    assert "test_long_build" not in _outcome(r) and "test_dev" in _outcome(r)
    r = lab_dir.runpytest_inprocess("--lab", "lab.yaml", "-p", "no:cacheprovider", "test_sel.py")
    assert "test_long_build" not in _outcome(r)
    r = lab_dir.runpytest_inprocess("--lab", "lab.yaml", "-p", "no:cacheprovider", "test_other_board.py")
    assert _outcome(r) == {"test_long_build": "passed"}
