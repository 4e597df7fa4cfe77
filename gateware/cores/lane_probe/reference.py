"""Reference models in Python: the 8b/10b encoder, the code-group table the receiver checks
with, the frame CRC and payload words (the gateware is tested against these)."""
from __future__ import annotations

from litex.soc.cores import code_8b10b as c8b10b

from sailbench.gateware.cores.lane_probe.common import CRC_INIT, CRC_POLY, VALID_K


def encode_8b10b(byte: int, k: bool, rd: int) -> tuple[int, int]:
    """litex SingleEncoder in Python: (10-bit code, bit 0 first on the wire; running disparity
    after it). rd: 0 = RD-, 1 = RD+."""
    c5, c3 = byte & 31, byte >> 5
    if k and c5 == 28:
        c6, u6, f6 = 0b110000, 1, 1
    else:
        c6, u6, f6 = c8b10b.table_5b6b[c5], c8b10b.table_5b6b_unbalanced[c5], c8b10b.table_5b6b_flip[c5]
    c4, u4 = c8b10b.table_3b4b[c3], c8b10b.table_3b4b_unbalanced[c3]
    f4 = 1 if k else c8b10b.table_3b4b_flip[c3]
    alt_neg = c3 == 7 and (c5 in (17, 18, 20) or k)
    alt_pos = c3 == 7 and (c5 in (11, 13, 14) or k)
    o6 = (~c6 & 63) if (not rd and f6) else c6
    rd_mid = rd ^ u6
    if not rd_mid and alt_neg:
        rd_out, o4 = 1, 0b0111
    elif rd_mid and alt_pos:
        rd_out, o4 = 0, 0b1000
    else:
        rd_out = rd_mid ^ u4
        o4 = (~c4 & 15) if (not rd_mid and f4) else c4
    msb_first = o4 | o6 << 4
    return int(f"{msb_first:010b}"[::-1], 2), int(rd_out)


def code_group_table() -> list[int]:
    """Per 10-bit code group: bit 0 valid at RD-, bit 1 valid at RD+, bit 2 more ones than
    zeros (RD+ after it), bit 3 fewer (RD- after it)."""
    table = [0] * 1024
    for byte in range(256):
        for k in (False, True):
            if k and byte not in VALID_K:
                continue
            for rd in (0, 1):
                table[encode_8b10b(byte, k, rd)[0]] |= 1 << rd
    for code in range(1024):
        ones = bin(code).count("1")
        table[code] |= (ones > 5) << 2 | (ones < 5) << 3
    return table


def crc32_words(words) -> int:
    """The frame CRC over 16-bit words, as LiteEthMACCRCEngine(16, 32, CRC_POLY) computes it."""
    crc = CRC_INIT
    for word in words:
        for n in range(16):
            feedback = (crc >> 31 ^ word >> n) & 1
            crc = (crc << 1) & 0xFFFFFFFF
            if feedback:
                crc ^= CRC_POLY
    return crc



def payload_word(seq: int, index: int) -> int:
    return (seq & 0xFF) << 8 | (index & 0xFF)
