"""CSR round trips per second on the simulated board: sailbench's links against
LiteX's litex_server + RemoteClient, side by side on the same running simulation.

    .venv/bin/python benchmarks/csr_roundtrips.py [--count 500]

Prints figures, asserts nothing. Root needed (the simulated board's netns).
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import time

from sailbench.harness.board.board import open_board
from sailbench.harness.config import find_lab, load_lab

CLIENT = r"""
import sys, time
from litex import RemoteClient
wb = RemoteClient(port={port}, csr_csv=None)
wb.open()
n = {count}
t0 = time.monotonic()
for _ in range(n):
    wb.read({addr})
dt = time.monotonic() - t0
wb.close()
print(n / dt)
"""


def ours(client, name: str, count: int) -> float:
    client.read(name)  # warm (ARP, connection)
    t0 = time.monotonic()
    for _ in range(count):
        client.read(name)
    return count / (time.monotonic() - t0)


def litex_server(ns: str, server_args: list[str], addr: int, count: int, port: int = 1235) -> float | None:
    server = subprocess.Popen(["ip", "netns", "exec", ns, sys.executable, "-m", "litex.tools.litex_server",
                               "--bind-port", str(port), *server_args],
                              stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    try:
        time.sleep(1.5)   # litex_server has no ready signal
        r = subprocess.run(["ip", "netns", "exec", ns, sys.executable, "-c",
                            CLIENT.format(port=port, count=count, addr=addr)],
                           capture_output=True, text=True, timeout=600)
        if r.returncode != 0:
            print(f"  RemoteClient failed: {r.stderr.strip().splitlines()[-1:]}")
            return None
        return float(r.stdout.strip())
    finally:
        server.terminate()
        server.wait(timeout=10)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--count", type=int, default=500)
    ap.add_argument("--board", default="sim")
    a = ap.parse_args()
    lab = load_lab(find_lab(None))
    with open_board(lab.board(a.board), progress=print) as board:
        addr = board.regmap.register("ctrl_scratch").addr
        ns = board.sim.netns.name
        uart_url = board.sim.uart_url
        eb = board.manifest["etherbone"]
        rows = []
        rows.append(("UART (serial2tcp)", ours(board.csr, "ctrl_scratch", a.count)))
        rows.append(("Etherbone (UDP)", ours(board.etherbone, "ctrl_scratch", a.count)))
        # serial2tcp serves one client and Etherbone replies go to UDP port 1234: free both first
        board.csr.close()
        board.etherbone.close()
        theirs_uart = litex_server(ns, ["--uart", "--uart-port", uart_url], addr, a.count)
        theirs_udp = litex_server(ns, ["--udp", "--udp-ip", eb["soc_ip"]], addr, a.count)
        print()
        print(f"CSR round trips per second ({a.count} reads of ctrl_scratch, simulated board at "
              f"~0.6 M cycles/s):")
        print(f"  {'link':20} {'sailbench':>10} {'litex_server+RemoteClient':>26} {'ratio':>7}")
        for (name, mine), theirs in zip(rows, (theirs_uart, theirs_udp)):
            t = f"{theirs:10.0f}" if theirs else "    failed"
            ratio = f"{mine / theirs:6.1f}x" if theirs else "      -"
            print(f"  {name:20} {mine:10.0f} {t:>26} {ratio:>7}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
