"""Raw Ethernet frames to and from a board's link, for packet-level checks with scapy.

An AF_PACKET socket on the link's interface (the simulated board's tap0,
opened inside its network namespace; on hardware, the NIC wired to the
board). Frames are built and parsed with scapy; the socket is plain so it
works inside a namespace scapy's interface list does not know.
"""
from __future__ import annotations

import socket
import time
from typing import Callable

ETH_P_ALL = 0x0003


class RawLink:
    def __init__(self, sock: socket.socket, iface: str):
        self.sock = sock
        self.iface = iface
        self.mac = sock.getsockname()[4].hex(":")

    @classmethod
    def open(cls, iface: str, opener: Callable = lambda f: f()) -> "RawLink":
        def make() -> socket.socket:
            s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
            s.bind((iface, 0))
            return s
        return cls(opener(make), iface)

    def send(self, frame) -> None:
        self.sock.send(bytes(frame))

    def expect(self, match: Callable, timeout_s: float = 3.0):
        """The first received frame (parsed by scapy) for which `match(frame)` is true, or None."""
        from scapy.layers.l2 import Ether
        end = time.monotonic() + timeout_s
        while (left := end - time.monotonic()) > 0:
            self.sock.settimeout(left)
            try:
                data = self.sock.recv(65536)
            except socket.timeout:
                return None
            frame = Ether(data)
            if match(frame):
                return frame
        return None

    def close(self) -> None:
        self.sock.close()
