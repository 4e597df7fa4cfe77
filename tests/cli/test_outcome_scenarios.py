"""One outcome, every reader, through the real `sailbench` process on the simulated board.

Each scenario runs the console script as a child process and then asks every reader of the run the same
question: the process's exit status, `run_outcome` on its results file, the nightly's exit bits, the JUnit
file the run wrote (its failure + error count) and the HTML page's headline. They must agree, and the
reports must exist for every outcome once the results file does.

Every outcome has a row: passed (constants the simulated board meets, taken from a first run), verdicts
not held, measurement failed (a probe error, the simulator killed, a board that measures nothing, a pair
with a dead lane or a silent one), could not run (the board runs another build) and interrupted (Ctrl-C
after the clock record).

Cost: eight bench runs of a few seconds of measuring each on the cached simulated builds (one stops at
the identifier), two pair runs, one sweep point, and one extra simulation build (the board without DRAM
and Ethernet, ~1-3 min once).
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from sailbench.harness.record.outcome import INTERRUPTED, MEASUREMENT, NOT_RUN, PASSED, VERDICTS, run_outcome
from sailbench.harness.report.model import board_report
from sailbench.harness.run.nightly import EXIT_INFRASTRUCTURE, EXIT_MEASUREMENT, EXIT_VERDICTS, summarise

from processes import simulators_under

SAILBENCH = [sys.executable, "-m", "sailbench.harness.cli"]
QUICK = ["--ddr-length", "64K", "--repeats", "1", "--patterns", "sequential", "--clock-seconds", "0.2",
         "--hostlink-count", "50", "--no-sweep", "--no-history"]
NIGHTLY_BITS = {PASSED: 0, VERDICTS: EXIT_VERDICTS, MEASUREMENT: EXIT_MEASUREMENT, NOT_RUN: EXIT_INFRASTRUCTURE,
                INTERRUPTED: EXIT_MEASUREMENT}
LAB = """\
default_board: sim
boards:
  sim: {{kind: sim}}
  bare:
    kind: sim
    profile: versa-ecp5
    sim: {{dram: false, ethernet: false}}
pairs:
  sim-pair: {{kind: sim, profile: versa-ecp5, upstream: sim-pair-up, downstream: sim-pair-down, lanes: 4}}
results: {{dir: {results}}}
locks: {{dir: {locks}, wait_s: 5}}
"""


@pytest.fixture
def lab(tmp_path: Path) -> Path:
    path = tmp_path / "lab.yaml"
    path.write_text(LAB.format(results=tmp_path / "results", locks=tmp_path / "locks"))
    return path


def _results(lab: Path) -> dict:
    files = [f for f in (lab.parent / "results").glob("*.json") if "run_id" in json.loads(f.read_text())]
    assert len(files) == 1, files
    return json.loads(files[0].read_text()) | {"_path": str(files[0])}


def every_reader_agrees(proc: subprocess.CompletedProcess, lab: Path, expected: str) -> dict:
    """The exit status, run_outcome, the nightly bits, the run's JUnit and HTML all say `expected`."""
    doc = _results(lab)
    path = Path(doc.pop("_path"))
    found = run_outcome(doc)
    said = proc.stdout[-3000:] + proc.stderr[-3000:]
    assert found.outcome == expected, (found, said)
    assert proc.returncode == found.exit_code, said
    assert "Traceback" not in proc.stderr, proc.stderr
    board = board_report(doc, path)
    bits = summarise([board])
    assert max((b for b in (EXIT_INFRASTRUCTURE, EXIT_MEASUREMENT, EXIT_VERDICTS) if bits & b), default=0) \
        == NIGHTLY_BITS[expected], bits
    junit = path.with_suffix(".junit.xml")
    html = path.with_suffix(".html")
    assert junit.is_file() and html.is_file(), f"reports missing for outcome {expected}: {said}"
    root = ET.parse(junit).getroot()
    bad = int(root.get("failures")) + int(root.get("errors"))
    assert (bad == 0) == (expected == PASSED), ET.tostring(root, encoding="unicode")[:3000]
    props = {p.get("name"): p.get("value") for p in root.iter("property")}
    assert props.get("simulated") == "true" and "(sim)" in root.find("testsuite").get("name")
    page = html.read_text()
    assert board.outcome_text in page and f"Exit status <b>{found.exit_code}</b>" in page
    return doc


