"""`sailbench propose-constants`: a unified diff of bandwidth.rs with the measured figures (run/propose.py)."""
from __future__ import annotations

import argparse
from pathlib import Path

from sailbench.harness.cli import options

NAME = "propose-constants"
HELP = "a unified diff of bandwidth.rs with the measured figures"
DESCRIPTION = ("Read the measured figures (the history database, or --results files), and print a unified diff of "
               "Spanker's bandwidth.rs that sets each constant to what was measured, with a summary of where each "
               "figure came from. Figures from simulated boards are left out unless --allow-simulated.")


def arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--profile", help="only figures of boards with this profile")
    p.add_argument("--results", type=Path, action="append",
                   help="read figures from this results file instead of the history (repeatable)")
    options.constants(p)
    p.add_argument("--allow-simulated", action="store_true",
                   help="propose figures measured on simulated boards (commented 'simulated')")
    p.add_argument("--output", type=Path, help="write the diff here (default: print it)")


def run(args: argparse.Namespace, lab) -> int:
    from sailbench.harness.run.propose import propose_from_lab
    text = propose_from_lab(lab, profile=args.profile, results=args.results, constants_path=args.constants,
                            allow_simulated=args.allow_simulated)
    if args.output:
        args.output.write_text(text.diff)
        print(f"diff written to {args.output}")
    else:
        print(text.diff, end="")
    print(text.summary)
    return 0
