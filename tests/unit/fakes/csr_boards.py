"""Fake boards for the CSR link tests, speaking the real wire protocols.

- `FakeUartBone`: a TCP server (pyserial `socket://`) playing LiteX's
  UARTBone bridge (litex/soc/cores/uart.py, Stream2Wishbone): word
  addresses, big-endian, reads answered, writes silent.
- `FakeEtherbone`: a UDP server playing LiteEth's Etherbone
  (liteeth/frontend/etherbone.py), decoding and encoding with LiteX's own
  packet classes; it replies from and to its own port, as the gateware does.

Everything listens on loopback; every loop is bounded by a stop event or a
timeout. The tests at the bottom pin the fakes to LiteX's encodings.
"""
from __future__ import annotations

import socket
import struct
import threading
import time

from litex.tools.remote.etherbone import (
    EtherbonePacket, EtherboneRecord, EtherboneWrites,
)

CMD_WRITE, CMD_READ = 0x01, 0x02


class FakeUartBone:
    """modes: "ok"; "silent" (accepts, never answers); "console" (answers text
    to anything, like a BIOS prompt); "short" (answers 2 bytes per read)."""

    def __init__(self, mode: str = "ok"):
        self.mode = mode
        self.memory: dict[int, int] = {}
        self.commands: list[tuple[int, int, int]] = []  # (cmd, length, byte address)
        self._stop = threading.Event()
        self._conn: socket.socket | None = None
        self._srv = socket.create_server(("127.0.0.1", 0))
        self._srv.settimeout(0.05)
        self.port = self._srv.getsockname()[1]
        self.url = f"socket://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self._srv.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._srv.accept()
            except (socket.timeout, OSError):
                continue
            with conn:
                conn.settimeout(0.05)
                self._conn = conn
                self._session(conn)
                self._conn = None

    def inject(self, data: bytes) -> None:
        """Send unsolicited bytes to the connected host."""
        self._conn.sendall(data)

    def _session(self, conn: socket.socket) -> None:
        buf = bytearray()
        while not self._stop.is_set():
            try:
                data = conn.recv(4096)
            except socket.timeout:
                continue
            except OSError:
                return
            if not data:
                return
            if self.mode == "silent":
                continue
            if self.mode == "console":
                conn.sendall(b"\r\nlitex> " + bytes(data))
                continue
            buf += data
            while len(buf) >= 6:
                cmd, length, waddr = struct.unpack(">BBI", buf[:6])
                addr = waddr * 4
                if cmd == CMD_WRITE:
                    need = 6 + 4 * length
                    if len(buf) < need:
                        break
                    for i, w in enumerate(struct.unpack(f">{length}I", buf[6:need])):
                        self.memory[addr + 4 * i] = w
                    del buf[:need]
                elif cmd == CMD_READ:
                    del buf[:6]
                    words = [self.memory.get(addr + 4 * i, 0) for i in range(length)]
                    reply = struct.pack(f">{length}I", *words)
                    conn.sendall(reply[:2] if self.mode == "short" else reply)
                else:
                    del buf[:6]  # the bridge drops an unknown command after its address
                self.commands.append((cmd, length, addr))


class FakeEtherbone:
    """Knobs: drop the first `drop_first` packets (or all), drop the first
    `drop_writes` packets carrying writes, `replay_stale`: send the previous
    reply again before each reply, `garbage`: answer junk, `short`: answer
    one word less than asked."""

    def __init__(self, *, drop_first: int = 0, drop_all: bool = False, drop_writes: int = 0,
                 write_counter: int | None = None,
                 replay_stale: bool = False, garbage: bool = False, short: bool = False):
        self.memory: dict[int, int] = {}
        self.received = 0
        self.packets: list[EtherbonePacket] = []
        self.drop_first, self.drop_all, self.drop_writes = drop_first, drop_all, drop_writes
        self.write_counter = write_counter   # address of a words-written counter, like the probe SoC's
        self.drop_next_replies = 0
        self.replay_stale, self.garbage, self.short = replay_stale, garbage, short
        self._last_reply: bytes | None = None
        self._stop = threading.Event()
        self.sock, self.client_sock = _loopback_pair()
        self.ip, self.port = self.sock.getsockname()
        self.sock.settimeout(0.05)
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self.sock.close()
        self.client_sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                data, (src_ip, _src_port) = self.sock.recvfrom(65536)
            except (socket.timeout, OSError):
                continue
            self.received += 1
            reply = self._handle(data)
            if reply is not None:
                dst = (src_ip, self.port)  # LiteEth: dst_port = udp_port, not the source port
                if self.replay_stale and self._last_reply is not None:
                    self.sock.sendto(self._last_reply, dst)
                self.sock.sendto(reply, dst)
                self._last_reply = reply

    def _handle(self, data: bytes) -> bytes | None:
        if self.drop_all or self.received <= self.drop_first:
            return None
        if self.garbage:
            return b"HTTP/1.0 400 Bad Request\r\n"
        packet = EtherbonePacket(32, data)
        packet.decode()
        self.packets.append(packet)
        if packet.pf:
            return bytes([0x4E, 0x6F, 0x12, 0x44]) + data[4:]  # pr=1, payload echoed
        record = packet.records[0]
        if record.wcount:
            if self.drop_writes > 0:
                self.drop_writes -= 1
                return None
            for i, w in enumerate(record.writes.get_datas()):
                self.memory[record.writes.base_addr + 4 * i] = w
                if self.write_counter is not None:
                    self.memory[self.write_counter] = self.memory.get(self.write_counter, 0) + 1
        if not record.rcount:
            return None  # writes are posted
        if self.drop_next_replies > 0:
            self.drop_next_replies -= 1
            return None
        values = [self.memory.get(a & ~3, 0) for a in record.reads.get_addrs()]
        if self.short:
            values = values[:-1]
        # LiteX 2024.12's EtherboneReads.decode() drops base_ret_addr (it stays 0),
        # so take it from the bytes: packet header, record header, [writes], base_ret_addr.
        at = 8 + 4 + (4 + 4 * record.wcount if record.wcount else 0)
        base_ret_addr = struct.unpack(">I", data[at:at + 4])[0]
        out = EtherboneRecord(addr_size=4)
        out.writes = EtherboneWrites(addr_size=4, base_addr=base_ret_addr, datas=values)
        reply = EtherbonePacket(32)
        reply.records = [out]
        reply.encode()
        return bytes(reply.bytes)


