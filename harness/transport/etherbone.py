"""Etherbone: the SoC's Wishbone bus over UDP, with timeouts and bounded retries.

What the LiteEth gateware does (liteeth/frontend/etherbone.py, 2024.12) and
what this link relies on:

- One record per UDP packet (module docstring, "1 record per frame"); a
  record holds up to 255 writes and 255 reads (8-bit wcount/rcount in the
  record header). Packets are encoded and decoded here in the layout of LiteX's
  own classes (litex/tools/remote/etherbone.py; tests/unit/fakes/csr_boards.py
  checks the bytes against them), big-endian, 32-bit addresses; host code does
  not import LiteX at run time.
- Addresses are *byte* addresses: the gateware drops bits [1:0]
  (`base_addr[2:] + count` for writes, `data[2:]` for reads).
- Writes are posted: a record with writes only produces no reply.
- A record with reads is answered by one packet holding one record whose
  *writes* carry the read data, with the request's `base_ret_addr` echoed as
  the reply's write `base_addr` (`LiteEthEtherboneRecordReceiver` latches it,
  `LiteEthEtherboneRecordSender` sends it first). This link puts a fresh
  32-bit tag in `base_ret_addr` for every packet it sends and accepts only a
  reply carrying a tag of the current request, so a late or duplicated
  reply to an earlier request is ignored.
- A record must carry writes *or* reads, and a packet one record: on the
  simulated SoC, a record with both (or two records in one packet) was
  answered once and then the Etherbone master stopped answering at all.
  Cause: `LiteEthEtherboneRecordReceiver`'s RECEIVE_BASE_RET_ADDR state
  latches base_ret_addr without popping it from the FIFO, so the tag is
  used as the first read address and the last address stays queued,
  shifting every later packet (tests/unit/transport/test_client_gateware.py). So a confirmed write
  is a write packet followed by a read packet.
- A record may hold at most `buffer_depth` reads or writes (the
  `buffer_depth` given to `SoC.add_etherbone`: LiteX default 16, the
  sailbench probe SoC 256). The record receiver is a store-and-forward
  `PacketFIFO` of `buffer_depth` words holding the base address word plus
  the data/address words; a longer record locks the Etherbone core up
  (checked in simulation: 16 reads pass at depth 16, 17 stall;
  tests/unit/transport/test_client_gateware.py). `EtherboneLink(buffer_depth=...)` must
  match the gateware; bursts are cut into records of `max_words`.
- Replies go to UDP port `udp_port` (1234) on the requester's IP, not to
  the requester's source port (`LiteEthEtherbonePacketTX`: src_port and
  dst_port both `udp_port`). The local socket must therefore be bound to
  that same port, as LiteX's CommUDP does; one program per network
  namespace can talk to Etherbone boards on a given port.
- The largest packet is 8 + 4 + 4 + 4*255 = 1036 bytes (a full write
  record), under a 1500-byte MTU.

Confirmed writes, exactly once: the probe SoC counts the words its
Etherbone master writes (`etherbone_writes_count`, gateware/cores/
write_counter.py). Given `write_counter_addr`, each write packet is followed
by a read of that counter: advanced by the word count means the write
landed once; unchanged means the write packet was lost, so it is resent;
a lost reply is just re-read, never a second write. Without a counter
(`ack_addr` only: e.g. ctrl_scratch, default the first word written) the
confirming read only proves the board is alive: a write lost while its
read arrives goes unnoticed. Resending repeats the writes, which is
harmless for storage registers and memory but repeats the side effect of a
strobe register if only the reply was lost. Reading back the written
address costs nothing extra to configure but reads a register that may have
a read side effect; a fixed scratch register avoids that. `confirm=False`
sends a write once with no reply (e.g. ctrl_reset, after which the SoC may
not answer).
"""
from __future__ import annotations

import random
import socket
import time
from typing import Callable

