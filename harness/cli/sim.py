"""`sailbench sim`: run the simulated board until Ctrl-C, for poking at it."""
from __future__ import annotations

import argparse
import time

from sailbench.harness.cli import options
from sailbench.harness.errors import SailbenchError

NAME = "sim"
HELP = "run the simulated board until Ctrl-C and print how to reach it"
DESCRIPTION = ("Build (if needed) and start a kind: sim board inside its network namespace, print its UARTBone "
               "and Etherbone addresses and its csr.json, and keep it running until Ctrl-C.")


def arguments(p: argparse.ArgumentParser) -> None:
    options.board(p)


def run(args: argparse.Namespace, lab) -> int:
    from sailbench.harness.board.lifecycle import open_board
    cfg = lab.board(args.board or lab.default_board)
    if not cfg.kind.simulated:
        raise SailbenchError(f"board '{cfg.name}' is kind '{cfg.kind}', not a simulated board")
    with open_board(cfg, progress=print) as board:
        ns = board.sim.netns.name
        print(f"simulated board '{board.name}' running: {board.identifier}")
        print(f"  UART (UARTBone): {board.sim.uart_url} inside network namespace {ns}")
        eb = board.manifest.etherbone
        if eb:
            print(f"  Etherbone: udp://{eb.soc_ip}:{eb.port} inside {ns} (host side {eb.host_ip} on tap0)")
        print(f"  e.g.: ip netns exec {ns} litex_server --udp --udp-ip {eb.soc_ip if eb else ''}")
        print(f"  csr.json: {board.build_dir / 'csr.json'}")
        print("Ctrl-C to stop.")
        while board.sim.alive():
            time.sleep(0.5)
        board.sim.check_alive()
    return 0
