"""`sailbench sweep ddr` (run/sweep.py) and `sailbench sweep lanes` (run/sweep_lanes.py)."""
from __future__ import annotations

import argparse

from sailbench.harness.cli import options
from sailbench.harness.errors import ConfigError
from sailbench.harness.exit_codes import EXIT_FAILED, EXIT_OK

NAME = "sweep"
KEEPS_RESULTS = True   # writes results/<run-id>.json as it measures (kept on Ctrl-C)
HELP = ("the DDR probe at several sys clocks (DDR clock = ratio x sys), or a simulated pair's lanes at several "
        "line rates: rate, efficiency and the real-board timing verdict per point")
DESCRIPTION = ("sweep ddr: at each sys clock in turn, a simulated board is built at that clock and its DDR "
               "measured (sequential write and read with the BIST); a real board gets its bitstream's timing "
               "verdict. sweep lanes: a simulated pair measured at each line rate (payload per lane against the "
               "rate's ceiling; the lane clocks' timing from a cached real bitstream, else 'no build'). Prints the "
               "table, writes results/<run-id>.json and a plot, records each point in the history. Exit status: "
               "0 every point measured, 1 one failed, 2 it could not run.")


def _rate_list(text: str) -> list[float]:
    from sailbench.harness.run.sweep_lanes import parse_rates
    try:
        return parse_rates(text)
    except ConfigError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


def arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("what", choices=["ddr", "lanes"], help="what to sweep (ddr: --clocks; lanes: --pair, --rates)")
    options.board(p)
    p.add_argument("--clocks", type=options.clock_list, help="sys clocks, comma list: 50M,75M,100M (sweep ddr)")
    p.add_argument("--pair", help="simulated pair from lab.yaml pairs (sweep lanes)")
    p.add_argument("--rates", type=_rate_list, default="1.25,2.5,3.125",
                   help="line rates in Gb/s, comma list (sweep lanes; default 1.25,2.5,3.125)")
    p.add_argument("--coding", choices=("8b10b", "64b66b"), help="lane line code (sweep lanes; default: the pair's)")
    options.ddr_length_option(p)
    p.add_argument("--bitstreams", action="store_true",
                   help="also build the real-board bitstream at each clock for the timing column (minutes each)")
    options.results_dir(p)
    options.no_history(p)


def _run_lanes(args: argparse.Namespace, lab) -> int:
    from sailbench.harness.run.recording import recording
    from sailbench.harness.run.sweep_lanes import render_lane_sweep, run_lane_sweep
    if not args.pair:
        raise ConfigError("sweep lanes: give --pair, a simulated pair from lab.yaml pairs")
    rates = args.rates if isinstance(args.rates, list) else _rate_list(args.rates)
    with recording(lab, not args.no_history, options.progress) as (_, sinks):
        outcome = run_lane_sweep(lab, args.pair, rates, coding=args.coding, results_dir=args.results_dir,
                                 progress=options.progress, sinks=sinks)
    print()
    print(render_lane_sweep(outcome))
    for path in outcome.artifacts:
        print(f"plot: {path}")
    print(f"results: {outcome.results.path}")
    return EXIT_OK if all(not p.error for p in outcome.points) else EXIT_FAILED


def run(args: argparse.Namespace, lab) -> int:
    if args.what == "lanes":
        return _run_lanes(args, lab)
    if not args.clocks:
        raise ConfigError("sweep ddr: give --clocks, e.g. --clocks 50M,75M,100M")
    from sailbench.harness.cli.ddr_region import check_ddr_region
    from sailbench.harness.run.sweep import sweep_ddr_recorded
    board = args.board or lab.default_board
    lab.board(board)                                   # an unknown board before the region check
    check_ddr_region(lab, [board], args.ddr_length, 0)  # before the first build, naming --ddr-length
    outcome = sweep_ddr_recorded(lab, board, args.clocks, history=not args.no_history,
                                 progress=options.progress, length=args.ddr_length, bitstreams=args.bitstreams,
                                 results_dir=args.results_dir)
    print(outcome.text())
    return outcome.exit_code
