"""CSR round trips per second on the simulated board: sailbench's links against
LiteX's litex_server + RemoteClient, side by side on the same running simulation.

    .venv/bin/python benchmarks/csr_roundtrips.py [--count 500] [--short]

`--short`: 20 reads per link and no litex_server comparison (tests/board/
test_csr_roundtrips_bench.py runs that part on the session's board). Prints
figures, asserts nothing. Root needed (the simulated board's netns).
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import time

from sailbench.harness.board.board import Board
from sailbench.harness.board.lifecycle import open_board
from sailbench.harness.config import find_lab, load_lab
from sailbench.harness.transport.counting import counter_of

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


def ours_rows(board: Board, count: int) -> list[tuple[str, float, int]]:
    """(link, reads per second, round trips counted) for each of the board's links."""
    rows = []
    for label, client in (("UART (serial2tcp)", board.csr), ("Etherbone (UDP)", board.etherbone)):
        if client is None:
            continue
        counter = counter_of(client)
        before = counter.total.round_trips if counter else 0
        rate = ours(client, "ctrl_scratch", count)
        rows.append((label, rate, (counter.total.round_trips - before) if counter else 0))
    return rows


def report(board: Board, count: int, litex: bool = True) -> list[str]:
    """Measure and return the table; with `litex`, also LiteX's own client (closes the board's links)."""
    rows = ours_rows(board, count)
    theirs: list[float | None] = [None] * len(rows)
    if litex and board.sim is not None:
        addr = board.regmap.register("ctrl_scratch").addr
        ns = board.sim.netns.name
        uart_url = board.sim.uart_url
        eb = board.manifest.etherbone
        # serial2tcp serves one client and Etherbone replies go to UDP port 1234: free both first
        board.csr.close()
        if board.etherbone is not None:
            board.etherbone.close()
        theirs[0] = litex_server(ns, ["--uart", "--uart-port", uart_url], addr, count)
        if eb is not None and len(rows) > 1:
            theirs[1] = litex_server(ns, ["--udp", "--udp-ip", eb.soc_ip], addr, count)
    out = [f"CSR round trips per second ({count} reads of ctrl_scratch, "
           f"{'simulated board at ~0.6 M cycles/s' if board.is_sim else 'board ' + board.name}):",
           f"  {'link':20} {'sailbench':>10} {'round trips':>12} {'litex_server+RemoteClient':>26} {'ratio':>7}"]
    for (name, mine, trips), other in zip(rows, theirs):
        t = f"{other:10.0f}" if other else ("    failed" if litex else "   skipped")
        ratio = f"{mine / other:6.1f}x" if other else "      -"
        out.append(f"  {name:20} {mine:10.0f} {trips:12d} {t:>26} {ratio:>7}")
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--count", type=int, default=None)
    ap.add_argument("--board", default="sim")
    ap.add_argument("--short", action="store_true", help="20 reads per link, no litex_server comparison")
    a = ap.parse_args()
    count = a.count or (20 if a.short else 500)
    lab = load_lab(find_lab(None))
    with open_board(lab.board(a.board), progress=print) as board:
        print()
        print("\n".join(report(board, count, litex=not a.short)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
