"""What a USB-serial adapter's latency timer costs: a simulated board opened behind an emulated
FTDI adapter (harness/sim/serial_latency.py) at 16 ms (Linux's default) and at 1 ms, then the
hardware steps that run over its UART: the open (simulator start, identifier read), DRAM init (the init sequence; the simulated DRAM needs no
leveling) and bring-up's DRAM line tests. Prints time and round trips per step.

    .venv/bin/python benchmarks/open_latency.py [--board sim] [--latency 16 1] [--short]

`--short` (the test suite: tests/board/test_benchmarks.py): 1 ms only, and no DRAM line tests.

The figures are from a simulated board (its UART answers at once; the adapter adds the delay).
The simulator itself is slow (its UART and bus run at simulation speed, ~0.6 M cycles/s), so a
round trip there is tens of ms with or without the adapter; the difference between the two
latencies is the adapter's. The open's time is mostly the simulator starting. A real board's open adds read leveling: 70 round trips
with the UARTBone receive FIFO (tests/unit/test_round_trips.py; 268 on a bitstream without it, 4,840
before batching), shown as count x latency timer. Root needed (the
simulated board's network namespace). Prints figures, asserts nothing.
"""
from __future__ import annotations

import argparse
import sys
import time
from dataclasses import replace

from sailbench.harness.board.lifecycle import open_board
from sailbench.harness.board.dram_init import init_dram
from sailbench.harness.config import SimConfig, find_lab, load_lab
from sailbench.harness.probes.dram_lines import DramWiring, run_line_tests
from sailbench.harness.transport.counting import counted_step, counter_of

LEVELING_ROUND_TRIPS = 70        # DRAM init with ECP5 read leveling, tests/unit/test_round_trips.py
NO_FIFO_ROUND_TRIPS = 268        # the same on a bitstream whose UARTBone has no receive FIFO
BEFORE_ROUND_TRIPS = 4840        # the same with a read confirming every write (before batching)


def one(config, latency_ms: float, line_tests: bool = True) -> list[str]:
    config = replace(config, sim=replace(config.sim or SimConfig(), serial_latency_ms=latency_ms))
    t0 = time.monotonic()
    with counted_step("open"):
        board = open_board(config, progress=lambda m: None)
    times = {"open": time.monotonic() - t0 - board.timings.get("build_s", 0.0)}
    try:
        counter = counter_of(board.csr)
        if board.manifest.dram:
            t = time.monotonic()
            init_dram(board.name, board.csr, board.manifest.dram, progress=lambda m: None)
            times["DRAM init"] = time.monotonic() - t
            if line_tests:
                t = time.monotonic()
                run_line_tests(board.csr, DramWiring.from_build(board.build_dir, board.manifest.dram))
                times["DRAM line tests"] = time.monotonic() - t
    finally:
        board.close()
    out = [f"serial latency {latency_ms:g} ms (simulated board '{config.name}', emulated FTDI adapter):"]
    for step, seconds in times.items():
        trips = counter.step(step).round_trips
        each = f"{seconds / trips * 1000:6.2f} ms each" if trips and step != "open" else ""
        out.append(f"  {step:20} {seconds:7.2f} s  {trips:5d} round trips  {each}".rstrip())
    for label, trips in (("hardware DRAM init", LEVELING_ROUND_TRIPS), ("  without the FIFO", NO_FIFO_ROUND_TRIPS),
                         ("  before batching", BEFORE_ROUND_TRIPS)):
        out.append(f"  {label:20} {trips * latency_ms / 1000:7.2f} s  {trips:5d} round trips  (arithmetic: "
                   f"count x latency timer, the least a real board's adapter adds)")
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--board", default="sim")
    ap.add_argument("--latency", type=float, nargs="+", default=None, help="latency timers in ms (default 16 1)")
    ap.add_argument("--short", action="store_true", help="1 ms only, no DRAM line tests (for the test suite)")
    a = ap.parse_args()
    latencies = a.latency or ([1.0] if a.short else [16.0, 1.0])
    config = load_lab(find_lab(None)).board(a.board)
    if not config.kind.simulated:
        print(f"board '{a.board}' is kind {config.kind}: this benchmark emulates the adapter of a simulated board")
        return 2
    for latency in latencies:
        print("\n".join(one(config, latency, line_tests=not a.short)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
