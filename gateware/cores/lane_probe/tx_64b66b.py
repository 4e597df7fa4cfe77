"""Transmit side of the lane probe in 64b/66b (clock domain "sys", renamed to the TX word clock):
idle blocks with the RX status, frames while Up, PRBS in place of the line code.

One 66-bit block leaves through the gearbox every time it asks (10 blocks per 33 words). Blocks
(docs/lane_probe.md, "64b/66b"): idle (control, type 0x1E, byte 1 the status), start (control,
type 0x78, byte 1 the frame type, bytes 4-7 the sequence number), data (4 payload words of 16 bits,
word k in bits 16k..16k+15) and terminate (control, type 0x87, bytes 4-7 the CRC of the data words).
A frame carries payload_words rounded up to whole blocks (4 words); the byte counts say what was sent.
"""
from __future__ import annotations

from migen import Case, Cat, CEInserter, Constant, If, Mux, Signal

from litex.gen import Reduce
from litex.soc.cores.prbs import PRBSTX

from sailbench.gateware.cores.lane_probe.code_64b66b import HEADER_CTRL, HEADER_DATA, Scrambler, TXGearbox
from sailbench.gateware.cores.lane_probe.common import (CRC_INIT, CRC_POLY, FRAME_TYPE, STATUS_ALIGNED, STATUS_TRAINING,
                                                      WORD_BITS)
from sailbench.gateware.cores.lane_probe.counters import _Counted, _word_cycles

BLOCK_IDLE = 0x1E
BLOCK_START = 0x78
BLOCK_TERM = 0x87
BLOCK_TYPES = (BLOCK_IDLE, BLOCK_START, BLOCK_TERM)
WORDS_PER_BLOCK = 4
BYTES_PER_BLOCK = 8


def _crc_model(crc: int, data: int) -> int:
    """The frame CRC register after one block's four 16-bit words (as reference.crc32_words, from `crc`)."""
    for k in range(WORDS_PER_BLOCK):
        word = data >> 16 * k & 0xFFFF
        for n in range(16):
            feedback = (crc >> 31 ^ word >> n) & 1
            crc = (crc << 1) & 0xFFFFFFFF
            if feedback:
                crc ^= CRC_POLY
    return crc


def _crc_matrix() -> list[tuple[list[int], list[int]]]:
    """Per CRC bit: the CRC bits and data bits it is the XOR of (the update is linear over GF(2))."""
    from_crc = [_crc_model(1 << j, 0) for j in range(32)]
    from_data = [_crc_model(0, 1 << k) for k in range(64)]
    return [([j for j in range(32) if from_crc[j] >> i & 1], [k for k in range(64) if from_data[k] >> i & 1])
            for i in range(32)]


_CRC_MATRIX = _crc_matrix()


def crc_next_block(crc, data):
    """The frame CRC after one data block (its four 16-bit words, word 0 first) as a flat XOR network.
    Chaining crc_next four times would copy the expression at every step (each step uses the
    register twice): 2^8 copies, a 100 MB Verilog file for the simulated pair."""
    return Cat(*[Reduce("XOR", [crc[j] for j in cs] + [data[k] for k in ds]) for cs, ds in _CRC_MATRIX])


def payload_blocks(payload_words):
    """Data blocks of a frame of `payload_words` words (an expression)."""
    return (payload_words + WORDS_PER_BLOCK - 1)[2:]


class _LaneTX66(_Counted):
    def __init__(self, cycles=None, snap=None, tx_data=None):
        self._counters(snap)
        self.tx_data = Signal(WORD_BITS) if tx_data is None else tx_data   # registered
        self.prbs_config = Signal(2)
        self.aligned = Signal()
        self.link_up = Signal()
        self.payload_words = Signal(16)
        self.count = Signal(32)
        self.start = Signal()
        self.stop = Signal()
        self.busy = Signal()

        frames = self.counter("tx_frames", 32)
        nbytes = self.counter("tx_bytes", 64)
        first = self.counter("tx_first_cycle", 64)
        last = self.counter("tx_last_cycle", 64)

        # # #

        cycles = _word_cycles(self, cycles)
        self.watch("tx_cycles", cycles)

        self.gearbox = gearbox = TXGearbox(WORD_BITS)
        self.scrambler = scrambler = Scrambler()
        self.prbs = prbs = CEInserter()(PRBSTX(WORD_BITS, reverse=True))
        ce = gearbox.ready
        header = Signal(2)
        self.comb += [
            scrambler.ce.eq(ce),
            gearbox.i.eq(Cat(header, scrambler.o)),
            prbs.ce.eq(self.prbs_config != 0),
            prbs.config.eq(self.prbs_config),
            prbs.i.eq(gearbox.o),
        ]
        self.sync += self.tx_data.eq(prbs.o)

        seq = Signal(32)
        sent = Signal(32)
        index = Signal(14)
        crc = Signal(32)
        blocks = Signal(14)
        self.comb += blocks.eq(payload_blocks(self.payload_words))
        data = Signal(64)
        words = [Signal(16, name=f"word{k}") for k in range(WORDS_PER_BLOCK)]
        self.comb += [words[k].eq(Cat((index + k)[0:8], seq[0:8])) for k in range(WORDS_PER_BLOCK)]
        self.comb += data.eq(Cat(*words))

        self.fsm_state = state = Signal(2)
        IDLE, START, DATA, TERM = range(4)
        status = Mux(self.aligned, Constant(STATUS_ALIGNED, 8), Constant(STATUS_TRAINING, 8))
        self.comb += Case(state, {
            IDLE: [header.eq(HEADER_CTRL), scrambler.i.eq(Cat(Constant(BLOCK_IDLE, 8), status))],
            START: [header.eq(HEADER_CTRL),
                    scrambler.i.eq(Cat(Constant(BLOCK_START, 8), Constant(FRAME_TYPE, 8), Constant(0, 16), seq))],
            DATA: [header.eq(HEADER_DATA), scrambler.i.eq(data)],
            TERM: [header.eq(HEADER_CTRL), scrambler.i.eq(Cat(Constant(BLOCK_TERM, 32), crc))],
        })
        more = (self.count == 0) | (sent != self.count)
        running = Signal()
        started = Signal()
        self.comb += self.busy.eq(running | (state != IDLE))
        self.sync += [
            If(self.start, running.eq(1), sent.eq(0), seq.eq(0), started.eq(0)),
            If(self.stop, running.eq(0)),
            If(ce, Case(state, {
                IDLE: If(running & ~self.start & ~self.stop,
                    If(~more, running.eq(0)
                    ).Elif(self.link_up, state.eq(START)),
                ),
                START: [
                    state.eq(DATA), crc.eq(CRC_INIT), index.eq(0),
                    If(~started, started.eq(1), first.eq(cycles)),
                ],
                DATA: [
                    crc.eq(crc_next_block(crc, data)), index.eq(index + WORDS_PER_BLOCK),
                    If(index[2:] == blocks - 1, state.eq(TERM)),
                ],
                TERM: [
                    state.eq(IDLE), sent.eq(sent + 1), seq.eq(seq + 1),
                    frames.eq(frames + 1), nbytes.eq(nbytes + BYTES_PER_BLOCK * blocks),
                    last.eq(cycles),
                ],
            })),
            If(self.start, frames.eq(0), nbytes.eq(0), first.eq(0), last.eq(0)),
        ]
        self._counters_logic()
