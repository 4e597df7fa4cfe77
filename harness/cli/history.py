"""`sailbench history`: where the history database is and what it holds; import a bench PC's SQLite history
into the lab's (run/history_import.py, docs/history.md)."""
from __future__ import annotations

import argparse
from pathlib import Path

from sailbench.harness.cli import options

NAME = "history"
HELP = "the history database: where it is and what it holds; import a bench PC's SQLite history into the lab's"
DESCRIPTION = ("`history info` prints where the history is (lab.yaml history.url or the SQLite file), its schema, "
               "its complete and incomplete runs and their hosts. `history import FILE.sqlite` copies a bench PC's "
               "runs, records and health checks into the configured history without duplicates (running it twice "
               "adds nothing). See docs/history.md.")


def arguments(p: argparse.ArgumentParser) -> None:
    hs = p.add_subparsers(dest="history_action", metavar="ACTION", required=True)
    hs.add_parser("info", help="where the history is, its schema, its complete runs and their hosts",
                  description="Where the history is, its schema, its complete runs and their hosts.")
    hs.add_parser("import", help="copy FILE.sqlite's runs, records and health checks in, without duplicates",
                  description="Copy a bench PC's SQLite history into the configured one; running it twice adds "
                              "nothing.").add_argument("file", type=Path, metavar="FILE.sqlite")


def run(args: argparse.Namespace, lab) -> int:
    from sailbench.harness.run.history_import import history_command
    return history_command(lab, args.history_action, getattr(args, "file", None), progress=options.progress)
