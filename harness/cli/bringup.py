"""`sailbench bringup`: staged checks of one board, stopping at the first failing stage (run/bringup.py)."""
from __future__ import annotations

import argparse

from sailbench.harness.cli import options

NAME = "bringup"
HELP = "staged bring-up checks of one board, stopping at the first failure"
DESCRIPTION = ("Stages in order: tool present, cable detects, load, identifier, scratch, DRAM leveling, DRAM lines "
               "(data, mask, address and bank lines named by ball and net), DRAM BIST small, [DRAM BIST full], "
               "Ethernet link, SerDes lock (a board in a lab.yaml pair: both ways with its partner, or 'needs partner' "
               "naming the pair command). Stops at the first failing stage and says what to check next. A pass "
               "clears the board's quarantine. Writes results/bringup-<run-id>.json and .html. Exit status: 0 "
               "passed, 1 a stage failed, 2 it could not run.")


def arguments(p: argparse.ArgumentParser) -> None:
    options.board(p, required=True)
    options.lock_wait(p)
    p.add_argument("--full", action="store_true", help="after the line tests, write and check the whole DRAM "
                                                       "with the BIST (progress, rate)")


def run(args: argparse.Namespace, lab) -> int:
    from sailbench.harness.run.bringup import render_bringup, run_bringup
    report = run_bringup(lab, args.board, progress=options.progress, lock_wait_s=args.lock_wait, full=args.full)
    print()
    print(render_bringup(report))
    return report.exit_code
