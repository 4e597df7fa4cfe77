"""Etherbone packets as LiteX's Etherbone core reads and writes them: one record per packet,
writes from a base address and reads whose reply carries a tag as its write base. Pure bytes, no
socket and no LiteX import (tests/unit/transport/test_etherbone_codec.py checks it against
litex/tools/remote/etherbone.py both ways); harness/transport/etherbone.py sends them."""
from __future__ import annotations

import struct

MAX_RECORD_WORDS = 255      # wcount and rcount are 8-bit
ETHERBONE_MAGIC = 0x4e6f
_VERSION = 1
_PACKET_HEADER = 8          # magic, version and flags, address and port sizes, 4 bytes of padding
_RECORD_HEADER = 4          # flags, byte enable, wcount, rcount
_BYTE_ENABLE = 0xF
_SIZES = (4 << 4) | 4       # 32-bit addresses, 32-bit ports


def packet_header(probe_flag: bool = False) -> bytes:
    flags = (_VERSION << 4) | (1 if probe_flag else 0)
    return struct.pack(">HBB4x", ETHERBONE_MAGIC, flags, _SIZES)


def encode(writes: list[int] | None, base: int, reads: list[int] | None, tag: int) -> bytes:
    """One packet with one record: `writes` from byte address `base`, and/or `reads` whose reply
    carries `tag` as its write base address."""
    writes, reads = list(writes or []), list(reads or [])
    if len(writes) > MAX_RECORD_WORDS or len(reads) > MAX_RECORD_WORDS:
        raise ValueError(f"an Etherbone record holds at most {MAX_RECORD_WORDS} writes and reads")
    try:
        out = packet_header() + struct.pack(">BBBB", 0, _BYTE_ENABLE, len(writes), len(reads))
        if writes:
            out += struct.pack(f">{1 + len(writes)}I", base, *writes)
        if reads:
            out += struct.pack(f">{1 + len(reads)}I", tag, *reads)
    except struct.error as e:
        raise ValueError(f"Etherbone words and addresses must be 32-bit unsigned: {e}") from None
    return out


def decode_records(data: bytes) -> list[tuple[int, int, int | None, list[int]]]:
    """The records of a packet: (wcount, rcount, write base address, write data). ValueError when
    a record is cut short."""
    records = []
    offset = _PACKET_HEADER
    while len(data) > offset:
        if len(data) < offset + _RECORD_HEADER:
            raise ValueError("truncated record header")
        wcount, rcount = data[offset + 2], data[offset + 3]
        offset += _RECORD_HEADER
        base, datas = None, []
        if wcount:
            chunk = data[offset:offset + 4 * (wcount + 1)]
            if not chunk or len(chunk) % 4:
                raise ValueError("truncated writes")
            base, *datas = struct.unpack(f">{len(chunk) // 4}I", chunk)
            offset += 4 * (wcount + 1)
        if rcount:
            chunk = data[offset:offset + 4 * (rcount + 1)]
            if not chunk or len(chunk) % 4:
                raise ValueError("truncated reads")
            offset += 4 * (rcount + 1)
        records.append((wcount, rcount, base, datas))
    return records


def decode_reply(data: bytes, tags: set[int], words: int, probe: bool):
    """The reply's words; None for a stale reply; a string describing garbage
    (starting with "!" when it matches our request but is malformed)."""
    if len(data) < _PACKET_HEADER or int.from_bytes(data[:2], "big") != ETHERBONE_MAGIC:
        return "not an Etherbone packet"
    pr = data[2] & 0x2
    if probe:
        return [] if pr else None
    if pr:
        return None  # a late probe reply
    try:
        records = decode_records(data)
    except ValueError:
        return "undecodable Etherbone packet"
    if len(records) != 1:
        return f"{len(records)} records, LiteX answers with one"
    wcount, rcount, base, got = records[0]
    if wcount == 0 or rcount != 0 or base is None:
        return "a record without read data"
    if base not in tags:
        return None
    if len(got) != words or wcount != words:
        return f"!{len(got)} words in the reply, expected {words}"
    return got


def check_addr(addr: int) -> None:
    if addr < 0 or addr % 4 or addr >> 32:
        raise ValueError(f"address 0x{addr:x} must be a 4-byte aligned byte address "
                         "below 2**32 (32-bit SoC bus)")
