"""UARTBone: the SoC's Wishbone bus over a serial line (any pyserial URL).

Wire protocol, from the gateware (litex/soc/cores/uart.py, `Stream2Wishbone`)
and LiteX's own host side (litex/tools/remote/comm_uart.py):

    host -> board  cmd(1) length(1) address(4, big endian) [data(4, big endian) x length]
    board -> host  data(4, big endian) x length            (reads only)

- cmd: 0x01 write burst incr, 0x02 read burst incr (0x03/0x04: fixed address).
- address is a *word* address (byte address // 4): the bridge's Wishbone
  port uses `addressing="word"` and steps the address by 1 per word.
- length is 8 bits, 1..255 words (0 would never finish the burst).
- Writes get no reply at all.
- The bridge resets its state machine when a command has not finished
  100 ms after its first byte (`WaitTimer(100e-3*clk_freq)`), counted
  until the last reply byte is sent. At 115200 baud a 255-word burst is
  ~89 ms on the wire, so bursts are sized from the baud rate to use at
  most half that budget (142 words at 115200, 255 from ~230400 up).
- The LiteX simulator's serial2tcp keeps received bytes in a 2048-byte ring
  without overflow check (litex/build/sim/core/modules/serial2tcp/
  serial2tcp.c, `read_handler`), so long writes are fenced (see below)
  every ~1 KiB to keep fewer than that in flight.

- LiteX's bridge reads its command bytes straight from the UART receiver, with
  no FIFO: bytes that arrive while it sends a read reply are lost. So nothing is
  sent after a read command until its answer is in (`transact`), while writes
  may follow each other back to back (a CSR write takes a few clock cycles, a
  byte on the wire hundreds). The probe SoC's bridge has a receive FIFO
  (gateware/cores/uartbone_fifo.py; the manifest's `uart.rx_fifo_bytes`): given
  `rx_fifo_bytes`, a batch's reads are sent without waiting, a window of commands
  at a time (harness/transport/uartbone_pipeline.py). Pass it only for a
  bitstream whose manifest says so: an older bridge would lose the bytes.

Writes are confirmed: after the last chunk (and every ~1 KiB) a one-word
read is sent; the bridge handles commands in order, so its answer proves the
writes before it reached the bus, and a silent board raises
`BoardSilentError` instead of passing unnoticed. The fence reads `ack_addr`
when given (e.g. the ctrl_scratch register) or else the last written word;
reading most LiteX CSRs and memories has no side effect. Pass
`confirm=False` for a write after which the board may not answer (ctrl_reset),
or for a batch of writes checked once at its end (harness/transport/batch.py).
Every wait for an answer counts one round trip in `counter` (counting.py).
"""
from __future__ import annotations

import select
import socket
import struct
import time

import serial

from sailbench.harness.errors import BoardError, BoardGarbageError, BoardSilentError
from sailbench.harness.transport.batch import ReadOp, WriteOp
from sailbench.harness.transport.counting import LinkCounter
from sailbench.harness.transport import uartbone_pipeline
from sailbench.harness.steps import layer_logger

log = layer_logger("transport")

CMD_WRITE_BURST_INCR = 0x01
CMD_READ_BURST_INCR = 0x02
CMD_WRITE_BURST_FIXED = 0x03
MAX_BURST_WORDS = 255           # 8-bit length field
BRIDGE_TIMEOUT_S = 0.100        # Stream2Wishbone WaitTimer
FENCE_BYTES = 1024              # write bytes sent before a fence read (serial2tcp holds 2048)
RESYNC_S = 0.15                 # > BRIDGE_TIMEOUT_S: the bridge is back in RECEIVE-CMD


