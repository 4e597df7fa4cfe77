"""`sailbench boards`: the boards lab.yaml defines."""
from __future__ import annotations

import argparse

NAME = "boards"
HELP = "list the boards in lab.yaml"
DESCRIPTION = "List each board lab.yaml defines: kind, profile, where it is reached (serial port or IP), tags."


def arguments(p: argparse.ArgumentParser) -> None:
    pass


def run(args: argparse.Namespace, lab) -> int:
    print(f"boards in {lab.path}:")
    for name, b in lab.boards.items():
        where = "simulated (Verilator, netns)" if b.kind.simulated else (b.serial or (b.etherbone and b.etherbone.ip))
        default = "  (default)" if name == lab.default_board else ""
        print(f"  {name:16} {b.kind:9} profile={b.profile:12} {where}  tags={','.join(b.tags)}{default}")
    return 0
