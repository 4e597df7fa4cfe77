"""Host side of the host-link probe: a UDP receiver that keeps up with GbE and a sender.

The receiver's hot path is one `recv_into` per packet into a preallocated
buffer (no parsing, no allocation); sequence numbers are checked after the
run. Sockets may be created inside a network namespace by the caller and
handed in.
"""
from __future__ import annotations

import socket
import struct
import threading
import time
from array import array
from dataclasses import dataclass

from sailbench.harness.errors import BoardError

MAGIC = b"SBHL"
RCVBUF = 16 << 20
SNAP = 16   # bytes kept per packet: magic, sequence, timestamp


@dataclass
class Received:
    packets: int
    bytes: int
    gaps: int
    late: int
    bad: int
    first_s: float | None
    last_s: float | None

    @property
    def wall_s(self) -> float:
        return (self.last_s - self.first_s) if self.first_s is not None and self.last_s is not None else 0.0


def analyse(heads: bytes, lengths: array, count: int) -> tuple[int, int, int, int]:
    """(bytes, gaps, late, bad) from the kept packet heads, in arrival order."""
    expected, gaps, late, bad, total = 0, 0, 0, 0, 0
    for i in range(count):
        head = heads[i * SNAP:(i + 1) * SNAP]
        total += lengths[i]
        if head[:4] != MAGIC:
            bad += 1
            continue
        seq = struct.unpack_from(">I", head, 4)[0]
        if seq >= expected:
            gaps += seq - expected
            expected = seq + 1
        else:
            late += 1
    return total, gaps, late, bad


class UdpReceiver:
    """Receive up to `max_packets` on a bound UDP socket in a background thread."""

    def __init__(self, sock: socket.socket, max_packets: int):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, RCVBUF)
        self.sock = sock
        self.max_packets = max_packets
        self.heads = bytearray(SNAP * max_packets)
        self.lengths = array("I", bytes(4 * max_packets))
        self.count = 0
        self.first_s: float | None = None
        self.last_s: float | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name="udp-receiver")

    def start(self) -> "UdpReceiver":
        self._thread.start()
        return self

    def _run(self) -> None:
        sock, heads, lengths = self.sock, memoryview(self.heads), self.lengths
        buf = bytearray(65536)
        view = memoryview(buf)
        sock.settimeout(0.05)
        n = 0
        while n < self.max_packets and not self._stop.is_set():
            try:
                size = sock.recv_into(buf)
            except (socket.timeout, BlockingIOError):
                continue
            except OSError:
                break
            if n == 0:
                self.first_s = time.monotonic()
            heads[n * SNAP:(n + 1) * SNAP] = view[:SNAP]
            lengths[n] = size
            n += 1
            self.count = n
        self.last_s = time.monotonic()

    def wait(self, expected: int, idle_s: float, deadline_s: float) -> None:
        """Until `expected` packets arrived, or nothing new for `idle_s`, or the deadline."""
        end = time.monotonic() + deadline_s
        seen, since = self.count, time.monotonic()
        while self.count < expected and time.monotonic() < end:
            time.sleep(0.01)
            if self.count != seen:
                seen, since = self.count, time.monotonic()
            elif time.monotonic() - since > idle_s:
                break
        self._stop.set()
        self._thread.join(timeout=1)

    def result(self) -> Received:
        total, gaps, late, bad = analyse(bytes(self.heads), self.lengths, self.count)
        return Received(self.count, total, gaps, late, bad, self.first_s, self.last_s)


def payload(seq: int, size: int) -> bytes:
    return MAGIC + struct.pack(">IQ", seq, 0) + bytes(size - 16)


def send_sequence(sock: socket.socket, dest: tuple[str, int], size: int, count: int,
                  pace_s: float = 0.0, deadline_s: float = 120.0, board: str | None = None) -> tuple[int, float]:
    """Send `count` packets numbered 0..count-1; returns (sent, seconds). Bounded in count and time:
    a send that cannot go out before the deadline raises BoardError naming the port."""
    body = bytearray(payload(0, size))
    t0 = time.monotonic()
    end = t0 + deadline_s
    sent = 0
    for seq in range(count):
        struct.pack_into(">I", body, 4, seq)
        while True:
            try:
                sock.sendto(body, dest)
                break
            except (BlockingIOError, OSError) as e:   # full queue: wait a little, bounded
                if time.monotonic() > end:
                    raise BoardError(
                        f"could not send UDP packet {seq} of {count} within {deadline_s:g} s: "
                        f"{e.strerror or e}; is the link up with a route to {dest[0]}?",
                        board=board, port=f"udp://{dest[0]}:{dest[1]}") from e
                time.sleep(0.001)
        sent += 1
        if pace_s:
            time.sleep(pace_s)
        if time.monotonic() > end:
            break
    return sent, time.monotonic() - t0
