"""Host UDP receiver capacity against iperf3's server, on a veth pair between two
network namespaces this script creates (and removes).

    apt-get install iperf iperf3      # once
    .venv/bin/python benchmarks/host_receiver.py [--seconds 3] [--rate 1000M] [--short]

1. iperf3 client -> iperf3 server: packets the server received / the client sent.
2. iperf (v2) client -> the harness's UdpReceiver (harness/udp_host.py), same
   offered rate and size: packets received / the client sent. (iperf3's client
   needs an iperf3 server on the other end, so the sender here is iperf2, which
   sends UDP without one.)
`--short` (the test suite: tests/board/test_benchmarks.py): 1 s at 100 Mb/s.
Prints figures, asserts nothing. Traffic stays inside the two namespaces.
"""
from __future__ import annotations

import argparse
import json
import re
import shutil
import socket
import subprocess
import sys
import time

from sailbench.harness.sim.netns import NetNamespace
from sailbench.harness.transport.udp_host import UdpReceiver

A_IP, B_IP, PORT = "10.77.0.1", "10.77.0.2", 6100


def sh(*args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(list(args), capture_output=True, text=True, **kw)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seconds", type=int, default=None, help="default 3 (1 with --short)")
    ap.add_argument("--rate", default=None, help="default 1000M (100M with --short)")
    ap.add_argument("--size", type=int, default=1472)
    ap.add_argument("--short", action="store_true", help="1 s at 100 Mb/s (for the test suite)")
    a = ap.parse_args()
    a.seconds = a.seconds or (1 if a.short else 3)
    a.rate = a.rate or ("100M" if a.short else "1000M")
    missing = [tool for tool in ("iperf", "iperf3") if shutil.which(tool) is None]
    if missing:
        print(f"{' and '.join(missing)} not found: apt-get install iperf iperf3 (scripts/setup.sh installs them)")
        return 2
    with NetNamespace() as na, NetNamespace() as nb:
        sh("ip", "link", "add", "sbva", "netns", na.name, "type", "veth", "peer", "name", "sbvb", "netns", nb.name)
        sh("ip", "-n", na.name, "addr", "add", f"{A_IP}/24", "dev", "sbva")
        sh("ip", "-n", nb.name, "addr", "add", f"{B_IP}/24", "dev", "sbvb")
        sh("ip", "-n", na.name, "link", "set", "sbva", "up")
        sh("ip", "-n", nb.name, "link", "set", "sbvb", "up")
        # 1. iperf3 against iperf3
        server = subprocess.Popen([*nb.exec_prefix(), "iperf3", "-s", "-1", "-B", B_IP, "--json"],
                                  stdout=subprocess.PIPE, text=True)
        time.sleep(0.5)
        client = sh(*na.exec_prefix(), "iperf3", "-c", B_IP, "-u", "-b", a.rate, "-l", str(a.size),
                    "-t", str(a.seconds), "--json", timeout=a.seconds + 30)
        out, _ = server.communicate(timeout=30)
        c = json.loads(client.stdout)["end"]["sum"]
        s = json.loads(out)["end"]["sum"]
        i3_sent, i3_lost = c["packets"], s["lost_packets"]
        i3_recv = s["packets"] - i3_lost
        print(f"  (iperf3 server JSON: packets={s['packets']} lost={i3_lost}; client packets={i3_sent})")
        # 2. iperf2 against the harness receiver
        sock = nb.run_inside(lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM))
        sock.bind((B_IP, PORT))
        rx = UdpReceiver(sock, max_packets=200_000 * a.seconds).start()
        client = sh(*na.exec_prefix(), "iperf", "-c", B_IP, "-p", str(PORT), "-u", "-b", a.rate, "-l",
                    str(a.size), "-t", str(a.seconds), timeout=a.seconds + 30)
        m = re.search(r"Sent (\d+) datagrams", client.stdout + client.stderr)
        i2_sent = int(m.group(1)) if m else None
        rx.wait(i2_sent or 0, idle_s=1.0, deadline_s=10)
        got = rx.result()
        sock.close()
    print(f"offered {a.rate}b/s of {a.size}-byte UDP for {a.seconds} s on a veth pair:")
    print(f"  iperf3 server : {i3_recv:8d} of {i3_sent:8d} packets ({i3_recv / i3_sent:.4f})")
    if i2_sent:
        ratio = got.packets / i2_sent
        print(f"  sailbench rx  : {got.packets:8d} of {i2_sent:8d} packets ({ratio:.4f}); "
              f"relative to iperf3: {ratio / (i3_recv / i3_sent):.4f} (goal >= 0.99)")
    else:
        print(f"  sailbench rx  : {got.packets} packets (iperf2 did not report what it sent: {client.stdout[-200:]})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
