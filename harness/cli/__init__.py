"""`sailbench`: the bench's command line. One module per command (NAME, HELP, DESCRIPTION, arguments(),
run()); the options several commands share are declared once in options.py; the work and the reports
are the runners' (harness/run/).

    sailbench bench --board sim          measure, judge, print the table, write results and reports
    sailbench boards                     list the boards lab.yaml defines
    sailbench ident --board sim          open a board and print who it is
    sailbench sim                        run the simulated board until Ctrl-C (for poking at it)
    sailbench pair --pair sim-pair       measure a bench pair's lanes and judge INTERCARD
    sailbench build --board versa-ecp5   build a board's bitstream (or simulation) and print its timing report
    sailbench load --board versa-ecp5    load it with openFPGALoader (SRAM; --flash) and check the identifier
    sailbench sweep ddr --board sim --clocks 50M,75M,100M   DDR rate and timing verdict per sys clock
    sailbench propose-constants          a diff of bandwidth.rs with the measured figures (history or --results)
    sailbench nightly [--tag T]          every board (or those tagged T): health check, bench, history, report
    sailbench bringup --board NAME       staged checks, stopping at the first failing stage with a diagnosis
    sailbench labgrid sync               the labgrid places lab.yaml implies
    sailbench board check FILE           check a board profile (pins, banks, DQS groups, SerDes budget, pack)
    sailbench board new --from-lpf LPF   scaffold a board profile from a Lattice LPF (docs/boards.md)
    sailbench history import FILE.sqlite copy a bench PC's history into the lab's (history.url), no duplicates
    sailbench -v COMMAND                 also log each step and its duration to stderr (--log-file PATH: to a file)

Exit status: harness/exit_codes.py (each command's --help says its own).
"""
from __future__ import annotations

import argparse
import signal
import sys
from pathlib import Path
from types import ModuleType

from sailbench.harness.cli import (bench, board, boards, bringup, build, history, ident, labgrid, load, nightly,
                                   pair, propose, sim, sweep)
from sailbench.harness.cli.options import apply_results_dir, check_together
from sailbench.harness.cli.steplog import start_step_log, stop_step_log
from sailbench.harness.errors import SailbenchError
from sailbench.harness.exit_codes import EXIT_ERROR, EXIT_INTERRUPTED

# in --help order
COMMANDS: dict[str, ModuleType] = {m.NAME: m for m in (bench, boards, ident, sim, nightly, bringup, build, load,
                                                         sweep, propose, pair, labgrid, board, history)}


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="sailbench",
        description="Hardware-in-the-loop bench for ECP5 sail cards: measure DDR, host-link and "
                    "inter-card bandwidth from hardware cycle counters and judge the Spanker scheduler's "
                    "constants.",
        epilog="The simulated board 'sim' (the default) needs no hardware: the probe SoC runs under "
               "Verilator inside a network namespace (root needed). See README.md.")
    p.add_argument("--lab", help="lab file (default: $SAILBENCH_LAB, ./lab.yaml, then the repository's lab.yaml)")
    p.add_argument("-v", "--verbose", action="store_true",
                   help="log each step (build, simulator, open, load, DRAM init, probes, pair phases) and its "
                        "duration to stderr")
    p.add_argument("--log-file", type=Path, metavar="PATH", help="write that step log to PATH")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    for name, command in COMMANDS.items():
        command.arguments(sub.add_parser(name, help=command.HELP, description=command.DESCRIPTION))
    return p


def _on_sigterm(signum, frame):
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    p = parser()
    args = p.parse_args(argv)
    check_together(p, args)
    if not args.command:
        p.print_help()
        return EXIT_ERROR
    signal.signal(signal.SIGTERM, _on_sigterm)   # a killed run cleans up like Ctrl-C
    handlers = []
    try:
        handlers = start_step_log(args.verbose, args.log_file)
        from sailbench.harness.config import find_lab, load_lab
        lab = apply_results_dir(args, load_lab(find_lab(args.lab)))
        return COMMANDS[args.command].run(args, lab)
    except SailbenchError as e:
        print(f"sailbench: error: {e}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        kept = "; what was measured is kept in the results file" \
            if getattr(COMMANDS.get(args.command), "KEEPS_RESULTS", False) else ""
        print(f"sailbench: interrupted{kept}", file=sys.stderr)
        return EXIT_INTERRUPTED
    finally:
        stop_step_log(handlers)
