"""`sailbench boards`: the boards and bench pairs lab.yaml defines."""
from __future__ import annotations

import argparse

NAME = "boards"
HELP = "list the boards and bench pairs in lab.yaml"
DESCRIPTION = ("List each board lab.yaml defines (kind, profile, where it is reached: serial port or IP, tags), "
               "then each bench pair (kind, profile, its two boards, the lanes measured, tags).")


def arguments(p: argparse.ArgumentParser) -> None:
    pass


def run(args: argparse.Namespace, lab) -> int:
    print(f"boards in {lab.path}:")
    for name, b in lab.boards.items():
        where = "simulated (Verilator, netns)" if b.kind.simulated else (b.serial or (b.etherbone and b.etherbone.ip))
        default = "  (default)" if name == lab.default_board else ""
        print(f"  {name:16} {b.kind:9} profile={b.profile:12} {where}  tags={','.join(b.tags)}{default}")
    if lab.pairs:
        print(f"pairs in {lab.path} (sailbench pair --pair NAME):")
    for name, p in lab.pairs.items():
        where = "simulated (Verilator, netns): " if p.kind.simulated else ""
        boards = f"{where}{p.upstream} -> {p.downstream}"
        place = f"  place={p.place}" if p.place else ""
        print(f"  {name:16} {p.kind:9} profile={p.profile:12} {boards}  lanes={','.join(map(str, p.lanes))}"
              f"  tags={','.join(p.tags)}{place}")
    return 0
