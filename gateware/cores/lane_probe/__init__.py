"""Inter-card lane probe: link training, PRBS and framed payload on one SerDes channel.

The specification (word format, link states and training stages, idles, frame
layout and CRC, PRBS checking, counters and their latch) is docs/lane_probe.md.

Modules:
    common        constants, LinkState, Stage, LaneTiming
    reference     Python reference models: 8b/10b encoder, code-group table, frame CRC, payload words
    crc           the frame CRC in gateware (one 16-bit word per cycle)
    counters      counters with a coherent snapshot (clear, latch)
    tx            transmit side: idles, frames, PRBS
    prbs_checker  PRBS7/15/31 checker counting every flipped bit once
    rx            receive side: words in and comma search, decode, training FSM, partner status,
                  PRBS, framed-payload checker
    probe         LaneProbe, the CSR wrapper (CSRs in sys, logic in the word clock domains)
    serdes_ecp5   attach_serdes_ecp5: the probe on a liteiclink SerDesECP5 channel

The package exports the probe, its constants and the reference models (__all__); the parts stay in
their modules.
`LaneFaults` (the simulated lane's fault knobs) is a simulation model: it lives in
sailbench.gateware.sim_models.lane_faults and is only imported from here on demand.
"""
from __future__ import annotations

from sailbench.gateware.cores.lane_probe.common import (
    BYTES_PER_WORD, CEILING_BYTES_PER_SEC, COMMA, CRC_INIT, CRC_POLY, EOF, FRAME_OVERHEAD_WORDS, FRAME_TYPE,
    LINE_RATE, PRBS_TAPS, SOF, STATUS_ALIGNED, STATUS_TRAINING, VALID_K, WORD_BITS, WORD_CLK_HZ, LaneTiming,
    LinkState, Stage,
)
from sailbench.gateware.cores.lane_probe.crc import crc_next
from sailbench.gateware.cores.lane_probe.probe import LaneProbe
from sailbench.gateware.cores.lane_probe.reference import code_group_table, crc32_words, encode_8b10b, payload_word
from sailbench.gateware.cores.lane_probe.serdes_ecp5 import attach_serdes_ecp5

__all__ = [
    "BYTES_PER_WORD", "CEILING_BYTES_PER_SEC", "COMMA", "CRC_INIT", "CRC_POLY", "EOF", "FRAME_OVERHEAD_WORDS",
    "FRAME_TYPE", "LINE_RATE", "PRBS_TAPS", "SOF", "STATUS_ALIGNED", "STATUS_TRAINING", "VALID_K", "WORD_BITS",
    "WORD_CLK_HZ", "LaneFaults", "LaneProbe", "LaneTiming", "LinkState", "Stage", "attach_serdes_ecp5",
    "code_group_table", "crc32_words", "crc_next", "encode_8b10b", "payload_word",
]


def __getattr__(name: str):
    if name == "LaneFaults":       # simulation only: kept out of the synthesizable package's imports
        from sailbench.gateware.sim_models.lane_faults import LaneFaults
        return LaneFaults
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
