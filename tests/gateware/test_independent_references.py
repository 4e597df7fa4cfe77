"""The lane probe's PRBS checker and frame CRC against references that share no code with them.

- PRBS: a bit-serial Fibonacci LFSR written here from the ITU-T O.150 polynomials (PRBS7 x^7+x^6+1,
  PRBS15 x^15+x^14+1, PRBS31 x^31+x^28+1), not litex's generator: the checker must lock on it and count
  no error, count one flipped bit once, and never lock on a sequence of another polynomial. (O.150 sends
  PRBS15/31 inverted; the probe checks the plain polynomial, as litex's PRBS does, so the reference here
  is the plain one.)
- CRC: Python's zlib.crc32 (the standard CRC-32, check value 0xCBF43926 for "123456789"): the frame CRC
  (crc32_words, which the gateware's crc_next is tested equal to in test_lane_probe.py) is that CRC
  before its final reflection and inversion.
Cost: three short migen simulations of the checker alone (a few seconds).
"""
from __future__ import annotations

import random
import zlib

import pytest
from migen.sim import run_simulation

from sailbench.gateware.cores.lane_probe.prbs_checker import _PRBSBitChecker
from sailbench.gateware.cores.lane_probe.reference import crc32_words

O150 = {1: (7, 6), 2: (15, 14), 3: (31, 28)}     # config -> (degree, middle tap) of x^d + x^t + 1
WIDTH = 20                                          # one lane word: two 10-bit code groups


def o150_bits(degree: int, tap: int, n: int, seed: int = 1):
    """b[k] = b[k - tap] xor b[k - degree], from a register of `degree` bits (seed != 0)."""
    state = [(seed >> i) & 1 for i in range(degree)]        # state[-1] is the newest bit
    out = []
    for _ in range(n):
        bit = state[-tap] ^ state[-degree]
        state = state[1:] + [bit]
        out.append(bit)
    return out


def words(bits):
    """Bit 0 of a word is the first on the wire (litex's PRBS order with reverse=True)."""
    return [sum(b << i for i, b in enumerate(bits[k:k + WIDTH])) for k in range(0, len(bits) - WIDTH + 1, WIDTH)]


def run_checker(config: int, stream: list[int], flip_at: int | None = None):
    dut = _PRBSBitChecker(WIDTH, lock_words=16, unlock_words=8)
    seen = {"errors": 0, "locked_at": None, "lost": 0}

    def gen():
        yield dut.config.eq(config)
        for i, w in enumerate(stream):
            yield dut.i.eq(w ^ (1 << 7) if i == flip_at else w)
            yield
            if (yield dut.checked):
                seen["errors"] += (yield dut.errors)
            if seen["locked_at"] is None and (yield dut.locked):
                seen["locked_at"] = i
            seen["lost"] += (yield dut.lost)
    run_simulation(dut, gen())
    return seen


@pytest.mark.parametrize("config", sorted(O150))
def test_checker_locks_on_the_o150_sequence_and_counts_a_flip_once(config):
    degree, tap = O150[config]
    stream = words(o150_bits(degree, tap, 300 * WIDTH, seed=0x5A5A5A5A & ((1 << degree) - 1)))
    clean = run_checker(config, stream)
    assert clean["locked_at"] is not None and clean["locked_at"] < 40, clean
    assert clean["errors"] == 0 and clean["lost"] == 0, clean
    hit = run_checker(config, stream, flip_at=200)
    assert hit["errors"] == 1 and hit["lost"] == 0, hit


@pytest.mark.parametrize("config", sorted(O150))
def test_checker_never_locks_on_another_polynomial(config):
    other = {1: (7, 3), 2: (15, 4), 3: (31, 3)}[config]        # x^7+x^3+1, x^15+x^4+1, x^31+x^3+1
    seen = run_checker(config, words(o150_bits(*other, 300 * WIDTH, seed=1 | 0x40)))
    assert seen["locked_at"] is None, seen


def test_standard_crc32_check_value():
    assert zlib.crc32(b"123456789") == 0xCBF43926


def _reflect32(x: int) -> int:
    return int(f"{x:032b}"[::-1], 2)


@pytest.mark.parametrize("message", [b"12345678", b"123456789\x00", bytes(range(64)),
                                     random.Random(7).randbytes(1000)])
def test_frame_crc_is_the_standard_crc32(message):
    le_words = [message[i] | message[i + 1] << 8 for i in range(0, len(message), 2)]
    assert _reflect32(crc32_words(le_words) ^ 0xFFFFFFFF) == zlib.crc32(message)
