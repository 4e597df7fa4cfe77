"""`sailbench sim`: run the simulated board until Ctrl-C, for poking at it with LiteX's own tools."""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from sailbench.gateware.build.executables import beside_python_or_on_path
from sailbench.harness.cli import options
from sailbench.harness.errors import SailbenchError

NAME = "sim"
HELP = "run the simulated board until Ctrl-C and print how to reach it"
DESCRIPTION = ("Build (if needed) and start a kind: sim board inside its network namespace, check it answers, "
               "then let go of its UART and Etherbone port so LiteX's litex_server can take them: print the "
               "commands that reach it (litex_server over Etherbone, litex_cli through that server) and its "
               "csr.json, and keep it running until Ctrl-C. Nothing is measured and no results file is written.")


def arguments(p: argparse.ArgumentParser) -> None:
    options.board(p)


def litex_tool(name: str) -> str:
    """LiteX's console script `name` as a command that runs inside a namespace (where PATH may differ):
    next to this Python's interpreter (the venv's bin/), else on PATH, else through the interpreter."""
    found = beside_python_or_on_path(name)
    if found:
        return found
    module = {"litex_server": "litex.tools.litex_server", "litex_cli": "litex.tools.litex_client"}[name]
    return f"{sys.executable} -m {module}"


def reach_commands(netns: str, soc_ip: str, udp_port: int, csr_csv: Path | None) -> list[str]:
    """The commands that reach the running simulated board over Etherbone, as they work when printed:
    litex_server binds UDP `udp_port` in the namespace (free once `sim` let go of it) and serves TCP
    1234 there, on which litex_cli asks it."""
    prefix = f"{'' if os.geteuid() == 0 else 'sudo '}ip netns exec {netns}"
    csv = f" --csr-csv {csr_csv}" if csr_csv is not None else ""
    return [f"{prefix} {litex_tool('litex_server')} --udp --udp-ip {soc_ip} --udp-port {udp_port}",
            f"{prefix} {litex_tool('litex_cli')}{csv} --ident"]


def run(args: argparse.Namespace, lab) -> int:
    from sailbench.harness.board.lifecycle import open_board
    cfg = lab.board(args.board or lab.default_board)
    if not cfg.kind.simulated:
        raise SailbenchError(f"board '{cfg.name}' is kind '{cfg.kind}', not a simulated board")
    with open_board(cfg, progress=print) as board:
        ns = board.sim.netns.name
        print(f"simulated board '{board.name}' running: {board.identifier}")
        for client in board.clients().values():    # let go: one client at a time on each port
            client.close()
        print(f"  UART (UARTBone): {board.sim.uart_url} inside network namespace {ns}")
        eb = board.manifest.etherbone
        if eb:
            print(f"  Etherbone: udp://{eb.soc_ip}:{eb.port} inside {ns} (host side {eb.host_ip} on tap0)")
            csv = board.build_dir / "csr.csv"
            server, client = reach_commands(ns, eb.soc_ip, eb.port, csv if csv.exists() else None)
            print(f"  reach it with LiteX's tools (two shells):\n    {server}\n    {client}")
        print(f"  csr.json: {board.build_dir / 'csr.json'}")
        print("Ctrl-C to stop.", flush=True)
        while board.sim.alive():
            time.sleep(0.5)
        board.sim.check_alive()
    return 0
