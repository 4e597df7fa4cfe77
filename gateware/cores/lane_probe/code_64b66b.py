"""64b/66b line code in fabric (IEEE 802.3 clause 49 style), for the DCU's 20-bit words.

A block is 66 bits, bit 0 first on the wire: a 2-bit sync header (bits 0-1) and 64 payload bits
(bits 2-65) scrambled by the self-synchronising scrambler x^58 + x^39 + 1. The header is never
scrambled: 0b10 (first bit 0, then 1) marks a data block, 0b01 a control block; 00 and 11 are invalid
and are what block lock hunts with.

    Scrambler / Descrambler    64 payload bits per enabled cycle
    TXGearbox                  66-bit blocks -> 20-bit words (asks for 10 blocks every 33 words)
    RXGearbox                  20-bit words -> 66-bit blocks, with a one-bit `slip`
    BlockLock                  clause 49.2.13.2.2: 64 valid headers in a row to lock, 16 invalid in a
                               window of 64 to lose it (and slip); unlocked, every invalid header slips

Each module works in "sys" (rename it into a word clock domain). The Python models they are tested
against are in reference_64b66b.py.
"""
from __future__ import annotations

from migen import Case, Cat, If, Signal

from litex.gen import LiteXModule

BLOCK_BITS = 66
PAYLOAD_BITS = 64
HEADER_DATA = 0b10
HEADER_CTRL = 0b01
SCRAMBLER_TAPS = (39, 58)
SCRAMBLER_STATE_BITS = 58
LOCK_GOOD_HEADERS = 64
LOCK_BAD_HEADERS = 16


class Scrambler(LiteXModule):
    """s_n = d_n ^ s_(n-39) ^ s_(n-58) over `i` (bit 0 first) while `ce`; `o` is combinational."""

    def __init__(self, width: int = PAYLOAD_BITS):
        self.i = Signal(width)
        self.o = Signal(width)
        self.ce = Signal(reset=1)
        self.state = state = Signal(SCRAMBLER_STATE_BITS, reset=2**SCRAMBLER_STATE_BITS - 1)   # s_(-58) .. s_(-1)

        # # #

        out = [Signal(name=f"s{j}") for j in range(width)]

        def s(k):                    # scrambled bit k of this word; k < 0: from the previous ones
            return out[k] if k >= 0 else state[SCRAMBLER_STATE_BITS + k]
        self.comb += [out[j].eq(self.i[j] ^ s(j - 39) ^ s(j - 58)) for j in range(width)]
        self.comb += self.o.eq(Cat(*out))
        history = Cat(state, self.o)
        self.sync += If(self.ce, state.eq(history[width:width + SCRAMBLER_STATE_BITS]))


class Descrambler(LiteXModule):
    """d_n = s_n ^ s_(n-39) ^ s_(n-58) over `i` while `ce`: locks to any scrambler after 58 bits."""

    def __init__(self, width: int = PAYLOAD_BITS):
        self.i = Signal(width)
        self.o = Signal(width)
        self.ce = Signal(reset=1)
        self.state = state = Signal(SCRAMBLER_STATE_BITS)

        # # #

        history = Cat(state, self.i)
        self.comb += self.o.eq(self.i ^ history[SCRAMBLER_STATE_BITS - 39:SCRAMBLER_STATE_BITS - 39 + width]
                               ^ history[0:width])
        self.sync += If(self.ce, state.eq(history[width:width + SCRAMBLER_STATE_BITS]))


