"""`sailbench build`: a board's bitstream and its timing report, or a simulated board's Verilator build."""
from __future__ import annotations

import argparse

from sailbench.harness.cli import options

NAME = "build"
HELP = ("build a board's gateware: the bitstream and its timing report (or the simulation for a kind: sim "
        "board)")
DESCRIPTION = ("Build the probe SoC for a board, cached by a hash of its inputs. For a real board: yosys, "
               "nextpnr-ecp5 and ecppack from PyPI (YoWASP), then nextpnr's report: utilisation and, per clock, "
               "achieved against required MHz. A clock that fails timing fails the build (exit 1) unless "
               "--allow-timing-fail.")


def arguments(p: argparse.ArgumentParser) -> None:
    options.board(p)
    options.allow_timing_fail(p)
    options.results_dir(p)


def run(args: argparse.Namespace, lab) -> int:
    from sailbench.harness.run.build_command import build_command
    return build_command(lab, lab.board(args.board or lab.default_board), allow_timing_fail=args.allow_timing_fail,
                         results_dir=args.results_dir, progress=print)
