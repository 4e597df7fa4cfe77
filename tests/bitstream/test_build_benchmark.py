"""benchmarks/build_ecp5.py --short on the session's Versa-ECP5 bitstream: a cache hit (seconds, not a
build) that prints the warm build time and, from the typed build manifest, Fmax per clock against
required and the utilisation (the benchmark once failed on that manifest before printing anything)."""
import os
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_build_benchmark_short_reuses_the_session_build_and_prints_its_figures(versa_bitstream):
    env = dict(os.environ, SAILBENCH_LAB=str(REPO / "lab.yaml"),
               SAILBENCH_BUILD_DIR=str(versa_bitstream.build_dir.parent))
    done = subprocess.run([sys.executable, str(REPO / "benchmarks" / "build_ecp5.py"), "--short"], cwd=REPO,
                          env=env, capture_output=True, text=True, timeout=600)
    out = done.stdout
    assert done.returncode == 0, out[-3000:] + done.stderr[-2000:]
    assert re.search(rf"warm build \(cache hit\): [\d.]+ s, exit 0 \({versa_bitstream.build_dir.name}\)", out), out
    assert "board versa-ecp5: LFE5UM5G-45F" in out
    for domain, clock in versa_bitstream.manifest.report.clocks.items():
        assert re.search(rf"^{re.escape(domain)}\s+{clock.achieved_mhz:.2f}\s+{clock.required_mhz:.2f}\s+"
                         rf"{'PASS' if clock.passed else 'FAIL'}$", out, re.M), (domain, out)
    assert re.search(r"^utilisation: .*\d+/\d+", out, re.M), out