from sailbench.harness.errors import BoardError, BoardGarbageError, BoardSilentError
from sailbench.harness.steps import layer_logger
from sailbench.harness.transport.batch import ReadOp, WriteOp, run_sequentially
from sailbench.harness.transport.counting import LinkCounter
from sailbench.harness.transport.etherbone_codec import (MAX_RECORD_WORDS, check_addr, decode_reply, encode,
                                                         packet_header)

log = layer_logger("transport")

_DRAIN_LIMIT = 1000


class EtherboneLink:
    """Bus transport over LiteEth Etherbone. Byte addresses, 32-bit words."""

    def __init__(self, ip: str, port: int = 1234, timeout_s: float = 0.5, retries: int = 5,
                 board: str | None = None, sock: socket.socket | None = None, *,
                 ack_addr: int | None = None, write_counter_addr: int | None = None,
                 buffer_depth: int = 256, interface: str | None = None):
        self.ip = ip
        self.interface = interface
        self.port = port
        self.name = f"udp://{ip}:{port}"
        self.board = board
        self.timeout_s = timeout_s
        self.retries = retries
        self.ack_addr = ack_addr
        self.write_counter_addr = write_counter_addr
        self._writes_seen: int | None = None
        if buffer_depth < 1:
            raise ValueError(f"buffer_depth must be >= 1, got {buffer_depth}")
        self.max_words = min(MAX_RECORD_WORDS, buffer_depth)
        self.retries_used = 0
        self.counter = LinkCounter()
        self._tag = random.getrandbits(32)
        self._own_socket = sock is None
        self._sock: socket.socket | None = None
        try:
            self._peer = socket.gethostbyname(ip)
        except OSError as e:
            raise BoardError(f"'{ip}' is not an IP address or known host name: {e}",
                             board=board, port=self.name) from e
        self._sock = self._setup_socket(sock)

    # --- public ----------------------------------------------------------------

    def read(self, addr: int, count: int = 1) -> list[int]:
        """Burst-read `count` words from byte address `addr`, one packet per `max_words`."""
        check_addr(addr)
        if count < 1:
            raise ValueError(f"count must be >= 1, got {count}")
        words: list[int] = []
        for start in range(0, count, self.max_words):
            n = min(self.max_words, count - start)
            base = addr + 4 * start
            addrs = [base + 4 * i for i in range(n)]

            def build(tag: int, addrs=addrs) -> bytes:
                return encode(None, 0, addrs, tag)
            words.extend(self._transact(build, n, f"a {n}-word read at 0x{base:08x}"))
        return words

    def write(self, addr: int, data: list[int], *, confirm: bool = True) -> None:
        """Burst-write `data` from byte address `addr`; confirmed and resent if lost."""
        check_addr(addr)
        for start in range(0, len(data), self.max_words):
            chunk = list(data[start:start + self.max_words])
            base = addr + 4 * start
            what = f"a {len(chunk)}-word write at 0x{base:08x}"
            self.counter.write()
            if not confirm:
                self._send(encode(chunk, base, None, 0), what)
                continue
            if self.write_counter_addr is not None:
                self._counted_write(chunk, base, what)
                continue
            ack = self.ack_addr if self.ack_addr is not None else base
            write_packet = encode(chunk, base, None, 0)

            def build(tag: int, write_packet=write_packet, ack=ack) -> bytes:
                # LiteEth's Etherbone master mishandles a record carrying both writes and
                # reads (and packets of several records): it stops answering until reset.
                # So the write goes alone and the confirming read follows in its own packet,
                # resent together on silence.
                self._send(write_packet, what)
                return encode(None, 0, [ack], tag)
            self._transact(build, 1, what)

    def transact(self, ops: list[WriteOp | ReadOp], *, confirm: bool = True) -> list[list[int]]:
        """Writes posted, each run of reads in one record, checked by the SoC's write
        counter (harness/transport/etherbone_batch.py)."""
        if self.write_counter_addr is None:
            return run_sequentially(self, ops, confirm=confirm)
        from sailbench.harness.transport.etherbone_batch import transact
        return transact(self, ops, confirm=confirm)

    def read_records(self, addrs: list[int], what: str) -> list[int]:
        """Words at `addrs` (any addresses, at most max_words) in one read record."""
        return self._transact(lambda tag: encode(None, 0, addrs, tag), len(addrs), what)

    def _read_write_counter(self, what: str) -> int:
        addr = self.write_counter_addr
        return self._transact(lambda tag: encode(None, 0, [addr], tag), 1,
                              f"the write counter read confirming {what}")[0]

    def _counted_write(self, chunk: list[int], base: int, what: str) -> None:
        """Exactly-once write: the SoC counts the words its Etherbone master wrote.

        After sending, read the count: advanced by len(chunk) means it landed; unchanged
        means the packet was lost, so resend; anything else means another writer or a
        partial write, which is reported rather than guessed at."""
        if self._writes_seen is None:
            self._writes_seen = self._read_write_counter(what)
        before = self._writes_seen
        want = (before + len(chunk)) & 0xFFFF_FFFF
        packet = encode(chunk, base, None, 0)
        for attempt in range(1 + self.retries):
            if attempt:
                self.retries_used += 1
                self.counter.write()
                log.info("%s: %s was lost, resending (%d/%d)", self.name, what, attempt, self.retries)
            self._send(packet, what)
            got = self._read_write_counter(what)
            if got == want:
                self._writes_seen = got
                return
            if got != before:
                self._writes_seen = got
                raise BoardGarbageError(
                    f"{what}: the SoC's Etherbone write counter moved by {(got - before) & 0xFFFF_FFFF} "
                    f"words instead of {len(chunk)}; is another program writing to this board?",
                    board=self.board, port=self.name)
        raise BoardSilentError(
            f"{what} never arrived in {1 + self.retries} attempts (the board answers reads but its "
            "write counter did not move); check for packet loss on the link", board=self.board, port=self.name)

    def probe(self) -> None:
        """Etherbone probe (pf=1): the SoC answers pr=1 without touching the bus."""
        request = packet_header(probe_flag=True) + bytes(4)  # padding payload, as CommUDP sends
        self._transact(lambda tag: request, 0, "an Etherbone probe", probe=True)

    def close(self) -> None:
        sock, self._sock = self._sock, None
        if sock is not None and self._own_socket:
            sock.close()

    def __enter__(self) -> "EtherboneLink":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"EtherboneLink({self.ip!r}, port={self.port}, board={self.board!r})"

    # --- internals -------------------------------------------------------------

    def _setup_socket(self, sock: socket.socket | None) -> socket.socket:
        if sock is None:
            sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            if self.interface:
                try:
                    bind_to_interface(sock, self.interface)
                except BoardError as e:
                    sock.close()
                    raise BoardError(str(e), board=self.board, port=self.name) from e.__cause__
        elif sock.family != socket.AF_INET or sock.type != socket.SOCK_DGRAM:
            raise BoardError("the socket given to EtherboneLink must be an IPv4 UDP socket",
                             board=self.board, port=self.name)
        bound = sock.getsockname()[1]
        if bound == 0:
            try:
                sock.bind(("", self.port))
            except OSError as e:
                if self._own_socket:
                    sock.close()
                raise BoardError(
                    f"cannot bind local UDP port {self.port}: {e.strerror}; LiteX Etherbone "
                    "replies to that port only, so no other program (litex_server, another "
                    "sailbench) may hold it in this network namespace", board=self.board,
                    port=self.name) from e
        elif bound != self.port:
            raise BoardError(
                f"the socket is bound to UDP port {bound}, but LiteX Etherbone replies to port "
                f"{self.port}; bind it to {self.port} or pass it unbound",
                board=self.board, port=self.name)
        return sock

    def _socket(self) -> socket.socket:
        if self._sock is None:
            raise BoardError("Etherbone link used after close()", board=self.board,
                             port=self.name)
        return self._sock

    def _next_tag(self) -> int:
        self._tag = (self._tag + 1) & 0xFFFF_FFFF
        return self._tag

    def _send(self, payload: bytes, what: str) -> None:
        try:
            self._socket().sendto(payload, (self._peer, self.port))
        except OSError as e:
            raise BoardError(
                f"could not send {what}: {e.strerror or e}; is this program in the board's "
                f"network namespace, is the interface up with a route to {self.ip}, and does "
                "no firewall drop it?", board=self.board, port=self.name) from e

    def _drain(self) -> None:
        """Discard datagrams already queued (answers to requests given up on)."""
        sock = self._socket()
        sock.setblocking(False)
        try:
            for _ in range(_DRAIN_LIMIT):
                sock.recvfrom(65536)
        except (BlockingIOError, InterruptedError):
            pass
        except OSError:
            pass  # e.g. a queued ICMP error; the next send reports real trouble
        finally:
            sock.setblocking(True)

    def _transact(self, build: Callable[[int], bytes], words: int, what: str, *,
                  probe: bool = False) -> list[int]:
        """Send, await the matching reply, resend on silence; return the reply's words."""
        sock = self._socket()
        self._drain()
        tags: set[int] = set()
        garbage: list[bytes] = []
        attempts = 1 + self.retries
        for attempt in range(attempts):
            if attempt:
                self.retries_used += 1
                log.info("%s: no reply to %s, resending (%d/%d)", self.name, what,
                         attempt, self.retries)
            tag = self._next_tag()
            tags.add(tag)
            self.counter.round_trip()
            self._send(build(tag), what)
            deadline = time.monotonic() + self.timeout_s
            while (left := deadline - time.monotonic()) > 0:
                sock.settimeout(left)
                try:
                    data, src = sock.recvfrom(65536)
                except (socket.timeout, BlockingIOError, InterruptedError):
                    break
                except OSError as e:  # ICMP errors surface on some systems
                    log.debug("%s: %s while waiting for %s", self.name, e, what)
                    continue
                if src[0] != self._peer:
                    continue
                got = decode_reply(data, tags, words, probe)
                if got is None:
                    continue  # a stale reply to an earlier request
                if isinstance(got, str):
                    garbage.append(data[:16])
                    if got.startswith("!"):
                        raise BoardGarbageError(f"bad reply to {what}: {got[1:]}",
                                                board=self.board, port=self.name)
                    continue
                return got
        waited = attempts * self.timeout_s
        if garbage:
            raise BoardGarbageError(
                f"no valid reply to {what} in {attempts} attempts ({waited:.3g}s), only "
                f"{len(garbage)} packet(s) that are not Etherbone replies (first "
                f"{garbage[0]!r}); is {self.ip}:{self.port} a LiteX Etherbone SoC?",
                board=self.board, port=self.name)
        raise BoardSilentError(
            f"no reply to {what} after {attempts} attempts of {self.timeout_s}s; check the "
            f"board's IP address and UDP port, the Ethernet cable and link, that this "
            f"program runs in the board's network namespace, and that no firewall drops "
            f"UDP port {self.port}", board=self.board, port=self.name)


def bind_to_interface(sock: socket.socket, interface: str) -> None:
    """Send and receive on `sock` through network interface `interface` only (SO_BINDTODEVICE:
    lab.yaml `etherbone.interface`, e.g. the USB NIC wired to the board), whatever the routes say."""
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, interface.encode())
    except OSError as e:
        raise BoardError(f"cannot bind the socket to network interface '{interface}' (lab.yaml "
                         f"etherbone.interface): {e.strerror or e}; check `ip link` for its name "
                         "(binding needs CAP_NET_RAW on kernels before 5.7)") from e
