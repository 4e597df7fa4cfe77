"""`sailbench labgrid sync`: the labgrid places lab.yaml implies (run/labgrid_sync.py)."""
from __future__ import annotations

import argparse

from sailbench.harness.cli import options

NAME = "labgrid"
HELP = "a lab on several hosts: create/update the labgrid places lab.yaml implies"
DESCRIPTION = ("`sailbench labgrid sync` creates or updates, on lab.yaml's labgrid coordinator, the place of every "
               "board with `labgrid: {place: ...}` and of every pair with `place:`, and prints what it changed "
               "(nothing the second time). `--exporter-config HOST` prints the labgrid-exporter config for the "
               "boards on HOST instead (docs/labgrid.md).")


def arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("action", choices=["sync"], help="sync: places from lab.yaml")
    p.add_argument("--exporter-config", metavar="HOST", help="print the exporter config for HOST's boards and exit")


def run(args: argparse.Namespace, lab) -> int:
    from sailbench.harness.run.labgrid_sync import exporter_config, sync_places
    if args.exporter_config:
        print(exporter_config(lab, args.exporter_config), end="")
        return 0
    sync_places(lab, progress=options.progress)
    return 0
