"""Network namespaces the harness creates for the simulated board.

The simulator's TAP, its UART TCP server and every packet the harness sends
to it live inside a namespace created here and always removed, so no traffic
ever reaches the machine's own networks. Sockets are opened inside the
namespace from a short-lived thread that has joined it (setns affects only
the calling thread); a socket keeps its namespace for its whole life, so the
rest of the harness uses it from any thread.
"""
from __future__ import annotations

import ctypes
import os
import subprocess
import threading
import uuid
from typing import Callable, TypeVar

from sailbench.harness.errors import SimulatorError

T = TypeVar("T")
CLONE_NEWNET = 0x40000000
NETNS_DIR = "/var/run/netns"
PREFIX = "sailbench-"

_libc = ctypes.CDLL(None, use_errno=True)


def _ip(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    try:
        r = subprocess.run(["ip", *args], capture_output=True, text=True, timeout=10)
    except FileNotFoundError:
        raise SimulatorError("the 'ip' command is missing; install Debian package iproute2 (scripts/setup.sh does)") from None
    if check and r.returncode != 0:
        raise SimulatorError(f"'ip {' '.join(args)}' failed: {r.stderr.strip()}"
                             " (network namespaces need root / CAP_SYS_ADMIN)")
    return r


class NetNamespace:
    """A namespace owned by this process: `with NetNamespace() as ns: ...`."""

    def __init__(self, name: str | None = None):
        self.name = name or f"{PREFIX}{os.getpid()}-{uuid.uuid4().hex[:6]}"
        self.created = False

    def create(self) -> "NetNamespace":
        _ip("netns", "add", self.name)
        self.created = True
        _ip("-n", self.name, "link", "set", "lo", "up")
        return self

    def remove(self) -> None:
        if self.created:
            _ip("netns", "del", self.name, check=False)
            self.created = False

    def exec_prefix(self) -> list[str]:
        return ["ip", "netns", "exec", self.name]

    def run_inside(self, fn: Callable[[], T], timeout_s: float = 30.0) -> T:
        """Run `fn` in a thread that has joined this namespace; return its result."""
        result: dict = {}

        def worker() -> None:
            try:
                fd = os.open(os.path.join(NETNS_DIR, self.name), os.O_RDONLY)
                try:
                    if _libc.setns(fd, CLONE_NEWNET) != 0:
                        err = ctypes.get_errno()
                        raise SimulatorError(f"cannot enter network namespace {self.name}: {os.strerror(err)}")
                finally:
                    os.close(fd)
                result["value"] = fn()
            except BaseException as e:  # handed to the caller's thread
                result["error"] = e

        t = threading.Thread(target=worker, name=f"netns-{self.name}", daemon=True)
        t.start()
        t.join(timeout_s)
        if t.is_alive():
            raise SimulatorError(f"operation inside network namespace {self.name} did not finish in {timeout_s:.0f} s")
        if "error" in result:
            raise result["error"]
        return result["value"]

    def drop_udp(self, port: int, percent: int, device: str = "tap0") -> None:
        """Drop `percent` % of UDP packets to or from `port` on `device`, both ways, as a
        lossy wire would: nftables netdev ingress/egress hooks, so the sender sees no error
        (tc netem is not in every kernel: this one has no sch_netem). Each drop is counted
        (dropped_packets()). For loss tests; undo with clear_drops()."""
        self._loss_rules(f"udp dport {port}", f"udp sport {port}", percent, device)

    def drop_udp_to(self, port: int, percent: int, device: str = "tap0", sequence_below: int | None = None) -> None:
        """Drop `percent` % of UDP packets whose destination port is `port`, in either direction.
        With `sequence_below`, only probe packets whose sequence number (payload bytes 4-7, big-endian)
        is below it: the packets from there on all arrive, so every drop is followed by a later arrival
        and shows up as a sequence gap."""
        match = f"udp dport {port}"
        if sequence_below is not None:
            match += f" @th,96,32 < {int(sequence_below)}"      # 8-byte UDP header + 4 bytes of magic
        self._loss_rules(match, match, percent, device)

    def _loss_rules(self, egress_match: str, ingress_match: str, percent: int, device: str) -> None:
        if not 0 <= percent <= 100:
            raise ValueError("percent must be 0..100")
        drop = f"numgen random mod 100 < {percent} counter drop"
        rules = (f"table netdev sailbench_loss {{\n"
                 f" chain eg {{ type filter hook egress device {device} priority 0; {egress_match} {drop}; }}\n"
                 f" chain in {{ type filter hook ingress device {device} priority 0; {ingress_match} {drop}; }}\n"
                 f"}}\n")
        self.clear_drops()
        r = subprocess.run([*self.exec_prefix(), "nft", "-f", "-"], input=rules, capture_output=True, text=True)
        if r.returncode != 0:
            raise SimulatorError(f"cannot add packet-loss rules in {self.name}: {r.stderr.strip()} "
                                 "(needs Debian nftables and a kernel with nf_tables netdev egress)")

    def dropped_packets(self) -> int:
        """Packets the loss rules have dropped so far (both hooks)."""
        r = subprocess.run([*self.exec_prefix(), "nft", "-j", "list", "table", "netdev", "sailbench_loss"],
                           capture_output=True, text=True)
        if r.returncode != 0:
            return 0
        import json
        total = 0
        for item in json.loads(r.stdout).get("nftables", []):
            for expr in item.get("rule", {}).get("expr", []):
                if "counter" in expr:
                    total += expr["counter"]["packets"]
        return total

    def clear_drops(self) -> None:
        subprocess.run([*self.exec_prefix(), "nft", "delete", "table", "netdev", "sailbench_loss"],
                       capture_output=True, text=True)

    def __enter__(self) -> "NetNamespace":
        return self.create()

    def __exit__(self, *exc) -> None:
        self.remove()


def remove_stale_namespaces() -> list[str]:
    """Remove sailbench namespaces whose owning process is gone (after a kill -9)."""
    removed = []
    if not os.path.isdir(NETNS_DIR):
        return removed
    for name in os.listdir(NETNS_DIR):
        if not name.startswith(PREFIX):
            continue
        try:
            pid = int(name[len(PREFIX):].split("-")[0])
        except ValueError:
            continue
        if pid != os.getpid() and not os.path.exists(f"/proc/{pid}"):
            # a simulator whose owner was killed outright still runs in there: stop it first
            pids = _ip("netns", "pids", name, check=False).stdout.split()
            for p in pids:
                try:
                    os.kill(int(p), 9)
                except (ValueError, ProcessLookupError, PermissionError):
                    pass
            _ip("netns", "del", name, check=False)
            removed.append(name)
    return removed
