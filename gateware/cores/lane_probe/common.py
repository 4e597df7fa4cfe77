"""Lane probe constants: word format, control characters, frame layout, link states and stages,
training timing. Shared by the reference models, the gateware and the tests."""
from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

from litex.soc.cores.code_8b10b import D, K


WORD_BITS = 20
BYTES_PER_WORD = 2
LINE_RATE = 1.25e9
WORD_CLK_HZ = LINE_RATE / WORD_BITS          # 62.5 MHz
CEILING_BYTES_PER_SEC = WORD_CLK_HZ * BYTES_PER_WORD   # 125 MB/s per lane and direction

COMMA = K(28, 5)
SOF = K(27, 7)
EOF = K(29, 7)
STATUS_ALIGNED = D(21, 5)
STATUS_TRAINING = D(10, 2)
FRAME_TYPE = 0x01
FRAME_OVERHEAD_WORDS = 7                       # SOF, 2 seq, 2 CRC, EOF, 1 idle
CRC_POLY = 0x04C11DB7
CRC_INIT = 0xFFFFFFFF
VALID_K = [K(28, y) for y in range(8)] + [K(23, 7), K(27, 7), K(29, 7), K(30, 7)]
PRBS_TAPS = {1: (5, 6), 2: (13, 14), 3: (27, 30)}   # litex.soc.cores.prbs PRBS7/15/31


class LinkState(IntEnum):
    DOWN = 0
    TRAINING = 1
    UP = 2
    ERROR = 3


class Stage(IntEnum):
    RESET = 0
    SERDES = 1
    SYNC = 2
    ALIGN = 3
    PARTNER = 4
    UP = 5
    ERROR = 6
    PRBS = 7


@dataclass(frozen=True)
class LaneTiming:
    """Training constants, in words (62.5 MHz: 16 ns each)."""
    reset_words: int = 16
    sync_words: int = 32
    align_commas: int = 4
    quiet_words: int = 16
    prbs_lock_words: int = 16
    prbs_unlock_words: int = 8
