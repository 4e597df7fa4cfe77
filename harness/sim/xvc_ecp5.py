"""An emulated ECP5 on a Xilinx Virtual Cable: test equipment the real openFPGALoader programs.

An XVC server (TCP on 127.0.0.1; `getinfo:`, `settck:`, `shift:`) in front of an ECP5's JTAG
TAP: the 16-state TAP controller, an 8-bit instruction register, the IDCODE of a chosen part,
the status register, and the SRAM configuration commands openFPGALoader sends
(src/lattice.cpp, program_mem: READ_ID 0xE0, LSC_READ_STATUS 0x3C, LSC_CHECK_BUSY 0xF0,
ISC_ENABLE 0xC6, ISC_ERASE 0x0E, LSC_INIT_ADDRESS 0x46, LSC_BITSTREAM_BURST 0x7A,
ISC_DISABLE 0x26, BYPASS 0xFF). What is shifted during a burst is run through the
configuration engine (harness/build/ecp5_stream.py): VERIFY_ID against this part, every
frame's CRC-16, PROGRAM_DONE. Errors land in the status register's BSE error code, as on
silicon, and in `log`, which a test reads to see what the part accepted.

openFPGALoader connects with `-c xvc-client --ip 127.0.0.1 --port PORT`. Every socket has a
timeout: a client that goes silent is dropped, `stop()` ends the server.
"""
from __future__ import annotations

import argparse
import signal
import socket
import threading
from dataclasses import dataclass, field

from sailbench.gateware.profiles import ECP5_IDCODES
from sailbench.harness.build.ecp5_stream import BSE_NAMES, BSE_OK, StreamReport, check_stream

IDCODES = {f"{family}-{size}": idcode for (family, size), idcode in ECP5_IDCODES.items()}   # "LFE5UM5G-45F": ...
XVC_INFO = b"xvcServer_v1.0:2048\n"      # openFPGALoader splits TMS and TDI: 1024 bytes each per shift
MAX_SHIFT_BYTES = 1024
CLIENT_TIMEOUT_S = 30.0

READ_ID, READ_STATUS, CHECK_BUSY, USERCODE, PRELOAD = 0xE0, 0x3C, 0xF0, 0xC0, 0x1C
ISC_ENABLE, ISC_DISABLE, ISC_ERASE, INIT_ADDRESS, BURST, REFRESH, BYPASS = 0xC6, 0x26, 0x0E, 0x46, 0x7A, 0x79, 0xFF
STATUS_DONE, STATUS_ISC_EN, STATUS_FAIL = 1 << 8, 1 << 9, 1 << 13

# TAP controller: state -> (next with TMS=0, next with TMS=1)
TLR, RTI, SEL_DR, CAP_DR, SHIFT_DR, EX1_DR, PAUSE_DR, EX2_DR, UPD_DR = range(9)
SEL_IR, CAP_IR, SHIFT_IR, EX1_IR, PAUSE_IR, EX2_IR, UPD_IR = range(9, 16)
NEXT = {TLR: (RTI, TLR), RTI: (RTI, SEL_DR), SEL_DR: (CAP_DR, SEL_IR), CAP_DR: (SHIFT_DR, EX1_DR),
        SHIFT_DR: (SHIFT_DR, EX1_DR), EX1_DR: (PAUSE_DR, UPD_DR), PAUSE_DR: (PAUSE_DR, EX2_DR),
        EX2_DR: (SHIFT_DR, UPD_DR), UPD_DR: (RTI, SEL_DR), SEL_IR: (CAP_IR, TLR), CAP_IR: (SHIFT_IR, EX1_IR),
        SHIFT_IR: (SHIFT_IR, EX1_IR), EX1_IR: (PAUSE_IR, UPD_IR), PAUSE_IR: (PAUSE_IR, EX2_IR),
        EX2_IR: (SHIFT_IR, UPD_IR), UPD_IR: (RTI, SEL_DR)}
_REVERSE = bytes(int(f"{b:08b}"[::-1], 2) for b in range(256))


