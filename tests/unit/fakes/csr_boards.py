"""Fake boards for the CSR link tests, speaking the real wire protocols.

- `FakeUartBone`: a TCP server (pyserial `socket://`) playing LiteX's
  UARTBone bridge (litex/soc/cores/uart.py, Stream2Wishbone): word
  addresses, big-endian, reads answered, writes silent.
- `FakeEtherbone`: a UDP server playing LiteEth's Etherbone
  (liteeth/frontend/etherbone.py), decoding and encoding with LiteX's own
  packet classes; it replies from and to its own port, as the gateware does.

Everything listens on loopback; the server threads' lifecycle (start, serve,
stop, join) is tests/unit/fakes/serving.py's.
"""
from __future__ import annotations

import socket
import struct

from litex.tools.remote.etherbone import (
    EtherbonePacket, EtherboneRecord, EtherboneWrites,
)

from unit.fakes.serving import POLL_S, FakeServer, LoopbackTcpFake

CMD_WRITE, CMD_READ = 0x01, 0x02


class FakeUartBone(LoopbackTcpFake):
    """modes: "ok"; "silent" (accepts, never answers); "console" (answers text
    to anything, like a BIOS prompt); "short" (answers 2 bytes per read)."""

    RECV_BYTES = 4096

    def __init__(self, mode: str = "ok"):
        self.mode = mode
        self.memory: dict[int, int] = {}
        self.commands: list[tuple[int, int, int]] = []  # (cmd, length, byte address)
        super().__init__()

    def inject(self, data: bytes) -> None:
        """Send unsolicited bytes to the connected host."""
        self._conn.sendall(data)

    def _received(self, conn: socket.socket, buf: bytearray, data: bytes) -> None:
        if self.mode == "silent":
            return
        if self.mode == "console":
            conn.sendall(b"\r\nlitex> " + bytes(data))
            return
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
                self.commands.append((cmd, length, addr))
            elif cmd == CMD_READ:
                del buf[:6]
                words = [self.memory.get(addr + 4 * i, 0) for i in range(length)]
                reply = struct.pack(f">{length}I", *words)
                # recorded before the answer: the host reads `commands` as soon as it has it
                self.commands.append((cmd, length, addr))
                conn.sendall(reply[:2] if self.mode == "short" else reply)
            else:
                del buf[:6]  # the bridge drops an unknown command after its address
                self.commands.append((cmd, length, addr))


class FakeEtherbone(FakeServer):
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
        self.sock, self.client_sock = _loopback_pair()
        self.ip, self.port = self.sock.getsockname()
        self.sock.settimeout(POLL_S)
        self._start()

    def _close_sockets(self) -> None:
        self.sock.close()
        self.client_sock.close()

    def _serve_once(self) -> None:
        try:
            data, (src_ip, _src_port) = self.sock.recvfrom(65536)
        except (socket.timeout, OSError):
            return
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
