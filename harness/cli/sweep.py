"""`sailbench sweep ddr`: the DDR probe at several sys clocks (run/sweep.py)."""
from __future__ import annotations

import argparse

from sailbench.harness.cli import options

NAME = "sweep"
KEEPS_RESULTS = True   # writes results/<run-id>.json as it measures (kept on Ctrl-C)
HELP = ("the DDR probe at several sys clocks (DDR clock = ratio x sys): rate, efficiency and the real-board "
        "timing verdict per clock")
DESCRIPTION = ("At each sys clock in turn: a simulated board is built at that clock and its DDR measured "
               "(sequential write and read with the BIST); a real board gets its bitstream's timing verdict. "
               "Prints the table, writes results/<run-id>.json and a rate-against-clock plot, records each point "
               "in the history. Exit status: 0 every point measured, 1 one failed, 2 it could not run.")


def arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("what", choices=["ddr"], help="what to sweep (ddr)")
    options.board(p)
    p.add_argument("--clocks", required=True, type=options.clock_list, help="sys clocks, comma list: 50M,75M,100M")
    options.ddr_length_option(p)
    p.add_argument("--bitstreams", action="store_true",
                   help="also build the real-board bitstream at each clock for the timing column (minutes each)")
    options.results_dir(p)
    options.no_history(p)


def run(args: argparse.Namespace, lab) -> int:
    from sailbench.harness.run.sweep import sweep_ddr_recorded
    outcome = sweep_ddr_recorded(lab, args.board or lab.default_board, args.clocks, history=not args.no_history,
                                 progress=options.progress, length=args.ddr_length, bitstreams=args.bitstreams,
                                 results_dir=args.results_dir)
    print(outcome.text())
    return outcome.exit_code
