"""Reading an ECP5 bitstream's command stream the way the FPGA's configuration engine does.

The stream follows the preamble (FF FF BD B3) of a `.bit` file; ecppack writes it
(Project Trellis, libtrellis/src/Bitstream.cpp): RESET_CRC, VERIFY_ID with the part's
IDCODE, control register 0, INIT_ADDRESS, the configuration frames (plain
LSC_PROG_INCR_RTI or compressed LSC_PROG_INCR_CMP, a CRC-16 after each frame and one
dummy byte), the usercode, the block RAM contents and PROGRAM_DONE. The CRC is
CRC-16 with polynomial 0x8005, initial value 0, MSB first, over every byte since the last
reset (opcode bytes 0xFF are no-ops that do not count).

`check_stream` reports what a part would accept: the IDCODE, how many frames passed their
CRC, whether DONE was programmed, and the first error with the engine's error code (the
BSE code of the status register) and the frame it happened in. The emulated JTAG target
(harness/sim/xvc_ecp5.py) configures itself with it; the loader uses it to name the bad
frame of a bitstream a board refused.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

PREAMBLE = b"\xff\xff\xbd\xb3"

# Bitstream engine (BSE) error codes of the ECP5 status register, bits 23..25.
BSE_OK, BSE_ID, BSE_CMD, BSE_CRC, BSE_PREAMBLE, BSE_ABORT, BSE_OVERFLOW, BSE_EOF = range(8)
BSE_NAMES = {BSE_OK: "no error", BSE_ID: "ID error", BSE_CMD: "command error", BSE_CRC: "CRC error",
             BSE_PREAMBLE: "preamble error", BSE_ABORT: "abort", BSE_OVERFLOW: "overflow",
             BSE_EOF: "stream ended early"}

# (frames, bytes per frame) by the IDCODE without its version nibble (Trellis devices.json).
GEOMETRY = {0x01111043: (7562, 74), 0x01112043: (9470, 106), 0x01113043: (13294, 142)}

_VERIFY_ID, _RESET_CRC, _INIT_ADDRESS, _PROG_CNTRL0, _SPI_MODE, _JUMP = 0xE2, 0x3B, 0x46, 0x22, 0x79, 0x7E
_PROG_INCR_RTI, _PROG_INCR_CMP, _WRITE_COMP_DIC, _PROG_SED_CRC = 0x82, 0xB8, 0x02, 0xA2
_PROGRAM_SECURITY, _PROGRAM_USERCODE, _EBR_ADDRESS, _EBR_WRITE, _PROGRAM_DONE = 0xCE, 0xC2, 0xF6, 0xB2, 0x5E
_DUMMY = 0xFF


def _crc_table() -> list[int]:
    table = []
    for byte in range(256):
        crc = byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x8005) if crc & 0x8000 else (crc << 1)
        table.append(crc & 0xFFFF)
    return table


_TABLE = _crc_table()


def crc16(data: bytes, crc: int = 0) -> int:
    """CRC-16 (poly 0x8005, init 0, MSB first, no final XOR): what ecppack writes after a frame."""
    for b in data:
        crc = ((crc << 8) & 0xFFFF) ^ _TABLE[((crc >> 8) ^ b) & 0xFF]
    return crc


@dataclass
class StreamReport:
    """What the configuration engine made of a stream."""
    idcode: int | None = None          # from VERIFY_ID
    frames: int = 0                    # configuration frames whose CRC passed
    frames_expected: int = 0
    compressed: bool = False
    usercode: int | None = None
    ebr_blocks: int = 0
    done: bool = False                 # PROGRAM_DONE reached with everything before it accepted
    error: int = BSE_OK
    message: str = ""                  # the first error, naming the frame or command and the byte offset
    frame: int | None = None           # index (0 = first sent) of the frame the error is in

    @property
    def ok(self) -> bool:
        return self.error == BSE_OK and self.done


class _StreamError(Exception):
    def __init__(self, code: int, message: str, frame: int | None = None):
        super().__init__(message)
        self.code, self.frame = code, frame


class _Reader:
    def __init__(self, data: bytes, start: int):
        self.data, self.pos, self.crc = data, start, 0

    def take(self, n: int, what: str) -> bytes:
        if self.pos + n > len(self.data):
            raise _StreamError(BSE_EOF, f"the stream ends inside {what} (byte {len(self.data)})")
        chunk = self.data[self.pos:self.pos + n]
        self.pos += n
        self.crc = crc16(chunk, self.crc)
        return chunk

    def check_crc(self, what: str, frame: int | None = None) -> None:
        offset = self.pos
        expected = self.crc
        got = int.from_bytes(self.take(2, f"the CRC of {what}"), "big")
        if got != expected:
            raise _StreamError(BSE_CRC, f"CRC error in {what} (CRC at byte {offset}): the stream says "
                                        f"0x{got:04x}, its data gives 0x{expected:04x}", frame)
        self.crc = 0


def _decompress(r: _Reader, count: int, what: str) -> None:
    """Consume one compressed frame of `count` bytes (Trellis's prefix code: 0 = a zero byte,
    100xxx / 101xxx = a one-hot byte / dictionary entry, 11xxxxxxxx = a literal), padded to a byte."""
    zero_frame = count // 8
    if r.data[r.pos:r.pos + zero_frame] == bytes(zero_frame):
        r.take(zero_frame, what)
        return
    window = r.data[r.pos:r.pos + (count * 10 + 7) // 8]
    bits = bin(int.from_bytes(window, "big") | (1 << 8 * len(window)))[3:] if window else ""
    i = 0
    for _ in range(count):
        if i >= len(bits):
            break
        if bits[i] == "0":
            i += 1
        elif i + 1 < len(bits) and bits[i + 1] == "1":
            i += 10
        else:
            i += 6
    r.take((i + 7) // 8, what)


def _frames(r: _Reader, rep: StreamReport, cmd: int, dictionary: bytes | None) -> None:
    params = r.take(3, "the frame command's parameters")
    if rep.idcode is None:
        raise _StreamError(BSE_CMD, f"configuration frames at byte {r.pos - 4} before VERIFY_ID")
    if cmd == _PROG_INCR_CMP and dictionary is None:
        raise _StreamError(BSE_CMD, f"compressed frames at byte {r.pos - 4} before the compression dictionary")
    count = (params[1] << 8) | params[2]
    total, per_frame = GEOMETRY[rep.idcode & 0x0FFFFFFF]
    rep.frames_expected, rep.compressed = count, cmd == _PROG_INCR_CMP
    if count > total:
        raise _StreamError(BSE_OVERFLOW, f"{count} frames announced, the part has {total}")
    check, each, dummies = bool(params[0] & 0x80), not params[0] & 0x40, params[0] & 0x0F
    padded = per_frame + (7 - (per_frame - 1) % 8)
    for i in range(count):
        what = f"frame {i} of {count}"
        if rep.compressed:
            _decompress(r, padded, what)
        else:
            r.take(per_frame, what)
        if check and (each or i == count - 1):
            r.check_crc(what, frame=i)
        r.take(dummies, f"the dummy bytes after {what}")
        rep.frames = i + 1


def _command(r: _Reader, rep: StreamReport, part_idcode: int | None, state: dict) -> None:
    at = r.pos
    cmd = r.data[r.pos]
    r.pos += 1
    if cmd == _DUMMY:
        return
    r.crc = crc16(bytes([cmd]), r.crc)
    if cmd == _RESET_CRC:
        r.take(3, "RESET_CRC")
        r.crc = 0
    elif cmd == _VERIFY_ID:
        r.take(3, "VERIFY_ID")
        rep.idcode = int.from_bytes(r.take(4, "VERIFY_ID"), "big")
        if part_idcode is not None and rep.idcode != part_idcode:
            raise _StreamError(BSE_ID, f"VERIFY_ID at byte {at} names IDCODE 0x{rep.idcode:08x}, "
                                       f"this part is 0x{part_idcode:08x}")
        if rep.idcode & 0x0FFFFFFF not in GEOMETRY:
            raise _StreamError(BSE_ID, f"VERIFY_ID at byte {at} names 0x{rep.idcode:08x}, not an ECP5")
    elif cmd in (_PROG_CNTRL0, _PROG_SED_CRC, _EBR_ADDRESS, _JUMP):
        r.take(7, f"command 0x{cmd:02x}")
    elif cmd in (_INIT_ADDRESS, _SPI_MODE, _PROGRAM_SECURITY):
        r.take(3, f"command 0x{cmd:02x}")
    elif cmd == _WRITE_COMP_DIC:
        flags = r.take(3, "the compression dictionary")[0]
        state["dictionary"] = r.take(8, "the compression dictionary")
        if flags & 0x80:
            r.check_crc("the compression dictionary")
    elif cmd in (_PROG_INCR_RTI, _PROG_INCR_CMP):
        _frames(r, rep, cmd, state.get("dictionary"))
    elif cmd == _PROGRAM_USERCODE:
        flags = r.take(3, "the usercode")[0]
        rep.usercode = int.from_bytes(r.take(4, "the usercode"), "big")
        if flags & 0x80:
            r.check_crc("the usercode")
        r.crc = 0
    elif cmd == _EBR_WRITE:
        params = r.take(3, "a block RAM write")
        r.take(9 * ((params[1] << 8) | params[2]), f"block RAM {rep.ebr_blocks}")
        if params[0] & 0x80:
            r.check_crc(f"block RAM {rep.ebr_blocks}")
        rep.ebr_blocks += 1
    elif cmd == _PROGRAM_DONE:
        flags = r.take(3, "PROGRAM_DONE")[0]
        if flags & 0x80:
            r.check_crc("PROGRAM_DONE")
        if rep.frames == 0 or rep.frames < rep.frames_expected:
            raise _StreamError(BSE_CMD, f"PROGRAM_DONE at byte {at} before the configuration frames")
        rep.done = True
    else:
        raise _StreamError(BSE_CMD, f"unknown command 0x{cmd:02x} at byte {at}")


def check_stream(data: bytes, part_idcode: int | None = None) -> StreamReport:
    """Run `data` (a .bit file, or what was shifted into the part) through the configuration engine.
    With `part_idcode`, VERIFY_ID must name that part."""
    rep = StreamReport()
    start = data.find(PREAMBLE)
    if start < 0:
        rep.error, rep.message = BSE_PREAMBLE, "no preamble (FF FF BD B3) in the stream"
        return rep
    r = _Reader(data, start + len(PREAMBLE))
    state: dict = {}
    try:
        while r.pos < len(data) and not rep.done:
            _command(r, rep, part_idcode, state)
        if not rep.done:
            raise _StreamError(BSE_EOF, f"the stream ends at byte {len(data)} without PROGRAM_DONE")
    except _StreamError as e:
        rep.error, rep.message, rep.frame, rep.done = e.code, str(e), e.frame, False
    return rep


def check_file(path: Path, part_idcode: int | None = None) -> StreamReport:
    return check_stream(path.read_bytes(), part_idcode)
