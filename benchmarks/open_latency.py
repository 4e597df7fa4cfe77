"""What a USB-serial adapter's latency timer costs: a simulated board opened behind an emulated
FTDI adapter (harness/sim/serial_latency.py) at 16 ms (Linux's default) and at 1 ms, then the
hardware steps that run over its UART: DRAM init (the init sequence; the simulated DRAM needs no
leveling) and bring-up's DRAM line tests. Prints time and round trips per step.

    .venv/bin/python benchmarks/open_latency.py [--board sim] [--latency 16 1]

The figures are from a simulated board (its UART answers at once; the adapter adds the delay).
A real board's open adds read leveling: 268 round trips (tests/unit/test_round_trips.py), shown
here as that count times the round-trip time measured in the DRAM init step. Root needed (the
simulated board's network namespace). Prints figures, asserts nothing.
"""
from __future__ import annotations

import argparse
import sys
import time
from dataclasses import replace

from sailbench.harness.board.board import open_board
from sailbench.harness.board.dram_init import init_dram
from sailbench.harness.config.lab import SimConfig, find_lab, load_lab
from sailbench.harness.probes.dram_lines import DramWiring, run_line_tests
from sailbench.harness.transport.counting import counted_step, counter_of

LEVELING_ROUND_TRIPS = 268       # DRAM init with ECP5 read leveling, tests/unit/test_round_trips.py


def one(config, latency_ms: float) -> list[str]:
    config = replace(config, sim=replace(config.sim or SimConfig(), serial_latency_ms=latency_ms))
    t0 = time.monotonic()
    with counted_step("open (identifier)"):
        board = open_board(config, progress=lambda m: None)
    times = {"open (identifier)": time.monotonic() - t0 - board.timings.get("build_s", 0.0)}
    try:
        counter = counter_of(board.csr)
        if board.manifest.dram:
            t = time.monotonic()
            init_dram(board.name, board.csr, board.manifest.dram, progress=lambda m: None)
            times["DRAM init"] = time.monotonic() - t
            t = time.monotonic()
            run_line_tests(board.csr, DramWiring.from_build(board.build_dir, board.manifest.dram))
            times["DRAM line tests"] = time.monotonic() - t
    finally:
        board.close()
    out = [f"serial latency {latency_ms:g} ms (simulated board '{config.name}', emulated FTDI adapter):"]
    for step, seconds in times.items():
        trips = counter.step(step).round_trips
        per = seconds / trips * 1000 if trips else 0.0
        out.append(f"  {step:20} {seconds:7.2f} s  {trips:5d} round trips  {per:6.2f} ms each")
    init = counter.step("DRAM init")
    if init.round_trips:
        per = times["DRAM init"] / init.round_trips
        out.append(f"  {'(hardware leveling)':20} {LEVELING_ROUND_TRIPS * per:7.2f} s  {LEVELING_ROUND_TRIPS:5d} "
                   f"round trips  (estimate: the count times this step's round-trip time)")
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--board", default="sim")
    ap.add_argument("--latency", type=float, nargs="+", default=[16, 1], help="latency timers in ms")
    a = ap.parse_args()
    config = load_lab(find_lab(None)).board(a.board)
    if config.kind != "sim":
        print(f"board '{a.board}' is kind {config.kind}: this benchmark emulates the adapter of a simulated board")
        return 2
    for latency in a.latency:
        print("\n".join(one(config, latency)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
