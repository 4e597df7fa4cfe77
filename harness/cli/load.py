"""`sailbench load`: load a board's bitstream with openFPGALoader and check that it runs."""
from __future__ import annotations

import argparse
from pathlib import Path

from sailbench.harness.cli import options

NAME = "load"
HELP = "load a board's bitstream with openFPGALoader (SRAM; --flash for SPI flash)"
DESCRIPTION = ("Build the board's bitstream if needed, load it with openFPGALoader over the cable lab.yaml names "
               "(SRAM unless --flash), then read the identifier to prove the board runs this build.")


def arguments(p: argparse.ArgumentParser) -> None:
    options.board(p)
    p.add_argument("--flash", action="store_true", help="write the SPI flash (survives power-off) instead of SRAM")
    options.allow_timing_fail(p)


def run(args: argparse.Namespace, lab) -> int:
    from sailbench.harness.board import loader
    from sailbench.harness.board.board import connect_hardware, wait_identifier
    from sailbench.harness.build.manifest import read_build_manifest
    cfg = lab.board(args.board or lab.default_board)
    result = loader.load(cfg, flash=args.flash, progress=print, allow_timing_fail=args.allow_timing_fail or None)
    print(result)
    build_dir = Path(result.build_dir)
    with connect_hardware(cfg, build_dir, read_build_manifest(build_dir)) as board:
        wait_identifier(board)
        print(f"board '{cfg.name}' runs this build: {board.identifier} (on {board.port})")
    return 0