def burst_words_for(baudrate: int) -> int:
    """Largest burst whose bytes take at most half the bridge's 100 ms timer."""
    budget_bytes = 0.5 * BRIDGE_TIMEOUT_S * baudrate / 10  # 8N1: 10 bits per byte
    return max(1, min(MAX_BURST_WORDS, int((budget_bytes - 6) // 4)))


class UartBone:
    """Bus transport over UARTBone. Byte addresses, 32-bit words."""

    def __init__(self, url: str, baudrate: int = 115200, timeout_s: float = 2.0,
                 board: str | None = None, *, ack_addr: int | None = None,
                 max_burst: int | None = None, rx_fifo_bytes: int = 0):
        self.url = url
        self.name = url
        self.board = board
        self.baudrate = baudrate
        self.timeout_s = timeout_s
        self.ack_addr = ack_addr
        self.max_burst = max_burst or burst_words_for(baudrate)
        if not 1 <= self.max_burst <= MAX_BURST_WORDS:
            raise ValueError(f"max_burst must be 1..{MAX_BURST_WORDS}, got {max_burst}")
        if rx_fifo_bytes and rx_fifo_bytes < 64:
            raise ValueError(f"rx_fifo_bytes must be 0 (no FIFO) or at least 64, got {rx_fifo_bytes}")
        self.rx_fifo_bytes = rx_fifo_bytes
        self.unanswered = 0              # with the FIFO: bytes sent after the last answered read
        self.unanswered_last: int | None = None   # ... and the last word they wrote
        self._resync = False
        self.counter = LinkCounter()
        kwargs = {}
        if "://" not in url:
            kwargs["exclusive"] = True  # a second program on a tty fails here, not later
        try:
            self._ser = serial.serial_for_url(url, baudrate=baudrate, timeout=timeout_s,
                                              write_timeout=timeout_s, **kwargs)
        except (serial.SerialException, ValueError, OSError) as e:
            if "://" in url:
                hint = ("is the simulator (or ser2net) running and listening there?")
            else:
                hint = ("is the board plugged in and powered, is the name right "
                        "(ls /dev/ttyUSB* /dev/ttyACM*), may you use it (dialout group), "
                        "and is another program (litex_server, a terminal) using the port?")
            raise BoardError(f"could not open the UARTBone port: {e}; {hint}",
                             board=board, port=url) from e

        self._tcp = _tcp_socket(self._ser)

    # --- public ----------------------------------------------------------------

    def read(self, addr: int, count: int = 1) -> list[int]:
        """Burst-read `count` words starting at byte address `addr` (one round trip per
        `max_burst` words)."""
        return self.transact([ReadOp(addr, count)])[0]

    def write(self, addr: int, data: list[int], *, confirm: bool = True) -> None:
        """Burst-write `data` (32-bit words) from byte address `addr`; `confirm` ends it
        with a fence read (one round trip)."""
        self.transact([WriteOp(addr, tuple(data))], confirm=confirm)

    def transact(self, ops: list[WriteOp | ReadOp], *, confirm: bool = True) -> list[list[int]]:
        """Writes and reads in order, waiting only for reads: see harness/transport/batch.py.

        Writes go out back to back in one `write()` to the port with the read that follows
        them (no small-packet delay on socket:// links); a fence read is added every ~1 KiB
        of writes (serial2tcp's ring) and, with `confirm`, after trailing writes. Returns the
        words of each ReadOp. With the bridge's receive FIFO (`rx_fifo_bytes`), reads do not
        wait either: uartbone_pipeline.py."""
        if self.rx_fifo_bytes:
            for op in ops:
                _check_addr(op.addr)
            return uartbone_pipeline.transact(self, ops, confirm=confirm)
        out = bytearray()
        results: list[list[int]] = []
        last = 0
        for op in ops:
            _check_addr(op.addr)
            if isinstance(op, ReadOp):
                if op.count < 1:
                    raise ValueError(f"count must be >= 1, got {op.count}")
                words: list[int] = []
                for done in range(0, op.count, self.max_burst):
                    n = min(self.max_burst, op.count - done)
                    a = op.addr + 4 * done
                    out += struct.pack(">BBI", CMD_READ_BURST_INCR, n, a >> 2)
                    self._send(bytes(out), f"a {n}-word read at 0x{a:08x}")
                    out.clear()
                    words.extend(self._receive(a, n))
                results.append(words)
                continue
            for command, last_word in self._write_commands(op):
                if out and len(out) + len(command) > FENCE_BYTES:
                    self._fence(out, last)
                out += command
                last = last_word
                self.counter.write()
        if out and confirm:
            self._fence(out, last)
        elif out:
            self._send(bytes(out), f"writes up to 0x{last:08x}")
        return results

    def _write_commands(self, op: WriteOp, burst: int | None = None):
        """(command bytes, byte address of its last word) per burst of at most `burst`
        (default max_burst) words."""
        cmd = CMD_WRITE_BURST_FIXED if op.fixed else CMD_WRITE_BURST_INCR
        burst = burst or self.max_burst
        for done in range(0, len(op.words), burst):
            chunk = op.words[done:done + burst]
            first = op.addr if op.fixed else op.addr + 4 * done
            try:
                data = struct.pack(f">BBI{len(chunk)}I", cmd, len(chunk), first >> 2, *chunk)
            except struct.error as e:
                raise ValueError(f"write data must be 32-bit unsigned words: {e}") from None
            yield data, first if op.fixed else first + 4 * (len(chunk) - 1)

    def _fence(self, out: bytearray, last: int) -> None:
        """Send `out` with a one-word read after it and wait for the answer."""
        fence = self.ack_addr if self.ack_addr is not None else last
        out += struct.pack(">BBI", CMD_READ_BURST_INCR, 1, fence >> 2)
        self._send(bytes(out), f"writes up to 0x{last:08x}")
        out.clear()
        self._receive(fence, 1, f" (confirming writes up to 0x{last:08x})")

    def close(self) -> None:
        ser, self._ser = getattr(self, "_ser", None), None
        if ser is not None:
            ser.close()

    def __enter__(self) -> "UartBone":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"UartBone({self.url!r}, baudrate={self.baudrate}, board={self.board!r})"

    # --- internals -------------------------------------------------------------

    def _port(self) -> serial.SerialBase:
        if self._ser is None:
            raise BoardError("UARTBone link used after close()", board=self.board, port=self.url)
        return self._ser

    def _prepare(self) -> None:
        """Drop stale input; after a failed command, first let the bridge time out."""
        ser = self._port()
        if self._resync:
            time.sleep(RESYNC_S)
            self._resync = False
            self.unanswered, self.unanswered_last = 0, None
        try:
            if ser.in_waiting:
                log.debug("%s: discarding stale input before a command", self.url)
            ser.reset_input_buffer()
        except (serial.SerialException, OSError) as e:
            raise self._lost(e) from e

    def _send(self, payload: bytes, what: str) -> None:
        self._prepare()
        try:
            self._port().write(payload)
        except serial.SerialTimeoutException as e:
            self._resync = True
            raise BoardSilentError(
                f"could not send {what} within {self.timeout_s}s; the port does not "
                "take data (flow control, a hung USB adapter?)",
                board=self.board, port=self.url) from e
        except (serial.SerialException, OSError) as e:
            raise self._lost(e) from e

    def _receive(self, addr: int, count: int, context: str = "", sent_bytes: int = 0) -> list[int]:
        """The reply to a `count`-word read at `addr`, within the deadline (which allows for the
        wire time of the answer and of the `sent_bytes` sent with the read)."""
        ser = self._port()
        self.counter.round_trip()
        want = 4 * count
        wire_s = (want + sent_bytes) * 10 / self.baudrate
        limit = self.timeout_s + wire_s
        deadline = time.monotonic() + limit
        buf = bytearray()
        sock = self._tcp
        try:
            while len(buf) < want:
                if sock is not None:
                    # A TCP serial server (LiteX serial2tcp, ser2net) writing byte by byte with
                    # Nagle on holds each reply's tail until we ACK its head; Linux delays that
                    # ACK up to 40 ms unless asked for a quick one, before every receive. So
                    # take whatever has arrived (recv, not pyserial's read-until-n) and ACK.
                    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 1)
                    left = max(0.0, deadline - time.monotonic())
                    ready, _, _ = select.select([sock], [], [], min(left, self.timeout_s))
                    part = sock.recv(want - len(buf)) if ready else b""
                    if ready and not part:
                        raise serial.SerialException("socket disconnected")
                else:
                    part = ser.read(want - len(buf))
                if part:
                    buf += part
                if not part or time.monotonic() >= deadline:
                    break
            extra = ser.in_waiting if len(buf) == want else 0
        except (serial.SerialException, OSError) as e:
            raise self._lost(e) from e
        if len(buf) < want:
            self._resync = True
            if not buf:
                raise BoardSilentError(
                    f"no answer to a {count}-word read at 0x{addr:08x}{context} within "
                    f"{limit:.3g}s; "
                    "check the board is powered, loaded with the sailbench probe, and that "
                    f"{self.url} is its UART", board=self.board, port=self.url)
            raise BoardSilentError(
                f"only {len(buf)} of {want} bytes answered a {count}-word read at "
                f"0x{addr:08x}{context} within {limit:.3g}s (first bytes {bytes(buf[:16])!r}); "
                f"check the baud rate ({self.baudrate}) and that {self.url} is the "
                "UARTBone port", board=self.board, port=self.url)
        if extra:
            self._resync = True
            raise BoardGarbageError(
                f"more bytes than the {want} of a {count}-word UARTBone reply at "
                f"0x{addr:08x} (started {bytes(buf[:16])!r}); a console (the LiteX BIOS, "
                f"a shell) may be on {self.url} instead of UARTBone, or the baud rate "
                f"({self.baudrate}) is wrong", board=self.board, port=self.url)
        return list(struct.unpack(f">{count}I", buf))

    def _lost(self, e: Exception) -> BoardError:
        self._resync = True
        return BoardError(f"the UARTBone port failed: {e}; was the board unplugged or "
                          "the simulator stopped?", board=self.board, port=self.url)


def rx_fifo_bytes_of(manifest) -> int:
    """The receive FIFO of a build's UARTBone bridge (its manifest's `uart.rx_fifo_bytes`); 0 for
    a build without one or a manifest from before it: then every read is waited for."""
    uart = getattr(manifest, "uart", None)
    return int(getattr(uart, "rx_fifo_bytes", 0) or 0)


def _tcp_socket(ser: serial.SerialBase) -> socket.socket | None:
    """The TCP socket under a socket:// port (None otherwise), with Nagle off.

    Only socket://: pyserial passes its bytes through unchanged, so reading the
    socket directly is safe (rfc2217:// decodes telnet in a reader thread)."""
    if type(ser).__module__ != "serial.urlhandler.protocol_socket":
        return None
    sock = getattr(ser, "_socket", None)
    if not isinstance(sock, socket.socket) or sock.type != socket.SOCK_STREAM:
        return None
    try:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    except OSError:
        return None
    return sock


def _check_addr(addr: int) -> None:
    if addr < 0 or addr % 4 or addr >> 32:
        raise ValueError(f"address 0x{addr:x} must be a 4-byte aligned byte address "
                         "below 2**32 (32-bit SoC bus)")
