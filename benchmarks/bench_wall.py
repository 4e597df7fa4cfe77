"""Warm `sailbench bench --board sim` wall time and simulated-board restart time.

    .venv/bin/python benchmarks/bench_wall.py [--restarts 5] [--short]

`--short`: one restart and a small bench (64 KiB, sequential, 2 repeats), so the suite can run it
(tests/board/test_benchmarks.py); its bench figure is then not the defaults' wall time.
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time

from sailbench.harness.board.lifecycle import open_board
from sailbench.harness.config import find_lab, load_lab

SHORT_BENCH = ["--ddr-length", "64K", "--patterns", "sequential", "--repeats", "2", "--clock-seconds", "0.2"]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--restarts", type=int, default=None)
    ap.add_argument("--short", action="store_true", help="one restart and a small bench (for the test suite)")
    a = ap.parse_args()
    restarts = a.restarts or (1 if a.short else 5)
    bench_args = SHORT_BENCH if a.short else []
    lab = load_lab(find_lab(None))
    cfg = lab.board("sim")
    with open_board(cfg, progress=print):   # make sure the build is warm
        pass
    starts = []
    for _ in range(restarts):
        t0 = time.monotonic()
        with open_board(cfg, progress=print) as b:
            starts.append(time.monotonic() - t0)
            assert b.identifier
    with tempfile.TemporaryDirectory() as d:
        t0 = time.monotonic()
        r = subprocess.run([sys.executable, "-m", "sailbench.harness.cli", "bench", "--board", "sim", "--results-dir", d,
                            *bench_args], capture_output=True, text=True, timeout=1800)
        wall = time.monotonic() - t0
    print(f"sim restart to ready (start + connect + identifier), {restarts} runs: "
          f"median {statistics.median(starts):.2f} s, max {max(starts):.2f} s (goal < 5 s)")
    what = " ".join(bench_args) if a.short else "defaults: 1 MiB, seq+random, 3 repeats"
    print(f"warm `sailbench bench --board sim` ({what}): {wall:.1f} s (goal < 60 s), exit {r.returncode}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