def _loopback_pair() -> tuple[socket.socket, socket.socket]:
    """A board socket on 127.0.0.2:P and a host socket on 127.0.0.1:P (same P:
    LiteX Etherbone replies to its own port number)."""
    for _ in range(50):
        srv = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # lets a host socket
        srv.bind(("127.0.0.2", 0))                                 # bind ("", P) too
        cli = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            cli.bind(("127.0.0.1", srv.getsockname()[1]))
        except OSError:
            srv.close()
            cli.close()
            continue
        return srv, cli
    raise RuntimeError("no free UDP port pair on loopback")


# --- the fakes against LiteX's encodings ------------------------------------------

def test_etherbone_request_bytes_match_litex_layout():
    from sailbench.harness.transport.etherbone import _encode
    # magic 4e6f, version 1, addr/port size 4; record: be=0xf, wcount, rcount
    assert _encode(None, 0, [0x1000], 0x12345678) == bytes.fromhex(
        "4e6f1044 00000000 000f0001 12345678 00001000")
    assert _encode([0xDEADBEEF], 0x2000, [0x4], 1) == bytes.fromhex(
        "4e6f1044 00000000 000f0101 00002000 deadbeef 00000001 00000004")


def test_etherbone_codec_matches_litex_both_ways():
    """harness/transport/etherbone.py encodes and decodes without LiteX; the bytes are LiteX's."""
    import random

    from litex.tools.remote.etherbone import (EtherbonePacket, EtherboneReads, EtherboneRecord,
                                              EtherboneWrites)

    from sailbench.harness.transport.etherbone import _decode_reply, _encode, _packet_header

    rng = random.Random(9)
    for _ in range(50):
        writes = [rng.getrandbits(32) for _ in range(rng.randint(0, 255))]
        reads = [rng.getrandbits(30) << 2 for _ in range(rng.randint(0 if writes else 1, 255))]
        base, tag = rng.getrandbits(30) << 2, rng.getrandbits(32)
        record = EtherboneRecord(addr_size=4)
        if writes:
            record.writes = EtherboneWrites(addr_size=4, base_addr=base, datas=writes)
        if reads:
            record.reads = EtherboneReads(addr_size=4, base_ret_addr=tag, addrs=reads)
        packet = EtherbonePacket(addr_width=32)
        packet.records = [record]
        packet.encode()
        assert _encode(writes, base, reads, tag) == bytes(packet.bytes)
        # A reply as the gateware sends it (LiteX-encoded), decoded here.
        reply = EtherboneRecord(addr_size=4)
        reply.writes = EtherboneWrites(addr_size=4, base_addr=tag, datas=writes or [1])
        answer = EtherbonePacket(addr_width=32)
        answer.records = [reply]
        answer.encode()
        assert _decode_reply(bytes(answer.bytes), {tag}, len(writes or [1]), False) == (writes or [1])
        assert _decode_reply(bytes(answer.bytes), {tag ^ 1}, len(writes or [1]), False) is None
        assert _decode_reply(bytes(answer.bytes)[:-2], {tag}, len(writes or [1]), False) == \
            "undecodable Etherbone packet"
    probe = EtherbonePacket(32)
    probe.pf = 1
    probe.encode()
    assert _packet_header(probe_flag=True) == bytes(probe.bytes)


def test_fake_uartbone_speaks_word_addresses():
    with FakeUartBone() as fake:
        s = socket.create_connection(("127.0.0.1", fake.port), timeout=2)
        s.sendall(bytes([CMD_WRITE, 1, 0, 0, 0x04, 0x00]) + bytes.fromhex("cafef00d"))
        s.sendall(bytes([CMD_READ, 1, 0, 0, 0x04, 0x00]))
        deadline = time.monotonic() + 2
        got = b""
        while len(got) < 4 and time.monotonic() < deadline:
            got += s.recv(4)
        s.close()
        assert got == bytes.fromhex("cafef00d")
        assert fake.memory == {0x1000: 0xCAFEF00D}  # word address 0x400 = byte 0x1000
