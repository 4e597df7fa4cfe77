"""`sailbench bench`: measure one board and judge the scheduler's constants (run/bench_command.py)."""
from __future__ import annotations

import argparse

from sailbench.harness.cli import options

NAME = "bench"
KEEPS_RESULTS = True   # writes results/<run-id>.json as it measures (kept on Ctrl-C)
HELP = "measure a board and judge the scheduler's constants"
DESCRIPTION = ("Open the board (building/starting the simulated one if needed), measure its sys clock, DDR "
               "throughput (BIST write then read, sequential and random, repeated) and host link, print one "
               "table, write results/<run-id>.json as each figure is measured, record the run in the history "
               "and write its HTML and JUnit reports. Exit status: 0 every verdict held, 1 a verdict or invariant "
               "did not hold, a figure regressed or the checker found errors, 2 the bench could not run (board, "
               "config, tool, board held by another run), 130 interrupted (partial results are kept).")


def bench_options(p: argparse.ArgumentParser) -> None:
    """The measurement options `bench` and `nightly` share."""
    options.constants(p)
    options.ddr_length_option(p)
    p.add_argument("--ddr-base", type=options.ddr_base, default=0, help="DRAM offset of the region (default 0)")
    p.add_argument("--patterns", type=options.patterns, default=("sequential", "random"),
                   help="comma list of sequential,random")
    p.add_argument("--repeats", type=options.count, help="repeats per measurement (default: lab.yaml judgement.repeats)")
    p.add_argument("--clock-seconds", type=options.seconds, default=3.0,
                   help="how long to count cycles against host time to measure the sys clock (default 3)")
    options.results_dir(p)
    options.lock_wait(p)
    p.add_argument("--hostlink-count", type=options.count0, default=1000,
                   help="UDP packets per host-link measurement, each direction (default 1000; 0 skips the host link)")
    p.add_argument("--no-sweep", action="store_true", help="skip the host-link payload-size sweep")


def bench_settings(args: argparse.Namespace):
    """BenchSettings from bench_options."""
    from sailbench.harness.run.bench import BenchSettings
    hostlink = {"hostlink_count": args.hostlink_count}
    if args.no_sweep:
        hostlink["hostlink_sweep"] = ()
    return BenchSettings(ddr_length=args.ddr_length, ddr_base=args.ddr_base, patterns=tuple(args.patterns),
                         repeats=args.repeats, clock_seconds=args.clock_seconds,
                         constants_path=args.constants, results_dir=args.results_dir, lock_wait_s=args.lock_wait,
                         **hostlink)


def arguments(p: argparse.ArgumentParser) -> None:
    options.board(p)
    options.no_history(p)
    bench_options(p)


def run(args: argparse.Namespace, lab) -> int:
    from sailbench.harness.cli.ddr_region import check_ddr_region
    from sailbench.harness.run.bench_command import bench_with_reports
    from sailbench.harness.run.stopped import RunStopped, report_stopped_run
    board = args.board or lab.default_board
    lab.board(board)                                   # an unknown board before the region check
    check_ddr_region(lab, [board], args.ddr_length, args.ddr_base)
    try:
        done = bench_with_reports(lab, board, bench_settings(args),
                                  history=not args.no_history, progress=options.progress)
    except RunStopped as stop:
        return report_stopped_run("bench", stop.error, stop.results_path, stop.seconds)
    print(done.text())
    return done.exit_code
