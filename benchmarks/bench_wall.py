"""Warm `sailbench bench --board sim` wall time and simulated-board restart time.

    .venv/bin/python benchmarks/bench_wall.py [--restarts 5]
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


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--restarts", type=int, default=5)
    a = ap.parse_args()
    lab = load_lab(find_lab(None))
    cfg = lab.board("sim")
    with open_board(cfg, progress=print):   # make sure the build is warm
        pass
    starts = []
    for _ in range(a.restarts):
        t0 = time.monotonic()
        with open_board(cfg, progress=print) as b:
            starts.append(time.monotonic() - t0)
            assert b.identifier
    with tempfile.TemporaryDirectory() as d:
        t0 = time.monotonic()
        r = subprocess.run([sys.executable, "-m", "sailbench.harness.cli", "bench", "--board", "sim", "--results-dir", d],
                           capture_output=True, text=True)
        wall = time.monotonic() - t0
    print(f"sim restart to ready (start + connect + identifier), {a.restarts} runs: "
          f"median {statistics.median(starts):.2f} s, max {max(starts):.2f} s (goal < 5 s)")
    print(f"warm `sailbench bench --board sim` (defaults: 1 MiB, seq+random, 3 repeats): {wall:.1f} s "
          f"(goal < 60 s), exit {r.returncode}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
