"""The frame CRC in gateware: one 16-bit word per cycle (crc32_words in reference.py is the model)."""
from __future__ import annotations

from migen import Array, Cat, Constant

from sailbench.gateware.cores.lane_probe.common import CRC_POLY


def _crc_table() -> list[int]:
    """CRC register after 8 data bits (MSB first) from i << 24: the byte-wise table."""
    table = []
    for i in range(256):
        crc = i << 24
        for _ in range(8):
            crc = ((crc << 1) ^ CRC_POLY if crc >> 31 else crc << 1) & 0xFFFFFFFF
        table.append(crc)
    return table


_CRC_TABLE = _crc_table()


def crc_next(crc, data):
    """The CRC register after one 16-bit word (data bit 0 first, i.e. each byte bit-reversed into
    the MSB-first table), for sync statements. The tables are linear: synthesis reduces them to
    the same XOR network as LiteEthMACCRCEngine; migen's simulator evaluates two lookups."""
    table = Array(Constant(value, 32) for value in _CRC_TABLE)
    for byte in (data[0:8], data[8:16]):
        crc = Cat(Constant(0, 8), crc[0:24]) ^ table[crc[24:32] ^ byte[::-1]]
    return crc
