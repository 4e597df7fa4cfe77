"""Python models of the 64b/66b line code, bit by bit from the definitions (the gateware in
code_64b66b.py is tested against these): scrambler and descrambler x^58 + x^39 + 1, blocks to
20-bit words and back."""
from __future__ import annotations

from typing import Iterable

BLOCK_BITS = 66
STATE_BITS = 58


def _bits(value: int, n: int) -> list[int]:
    return [(value >> k) & 1 for k in range(n)]


def _value(bits: Iterable[int]) -> int:
    return sum(b << k for k, b in enumerate(bits))


class ScramblerModel:
    """Serial self-synchronising scrambler: s_n = d_n ^ s_(n-39) ^ s_(n-58). `history` holds the last
    58 scrambled bits, oldest first (all ones by default, as the gateware resets)."""

    def __init__(self, history: list[int] | None = None):
        self.history = list(history) if history is not None else [1] * STATE_BITS

    def bit(self, d: int) -> int:
        s = d ^ self.history[-39] ^ self.history[-58]
        self.history = self.history[1:] + [s]
        return s

    def word(self, value: int, width: int = 64) -> int:
        return _value(self.bit(b) for b in _bits(value, width))


class DescramblerModel:
    """Serial descrambler: d_n = s_n ^ s_(n-39) ^ s_(n-58); `history` holds the last 58 received bits."""

    def __init__(self, history: list[int] | None = None):
        self.history = list(history) if history is not None else [0] * STATE_BITS

    def bit(self, s: int) -> int:
        d = s ^ self.history[-39] ^ self.history[-58]
        self.history = self.history[1:] + [s]
        return d

    def word(self, value: int, width: int = 64) -> int:
        return _value(self.bit(b) for b in _bits(value, width))


def block(header: int, payload: int) -> int:
    """A 66-bit block: header in bits 0-1 (bit 0 first on the wire), payload in bits 2-65."""
    return header | payload << 2


def blocks_to_words(blocks: Iterable[int], word_bits: int = 20) -> list[int]:
    """The line bits of `blocks` cut into words (bit 0 first); a partial last word is dropped."""
    stream = [b for blk in blocks for b in _bits(blk, BLOCK_BITS)]
    return [_value(stream[k:k + word_bits]) for k in range(0, len(stream) - word_bits + 1, word_bits)]


def words_to_blocks(words: Iterable[int], offset: int = 0, word_bits: int = 20) -> list[int]:
    """Blocks in the bit stream of `words`, the first starting `offset` bits in."""
    stream = [b for w in words for b in _bits(w, word_bits)][offset:]
    return [_value(stream[k:k + BLOCK_BITS]) for k in range(0, len(stream) - BLOCK_BITS + 1, BLOCK_BITS)]
