"""`sailbench ident`: open a board and print who it is."""
from __future__ import annotations

import argparse

from sailbench.harness.cli import options

NAME = "ident"
HELP = "open a board and print its identifier and build"
DESCRIPTION = ("Open the board (building and starting a simulated one if needed), read its identifier and print "
               "it with the build directory and the port it answered on.")


def arguments(p: argparse.ArgumentParser) -> None:
    options.board(p)


def run(args: argparse.Namespace, lab) -> int:
    from sailbench.harness.board.lifecycle import open_board
    with open_board(lab.board(args.board or lab.default_board), progress=print) as board:
        print(f"{board.name}: {board.identifier}")
        print(f"  build {board.build_dir}  port {board.port}")
    return 0