class TXGearbox(LiteXModule):
    """66-bit blocks in, 20-bit words out (one a cycle, `o` registered). `ready` asks for the next
    block: it is taken (`i` read) in every cycle ready is high, so the source must always have one."""

    def __init__(self, word_bits: int = 20):
        self.i = Signal(BLOCK_BITS)
        self.ready = Signal()
        self.o = Signal(word_bits)
        width = word_bits - 1 + BLOCK_BITS
        buf = Signal(width)
        fill = Signal(max=width + 1)

        # # #

        merged = Signal(width)
        self.comb += [
            self.ready.eq(fill < word_bits),
            If(self.ready,
                Case(fill, {f: merged.eq(buf[:f] | (self.i << f)) if f else merged.eq(self.i)
                            for f in range(word_bits)}),
            ).Else(merged.eq(buf)),
        ]
        self.sync += [
            self.o.eq(merged[:word_bits]),
            buf.eq(merged[word_bits:]),
            If(self.ready, fill.eq(fill + BLOCK_BITS - word_bits)).Else(fill.eq(fill - word_bits)),
        ]


class RXGearbox(LiteXModule):
    """20-bit words in, 66-bit blocks out: `o` with `valid` for one cycle per block (10 in 33 words).
    `slip` drops one received bit: the block boundary moves one bit later."""

    def __init__(self, word_bits: int = 20):
        self.i = Signal(word_bits)
        self.slip = Signal()
        self.o = Signal(BLOCK_BITS)
        self.valid = Signal()
        width = BLOCK_BITS - 1 + word_bits
        buf = Signal(width)
        fill = Signal(max=width + 1)

        # # #

        merged = Signal(width)
        total = Signal(max=width + 1)
        shifted = Signal(width)
        have = Signal(max=width + 1)
        self.comb += [
            Case(fill, {f: merged.eq(buf[:f] | (self.i << f)) if f else merged.eq(self.i)
                        for f in range(BLOCK_BITS)}),
            total.eq(fill + word_bits),
            If(self.slip, shifted.eq(merged[1:]), have.eq(total - 1)).Else(shifted.eq(merged), have.eq(total)),
        ]
        self.sync += [
            self.valid.eq(0),
            If(have >= BLOCK_BITS,
                self.o.eq(shifted[:BLOCK_BITS]), self.valid.eq(1),
                buf.eq(shifted[BLOCK_BITS:]), fill.eq(have - BLOCK_BITS),
            ).Else(
                buf.eq(shifted), fill.eq(have),
            ),
        ]


class BlockLock(LiteXModule):
    """Block lock on the headers of the RXGearbox's blocks (`header`, `valid`); drives its `slip`.
    `locked` after 64 valid headers in a row; lost (with a slip) after 16 invalid ones in a window
    of 64. `bad` pulses with each invalid header seen (locked or not)."""

    def __init__(self, good_headers: int = LOCK_GOOD_HEADERS, bad_headers: int = LOCK_BAD_HEADERS):
        self.header = Signal(2)
        self.valid = Signal()
        self.reset = Signal()
        self.slip = Signal()
        self.locked = Signal()
        self.bad = Signal()
        self.lost = Signal()            # pulses when lock is lost

        # # #

        sh_cnt = Signal(max=good_headers + 1)
        invalid = Signal(max=bad_headers + 1)
        ok = Signal()
        self.comb += [
            ok.eq((self.header == HEADER_DATA) | (self.header == HEADER_CTRL)),
            self.bad.eq(self.valid & ~ok),
        ]
        self.sync += [
            self.slip.eq(0),
            self.lost.eq(0),
            If(self.reset,
                self.locked.eq(0), sh_cnt.eq(0), invalid.eq(0),
            ).Elif(self.valid & ~self.slip,          # the block after a slip is the first at the new boundary
                If(ok,
                    If(sh_cnt == good_headers - 1,
                        sh_cnt.eq(0), invalid.eq(0),
                        If(invalid == 0, self.locked.eq(1)),
                    ).Else(sh_cnt.eq(sh_cnt + 1)),
                ).Elif(~self.locked | (invalid == bad_headers - 1),
                    self.slip.eq(1), sh_cnt.eq(0), invalid.eq(0), self.locked.eq(0),
                    If(self.locked, self.lost.eq(1)),
                ).Elif(sh_cnt == good_headers - 1,
                    sh_cnt.eq(0), invalid.eq(0),
                ).Else(
                    sh_cnt.eq(sh_cnt + 1), invalid.eq(invalid + 1),
                ),
            ),
        ]