def _bench(lab: Path, *args: str, board: str = "sim", env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([*SAILBENCH, "--lab", str(lab), "bench", "--board", board, *QUICK, *args],
                          capture_output=True, text=True, timeout=900, env=env)


def test_verdicts_not_held_and_then_passed_on_constants_the_board_meets(lab, tmp_path):
    """The pinned rev-A LOCAL_DDR is OPTIMISTIC for the simulated board: verdicts not held. Then the same
    run against constants it meets (LOCAL_DDR inside the judgement band of both measured DDR figures, the
    host link not run so its constant stands in, INTERCARD and HOST below so every invariant holds): passed."""
    r = _bench(lab)
    doc = every_reader_agrees(r, lab, VERDICTS)
    assert "NOT every verdict held" in r.stdout and any(v["verdict"] == "optimistic" for v in doc["verdicts"])
    ddr = [v["measured_bytes_per_s"] for v in doc["verdicts"] if v["constant"] == "LOCAL_DDR_BW_BYTES_PER_SEC"]
    low, high = min(ddr), max(ddr)
    assert high / low < 1.25 / 0.9 * 0.95, ddr                      # one constant can hold for both
    local = int((low / 0.9 * high / 1.25) ** 0.5)                   # the band's middle: tolerance 0.10, slack 0.25
    intercard = int(low / 4.4)                                       # LOCAL_DDR >= 4 x INTERCARD, measured
    consts = tmp_path / "bandwidth.rs"
    consts.write_text(f"pub const LOCAL_DDR_BW_BYTES_PER_SEC: u64 = {local};\n"
                      f"pub const INTERCARD_BW_BYTES_PER_SEC: u64 = {intercard};\n"
                      f"pub const HOST_LINK_BW_BYTES_PER_SEC: u64 = {int(intercard * 0.8)};\n")
    Path(_results(lab)["_path"]).unlink()                            # the next run is the only results file
    r = _bench(lab, "--constants", str(consts), "--hostlink-count", "0")
    doc = every_reader_agrees(r, lab, PASSED)
    assert "every verdict held" in r.stdout and {v["verdict"] for v in doc["verdicts"]} == {"holds"}
    assert doc["expected"]["probes"] == ["ddr"] and doc["expected"]["skipped_by_request"] == ["hostlink"]


def test_probe_error_after_the_first_record(lab):
    # 8 bytes is a power of two (the command line takes it, and it fits the DRAM), but less than one
    # BIST word of the build: only the DDR probe knows its word, so it refuses after the clock was measured
    r = _bench(lab, "--ddr-length", "8")
    doc = every_reader_agrees(r, lab, MEASUREMENT)
    assert doc["status"] == "error" and [x["probe"] for x in doc["records"]] == ["clock"]
    assert "BIST word" in r.stderr and "MEASUREMENT FAILED" in r.stdout


def ctrl_c_delivered() -> None:
    """In the child before it runs: SIGINT at its default, so Python turns it into KeyboardInterrupt even
    when this pytest was started in the background (a shell's background job inherits SIGINT ignored)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def until_the_clock_record(p: subprocess.Popen) -> str:
    """Read the bench's stdout up to its clock line, printed right after the clock record is written (an
    event from the child itself, no polling); what was read, for the readers' check."""
    head = []
    for line in p.stdout:
        head.append(line)
        if line.startswith("sys clock"):
            break
    return "".join(head)


