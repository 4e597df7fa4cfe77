"""Every script in benchmarks/ runs in its short mode and prints its figures, so none can rot unseen.

Each runs as a user runs it (`python benchmarks/NAME.py --short`) against a temporary lab.yaml
($SAILBENCH_LAB: the simulated board, results and locks in the test's directory); the simulated
board's build is the suite's (the build cache). benchmarks/build_ecp5.py needs the Versa bitstream
and runs with the bitstream tests (tests/bitstream/test_build_benchmark.py). Cost: about five
simulator starts and a small bench, a minute or two on a loaded 2-core machine.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BENCHMARKS = REPO / "benchmarks"
NUMBER = r"\d+(?:\.\d+)?"
# script -> lines its short mode must print (regular expressions, each matched somewhere in stdout)
SHORT = {
    "bench_wall.py": [rf"sim restart to ready .*1 runs: median {NUMBER} s",
                      rf"warm `sailbench bench --board sim` \(--ddr-length 64K.*\): {NUMBER} s .*exit 1"],
    "csr_roundtrips.py": [r"CSR round trips per second \(20 reads",
                          rf"UART \(serial2tcp\)\s+{NUMBER}\s+21\s+skipped",
                          rf"Etherbone \(UDP\)\s+{NUMBER}\s+21\s+skipped"],
    "open_latency.py": [r"serial latency 1 ms \(simulated board 'sim'",
                        rf"open\s+{NUMBER} s\s+\d+ round trips",
                        rf"hardware DRAM init\s+{NUMBER} s\s+\d+ round trips"],
    "host_receiver.py": [rf"iperf3 server :\s+\d+ of\s+\d+ packets \({NUMBER}\)",
                         rf"sailbench rx  :\s+\d+ of\s+\d+ packets \({NUMBER}\); relative to iperf3: {NUMBER}"],
}
ELSEWHERE = {"build_ecp5.py": "tests/bitstream/test_build_benchmark.py"}


def test_every_benchmark_has_a_short_run_in_the_suite():
    scripts = {p.name for p in BENCHMARKS.glob("*.py")}
    assert scripts == set(SHORT) | set(ELSEWHERE), "a benchmark without a short run here rots unseen"
    for script in scripts:
        assert "--short" in (BENCHMARKS / script).read_text(), f"{script} has no --short mode"


def run_short(script: str, lab: Path, timeout_s: float = 1200) -> str:
    done = subprocess.run([sys.executable, str(BENCHMARKS / script), "--short"], cwd=REPO, capture_output=True,
                          text=True, timeout=timeout_s, env=dict(os.environ, SAILBENCH_LAB=str(lab)))
    said = done.stdout[-4000:] + done.stderr[-3000:]
    assert done.returncode == 0, said
    return done.stdout


@pytest.fixture
def sim_lab(tmp_path) -> Path:
    lab = tmp_path / "lab.yaml"
    lab.write_text("default_board: sim\nboards:\n  sim: {kind: sim}\n"
                   f"results: {{dir: {tmp_path / 'results'}}}\nlocks: {{dir: {tmp_path / 'locks'}}}\n")
    return lab


@pytest.mark.timeout(2400)      # the first simulated-board test of a session may build the simulation
@pytest.mark.parametrize("script", sorted(SHORT))
def test_benchmark_prints_its_figures_in_short_mode(script, sim_lab):
    out = run_short(script, sim_lab)
    for figure in SHORT[script]:
        assert re.search(figure, out), f"{script} --short did not print /{figure}/:\n{out[-3000:]}"