@dataclass
class TargetLog:
    """What the emulated part saw and accepted."""
    part: str
    idcode: int
    connections: int = 0
    id_reads: int = 0                  # READ_ID or IDCODE-after-reset DR scans
    erased: int = 0
    bursts: list[StreamReport] = field(default_factory=list)
    burst_bytes: int = 0               # bitstream bytes shifted in (all bursts)
    configured: bool = False           # the last burst passed and ISC_DISABLE woke the part (DONE high)
    events: list[str] = field(default_factory=list)

    @property
    def last(self) -> StreamReport | None:
        return self.bursts[-1] if self.bursts else None


class Ecp5Tap:
    """The JTAG side of one ECP5: TAP controller, instruction and data registers, configuration."""

    def __init__(self, part: str):
        if part not in IDCODES:
            raise ValueError(f"unknown ECP5 part {part!r}; one of {', '.join(IDCODES)}")
        self.log = TargetLog(part, IDCODES[part])
        self.state, self.ir, self.ir_shift = TLR, READ_ID, 0
        self.dr, self.dr_len = 0, 32
        self.status = 0
        self.burst = bytearray()
        self.burst_bits, self.burst_nbits = 0, 0

    def _capture_dr(self) -> None:
        value, length = {READ_ID: (self.log.idcode, 32), READ_STATUS: (self.status, 32), CHECK_BUSY: (0, 8),
                         USERCODE: (0, 32), PRELOAD: (0, 208), ISC_ENABLE: (0, 8), ISC_ERASE: (0, 8),
                         BURST: (0, 1)}.get(self.ir, (0, 1))
        self.dr, self.dr_len = value, length
        if self.ir == READ_ID:
            self.log.id_reads += 1
        if self.ir == BURST:
            self.burst.clear()
            self.burst_bits = self.burst_nbits = 0

    def _update_ir(self) -> None:
        self.ir = self.ir_shift & 0xFF
        if self.ir == ISC_ENABLE:
            self.status |= STATUS_ISC_EN
        elif self.ir == ISC_ERASE:
            self.status &= ~(STATUS_DONE | STATUS_FAIL | (7 << 23))
            self.log.configured = False
            self.log.erased += 1
        elif self.ir == ISC_DISABLE:
            self.status &= ~STATUS_ISC_EN
            last = self.log.last
            if last is not None and last.ok:
                self.status |= STATUS_DONE
                self.log.configured = True
                self.log.events.append("woke up: DONE high")
        elif self.ir == REFRESH:
            self.status &= ~(STATUS_DONE | (7 << 23))
            self.log.configured = False

    def _update_dr(self) -> None:
        if self.ir != BURST:
            return
        data = bytes(self.burst).translate(_REVERSE)          # openFPGALoader sends each byte LSB first
        self.log.burst_bytes += len(data)
        report = check_stream(data, self.log.idcode)
        self.log.bursts.append(report)
        self.status &= ~(7 << 23)
        if report.error != BSE_OK:
            self.status |= (report.error << 23) | STATUS_FAIL
            self.log.events.append(f"refused: {BSE_NAMES[report.error]}: {report.message}")
        else:
            self.log.events.append(f"accepted {report.frames} frames, DONE programmed")

    def clock(self, tms: int, tdi: int) -> int:
        """One TCK: returns TDO (sampled before the edge)."""
        tdo = 0
        if self.state == SHIFT_DR:
            tdo = self.dr & 1
            self.dr = (self.dr >> 1) | (tdi << (self.dr_len - 1))
            if self.ir == BURST:
                self.burst_bits |= tdi << self.burst_nbits
                self.burst_nbits += 1
                if self.burst_nbits == 8:
                    self.burst.append(self.burst_bits)
                    self.burst_bits = self.burst_nbits = 0
        elif self.state == SHIFT_IR:
            tdo = self.ir_shift & 1
            self.ir_shift = (self.ir_shift >> 1) | (tdi << 7)
        self.state = NEXT[self.state][tms]
        if self.state == TLR:
            self.ir = READ_ID
        elif self.state == CAP_DR:
            self._capture_dr()
        elif self.state == CAP_IR:
            self.ir_shift = 0x01
        elif self.state == UPD_IR:
            self._update_ir()
        elif self.state == UPD_DR:
            self._update_dr()
        return tdo

    def shift(self, nbits: int, tms: bytes, tdi: bytes) -> bytes:
        """One XVC `shift:`; a burst's whole bytes (TMS all 0 in Shift-DR) take a fast path."""
        tdo = bytearray(len(tdi))
        i = 0
        while i < nbits:
            if (self.state == SHIFT_DR and self.ir == BURST and self.burst_nbits == 0 and i % 8 == 0
                    and i + 8 <= nbits and tms[i // 8] == 0):
                j = i // 8
                while (j + 1) * 8 <= nbits and tms[j] == 0:
                    j += 1
                self.burst += tdi[i // 8:j]
                i = j * 8
                continue
            bit = self.clock((tms[i // 8] >> (i % 8)) & 1, (tdi[i // 8] >> (i % 8)) & 1)
            tdo[i // 8] |= bit << (i % 8)
            i += 1
        return bytes(tdo)


def _recv_exact(conn: socket.socket, n: int) -> bytes:
    data = bytearray()
    while len(data) < n:
        _quick_ack(conn)
        chunk = conn.recv(n - len(data))
        if not chunk:
            raise ConnectionError("client closed the connection")
        data += chunk
    return bytes(data)


def _quick_ack(conn: socket.socket) -> None:
    """ACK at once: openFPGALoader 0.10 sends a command and its data in two writes, and Nagle's
    algorithm on its side holds the second until the first is ACKed (40 ms with delayed ACKs)."""
    if hasattr(socket, "TCP_QUICKACK"):
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 1)


class XvcEcp5Server:
    """The emulated part behind an XVC server on 127.0.0.1 (`port` 0: any free port). Use as a context
    manager or call start()/stop(); `log` says what the part accepted."""

    def __init__(self, part: str = "LFE5UM5G-45F", port: int = 0, client_timeout_s: float = CLIENT_TIMEOUT_S):
        self.tap = Ecp5Tap(part)
        self.client_timeout_s = client_timeout_s
        self._sock = socket.create_server(("127.0.0.1", port))
        self._sock.settimeout(0.5)
        self.port = self._sock.getsockname()[1]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, name=f"xvc-ecp5:{self.port}", daemon=True)

    @property
    def log(self) -> TargetLog:
        return self.tap.log

    def start(self) -> "XvcEcp5Server":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        try:
            self._sock.shutdown(socket.SHUT_RDWR)        # wakes accept() at once (Linux)
        except OSError:
            pass
        self._thread.join(timeout=5)
        self._sock.close()

    def __enter__(self) -> "XvcEcp5Server":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except (TimeoutError, OSError):
                continue
            self.log.connections += 1
            with conn:
                conn.settimeout(self.client_timeout_s)
                conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                try:
                    self._session(conn)
                except (ConnectionError, TimeoutError, OSError, ValueError) as e:
                    self.log.events.append(f"client dropped: {e}")

    def _session(self, conn: socket.socket) -> None:
        while not self._stop.is_set():
            _quick_ack(conn)
            head = conn.recv(1)
            if not head:
                return
            head += _recv_exact(conn, 1)
            head += _recv_exact(conn, {b"ge": 6, b"se": 5, b"sh": 4}.get(head, 0))
            if head == b"getinfo:":
                conn.sendall(XVC_INFO)
            elif head == b"settck:":
                conn.sendall(_recv_exact(conn, 4))
            elif head == b"shift:":
                nbits = int.from_bytes(_recv_exact(conn, 4), "little")
                nbytes = (nbits + 7) // 8
                if nbytes > MAX_SHIFT_BYTES:
                    raise ValueError(f"shift of {nbits} bits exceeds the {MAX_SHIFT_BYTES}-byte buffer")
                tms, tdi = _recv_exact(conn, nbytes), _recv_exact(conn, nbytes)
                conn.sendall(self.tap.shift(nbits, tms, tdi))
            else:
                raise ValueError(f"unknown XVC command {head!r}")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="An emulated ECP5 on an XVC server (openFPGALoader -c xvc-client)")
    p.add_argument("--part", default="LFE5UM5G-45F", choices=sorted(IDCODES))
    p.add_argument("--port", type=int, default=2542)
    a = p.parse_args(argv)
    server = XvcEcp5Server(a.part, a.port).start()
    print(f"{a.part} (IDCODE 0x{server.log.idcode:08x}) on xvc 127.0.0.1:{server.port}; Ctrl-C or SIGTERM stops",
          flush=True)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    try:
        while not done.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    server.stop()
    for event in server.log.events:
        print(event)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