def _bench_stopped_after_the_clock_record(lab, stop, **popen) -> subprocess.CompletedProcess:
    """A bench whose progress line after the clock record has been read is handed to `stop`; the whole
    run's output once it ended."""
    p = subprocess.Popen([*SAILBENCH, "--lab", str(lab), "bench", "--board", "sim", "--ddr-length", "64K",
                          "--repeats", "50", "--patterns", "sequential", "--clock-seconds", "0.2", "--no-history"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **popen)
    try:
        head = until_the_clock_record(p)
        stop(p, head)
        out, err = p.communicate(timeout=300)
    finally:
        if p.poll() is None:
            p.kill()
            p.communicate()
    return subprocess.CompletedProcess(p.args, p.returncode, head + out, err)


def test_simulator_killed_after_the_clock_record(lab):
    def kill_the_simulator(p, head):
        sims = simulators_under(p.pid)
        assert p.poll() is None and sims, "the bench ended before its simulator could be killed"
        for pid in sims:
            os.kill(pid, signal.SIGKILL)

    r = _bench_stopped_after_the_clock_record(lab, kill_the_simulator)
    doc = every_reader_agrees(r, lab, MEASUREMENT)
    assert doc["status"] == "error" and doc["records"][0]["probe"] == "clock"


def test_ctrl_c_after_the_clock_record(lab):
    """SIGINT once the clock is recorded (the progress line that follows its record, read from the pipe as
    it comes): interrupted, exit 130, and the reports are still written."""
    def ctrl_c(p, head):
        assert p.poll() is None, head
        p.send_signal(signal.SIGINT)

    r = _bench_stopped_after_the_clock_record(lab, ctrl_c, preexec_fn=ctrl_c_delivered)
    doc = every_reader_agrees(r, lab, INTERRUPTED)
    assert doc["status"] == "interrupted" and doc["records"][0]["probe"] == "clock" and r.returncode == 130


def test_board_running_another_build_could_not_run(lab, tmp_path):
    """The board answers with another build's identifier: stopped before any measurement, after the results
    file was opened. Could not run (exit 2) everywhere, and the reports say so."""
    from sailbench.harness.build.cache import ensure_sim_build
    ident = json.loads((ensure_sim_build("versa-ecp5", progress=lambda m: None) / "sailbench.json").read_text())
    other = ident["identifier"].rsplit("hash=", 1)[0] + "hash=000000000000"
    r = _bench(lab, env=build_with_manifest(tmp_path, identifier=other))
    doc = every_reader_agrees(r, lab, NOT_RUN)
    assert doc["status"] == "error" and doc["records"] == [] and "runs another build" in r.stderr + r.stdout


def build_with_manifest(tmp_path: Path, **changes) -> dict:
    """The simulated board's cached build under tmp_path/build (its files linked), its manifest with
    `changes`: the environment that points `sailbench` at it."""
    from sailbench.harness.build.cache import build_root, ensure_sim_build, sim_build_dir
    real = ensure_sim_build("versa-ecp5", progress=lambda m: None)
    rel = sim_build_dir("versa-ecp5").relative_to(build_root())
    copy = tmp_path / "build" / rel
    copy.mkdir(parents=True)
    for entry in real.iterdir():
        if entry.name != "sailbench.json":
            (copy / entry.name).symlink_to(entry)
    manifest = json.loads((real / "sailbench.json").read_text()) | changes
    (copy / "sailbench.json").write_text(json.dumps(manifest))
    return {**os.environ, "SAILBENCH_BUILD_DIR": str(tmp_path / "build")}


def test_invariants_withheld_by_a_timing_failure(lab, tmp_path):
    """The same simulated build, its manifest saying nextpnr failed eth_rx: host-link verdicts and the
    invariants on HOST_LINK are withheld (JUnit skips), DDR is judged: verdicts not held, everywhere."""
    env = build_with_manifest(tmp_path, report={"json": "none", "text": "none", "timing_passed": False, "fits": True,
                                                "failing_clocks": ["eth_rx"], "clocks": {}, "utilisation": {}})
    r = _bench(lab, env=env)
    doc = every_reader_agrees(r, lab, VERDICTS)
    host = [v for v in doc["verdicts"] if v["constant"] == "HOST_LINK_BW_BYTES_PER_SEC"]
    assert host and all(v["verdict"] == "not judged" for v in host)
    assert any(i.get("not_judged") for i in doc["invariants"])
    junit = ET.parse(Path(_results(lab)["_path"]).with_suffix(".junit.xml")).getroot()
    skipped = [c.get("name") for c in junit.iter("testcase") if c.find("skipped") is not None]
    assert any(n.startswith("HOST < INTERCARD") for n in skipped), skipped


def test_board_without_dram_or_ethernet_does_not_pass(lab):
    r = _bench(lab, board="bare")
    doc = every_reader_agrees(r, lab, MEASUREMENT)
    assert doc["expected"]["probes"] == [] and doc["verdicts"] == []
    assert "no scheduler constant was judged" in r.stdout and "every verdict held" not in r.stdout


def test_sweep_with_a_failing_point_ends_with_its_table(lab):
    r = subprocess.run([*SAILBENCH, "--lab", str(lab), "sweep", "ddr", "--board", "bare", "--clocks", "75M",
                        "--no-history"], capture_output=True, text=True, timeout=900)
    assert r.returncode == 1 and "Traceback" not in r.stderr, r.stdout + r.stderr
    assert "MEASUREMENT FAILED" in r.stdout and "has no DRAM" in r.stdout and "sys clock" in r.stdout
    doc = _results(lab)
    assert doc["provenance"]["simulated"] is True and run_outcome(doc).outcome == MEASUREMENT


@pytest.mark.timeout(3000)        # builds the simulated pair when no earlier test did (15 min on a busy machine)
def test_pair_with_a_dead_lane(lab):
    r = subprocess.run([*SAILBENCH, "--lab", str(lab), "pair", "--pair", "sim-pair", "--placement", "strict",
                        "--fault", "downstream:1:cut=1", "--link-timeout", "3", "--frames", "50",
                        "--prbs-seconds", "0.3"], capture_output=True, text=True, timeout=2900)
    doc = every_reader_agrees(r, lab, MEASUREMENT)
    found = run_outcome(doc)
    assert "lane 1 down" in found.message and "OPTIMISTIC" not in r.stdout



@pytest.mark.timeout(3000)        # builds the simulated pair when no earlier test did (15 min on a busy machine)
def test_pair_with_a_silent_lane(lab):
    """Lane 1 into the downstream board trains up but no frame arrives whole: one flipped bit every 500 words
    (fewer code errors than the error window's 16 per 1024, so the lane stays Up) hits each 1031-word frame.
    A failed measurement naming lane 1, never an OPTIMISTIC constant on 3 lanes' worth of data."""
    r = subprocess.run([*SAILBENCH, "--lab", str(lab), "pair", "--pair", "sim-pair", "--placement", "strict",
                        "--fault", "downstream:1:error_every=500", "--link-timeout", "10", "--frames", "50",
                        "--prbs-seconds", "0.3"], capture_output=True, text=True, timeout=2900)
    doc = every_reader_agrees(r, lab, MEASUREMENT)
    assert doc["link_wait"]["status"] == "ready" and 1 in doc["link_wait"]["lanes_up"], doc["link_wait"]
    found = run_outcome(doc)
    assert "lane 1 upstream->downstream: no payload frames received" in found.message, found.message
    headline = next(x for x in r.stdout.splitlines() if x.startswith("MEASUREMENT FAILED: "))
    assert "lane 1 upstream->downstream: no payload frames received" in headline, r.stdout[-3000:]
    assert "OPTIMISTIC" not in r.stdout and "optimistic" not in {v["verdict"] for v in doc["verdicts"]}
    down = next(v for v in doc["verdicts"] if v.get("quantity") == "upstream->downstream")
    assert down["verdict"] == "not judged" and down["reason"] == "3 of 4 lanes", down
