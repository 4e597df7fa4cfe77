"""Transmit side of the lane probe (clock domain "sys", renamed to the TX word clock):
idles with the RX status, frames while Up, PRBS in place of 8b/10b."""
from __future__ import annotations

from migen import Case, Cat, CEInserter, If, Mux, Signal

from litex.soc.cores.code_8b10b import Encoder
from litex.soc.cores.prbs import PRBSTX

from sailbench.gateware.cores.lane_probe.common import (BYTES_PER_WORD, COMMA, CRC_INIT, EOF, FRAME_TYPE, SOF,
                                                      STATUS_ALIGNED, STATUS_TRAINING, WORD_BITS)
from sailbench.gateware.cores.lane_probe.counters import _Counted, _word_cycles
from sailbench.gateware.cores.lane_probe.crc import crc_next


class _LaneTX(_Counted):
    def __init__(self, cycles=None, snap=None, tx_data=None):
        self._counters(snap)
        self.tx_data = Signal(WORD_BITS) if tx_data is None else tx_data   # registered
        self.prbs_config = Signal(2)
        self.aligned = Signal()        # the local RX is aligned: say so in idles
        self.link_up = Signal()        # frames only while Up
        self.payload_words = Signal(16)
        self.count = Signal(32)
        self.start = Signal()
        self.stop = Signal()
        self.busy = Signal()           # running, or a frame still in flight after stop/count

        frames = self.counter("tx_frames", 32)
        nbytes = self.counter("tx_bytes", 64)
        first = self.counter("tx_first_cycle", 64)
        last = self.counter("tx_last_cycle", 64)

        # # #

        cycles = _word_cycles(self, cycles)
        self.watch("tx_cycles", cycles)

        self.encoder = encoder = Encoder(2, lsb_first=True)
        # PRBSTX as SerDesECP5 uses it; its generators only run while selected.
        self.prbs = prbs = CEInserter()(PRBSTX(WORD_BITS, reverse=True))
        self.comb += [
            prbs.ce.eq(self.prbs_config != 0),
            prbs.config.eq(self.prbs_config),
            prbs.i.eq(Cat(encoder.output[0], encoder.output[1])),
        ]
        self.sync += self.tx_data.eq(prbs.o)

        word = Signal(16)
        seq = Signal(32)
        sent = Signal(32)             # frames since start
        index = Signal(16)
        crc = Signal(32)

        d0, k0, d1, k1 = encoder.d[0], encoder.k[0], encoder.d[1], encoder.k[1]
        self.fsm_state = state = Signal(3)
        IDLE, HEAD, SEQ_HI, SEQ_LO, PAYLOAD, CRC_HI, CRC_LO, TAIL = range(8)
        data_word = [d0.eq(word[8:16]), d1.eq(word[0:8])]
        self.comb += Case(state, {
            IDLE: [d0.eq(COMMA), k0.eq(1), d1.eq(Mux(self.aligned, STATUS_ALIGNED, STATUS_TRAINING))],
            HEAD: [d0.eq(SOF), k0.eq(1), d1.eq(FRAME_TYPE)],
            SEQ_HI: [word.eq(seq[16:32])] + data_word,
            SEQ_LO: [word.eq(seq[0:16])] + data_word,
            PAYLOAD: [word.eq(Cat(index[0:8], seq[0:8]))] + data_word,
            CRC_HI: [word.eq(crc[16:32])] + data_word,
            CRC_LO: [word.eq(crc[0:16])] + data_word,
            TAIL: [d0.eq(EOF), k0.eq(1), d1.eq(0)],
        })
        more = (self.count == 0) | (sent != self.count)
        running = Signal()
        started = Signal()            # the first frame since start has begun
        self.comb += self.busy.eq(running | (state != IDLE))
        self.sync += [
            If(self.start, running.eq(1), sent.eq(0), seq.eq(0), started.eq(0)),
            If(self.stop, running.eq(0)),
            Case(state, {
                IDLE: If(running & ~self.start & ~self.stop,
                    If(~more, running.eq(0)
                    ).Elif(self.link_up, state.eq(HEAD)),
                ),
                HEAD: [
                    state.eq(SEQ_HI), crc.eq(CRC_INIT),
                    If(~started, started.eq(1), first.eq(cycles)),
                ],
                SEQ_HI: [state.eq(SEQ_LO), crc.eq(crc_next(crc, word))],
                SEQ_LO: [state.eq(PAYLOAD), crc.eq(crc_next(crc, word)), index.eq(0)],
                PAYLOAD: [
                    crc.eq(crc_next(crc, word)), index.eq(index + 1),
                    If(index == self.payload_words - 1, state.eq(CRC_HI)),
                ],
                CRC_HI: state.eq(CRC_LO),
                CRC_LO: state.eq(TAIL),
                TAIL: [
                    state.eq(IDLE), sent.eq(sent + 1), seq.eq(seq + 1),
                    frames.eq(frames + 1), nbytes.eq(nbytes + BYTES_PER_WORD * self.payload_words),
                    last.eq(cycles),
                ],
            }),
            If(self.start, frames.eq(0), nbytes.eq(0), first.eq(0), last.eq(0)),
        ]
        self._counters_logic()
