"""DRAM line tests against a Python model of a miswired x16 DDR3 (no board, no simulator).

The model maps bus words to pins as the probe SoC does (see harness/probes/dram_lines.py):
bit b of bus word w of a burst on DQ (32w + b) mod 16, controller-word address bits
column | bank | row, column bit c and row bit c on pin A<c>. Faults act on pins, as
gateware/cores/dfi_faults.py does on the simulated board; each test checks the
diagnosis names exactly the broken line, with its ball and net from the Versa's table.
"""
from __future__ import annotations

import pytest

from sailbench.harness.probes.dram_lines import DramWiring, run_line_tests

VERSA_PINS = {
    "a": "P2 C4 E5 F5 B3 F4 B5 E4 C5 E3 D5 B4 C3".split(), "ba": "P5 N3 M3".split(), "dm": "J4 H5".split(),
    "dq": "L5 F1 K4 G1 L4 H1 G2 J3 D1 C1 E2 C2 F3 A2 E1 B1".split(), "dqs_p": "K2 H4".split()}
BASE = 0x4000_0000
WIRING = DramWiring(data_width=16, word_bytes=16, rowbits=13, colbits=10, bankbits=3, address_align=3,
                    base=BASE, size=128 << 20, pins=VERSA_PINS)


class MiswiredDram:
    """A bus onto main_ram whose DRAM pins carry `faults`."""

    def __init__(self, dq_stuck=None, dq_short=None, dq_marginal=None, a_tie=None, ba_tie=None, dm_never=None,
                 a_short_or=None, a_short_and=None):
        self.cells: dict[tuple[int, int, int], list[int]] = {}
        self.dq_stuck, self.dq_short, self.dq_marginal = dq_stuck, dq_short, dq_marginal
        self.a_tie, self.ba_tie, self.dm_never = a_tie, ba_tie, dm_never
        self.a_short_or, self.a_short_and = a_short_or, a_short_and
        self.reads = 0

    # pins
    def _pins(self, value: int, bits: int, tie, short_or=None, short_and=None) -> int:
        if tie:
            bit, v = tie
            value = (value & ~(1 << bit)) | (v << bit)
        for short, op in ((short_or, max), (short_and, min)):
            if short:
                a, b = short
                x = op((value >> a) & 1, (value >> b) & 1)
                value = (value & ~(1 << a) & ~(1 << b)) | (x << a) | (x << b)
        return value

    def _cell(self, native: int) -> tuple[int, int, int]:
        col = (native & 0x7F) << 3
        bank = (native >> 7) & 7
        row = native >> 10
        col = self._pins(col, 13, self.a_tie, self.a_short_or, self.a_short_and) & 0x3FF
        row = self._pins(row, 13, self.a_tie, self.a_short_or, self.a_short_and)
        bank = self._pins(bank, 3, self.ba_tie)
        return row, bank, col

    def _dq(self, beat: int) -> int:
        if self.dq_stuck:
            j, v = self.dq_stuck
            beat = (beat & ~(1 << j)) | (v << j)
        if self.dq_short:
            a, b = self.dq_short
            x = (beat >> a) & (beat >> b) & 1
            beat = (beat & ~(1 << a) & ~(1 << b)) | (x << a) | (x << b)
        if self.dq_marginal is not None:
            self.reads += 1
            if self.reads % 3 == 0:
                beat ^= 1 << self.dq_marginal
        return beat

    def _through(self, word: int) -> int:
        lo, hi = self._dq(word & 0xFFFF), self._dq(word >> 16)
        return lo | hi << 16

    # bus
    def write_words(self, addr: int, words: list[int]) -> None:
        for i, value in enumerate(words):
            off = addr - BASE + 4 * i
            native, word = divmod(off, 16)
            cell = self.cells.setdefault(self._cell(native), [0, 0, 0, 0])
            cell[word // 4] = self._through(value)
            if self.dm_never is not None:        # the other words of the burst get lane dm_never overwritten
                lane_mask = 0xFF00FF00 if self.dm_never else 0x00FF00FF
                for k in range(4):
                    if k != word // 4:
                        cell[k] &= ~lane_mask & 0xFFFFFFFF

    def read_words(self, addr: int, count: int) -> list[int]:
        out = []
        for i in range(count):
            native, word = divmod(addr - BASE + 4 * i, 16)
            out.append(self._through(self.cells.get(self._cell(native), [0, 0, 0, 0])[word // 4]))
        return out


def messages(dram) -> list[str]:
    return [f.message for f in run_line_tests(dram, WIRING, link="model").faults]


def lines(dram) -> list[tuple[str, tuple[str, ...]]]:
    return [(f.kind, f.lines) for f in run_line_tests(dram, WIRING, link="model").faults]


def test_a_good_board_passes_every_test_in_a_few_hundred_accesses():
    report = run_line_tests(MiswiredDram(), WIRING, link="model")
    assert report.passed and report.faults == []
    assert [t.status for t in report.tests] == ["passed"] * 4
    assert report.accesses < 600


@pytest.mark.parametrize("j, v", [(11, 0), (0, 1), (15, 0), (7, 1)])
def test_stuck_dq_is_named_with_lane_ball_and_net(j, v):
    assert lines(MiswiredDram(dq_stuck=(j, v))) == [(f"stuck at {v}", (f"DQ{j}",))]
    ball = VERSA_PINS["dq"][j]
    assert messages(MiswiredDram(dq_stuck=(j, v))) == [
        f"DQ{j} (byte lane {j // 8}) stuck at {v} -> ball {ball}, net ddram_dq{j}"]


def test_the_issue_example_reads_as_written():
    assert messages(MiswiredDram(dq_stuck=(11, 0))) == ["DQ11 (byte lane 1) stuck at 0 -> ball C2, net ddram_dq11"]


def test_shorted_dq_pair_is_one_short_not_two_stuck_lines():
    assert lines(MiswiredDram(dq_short=(3, 12))) == [("short", ("DQ3", "DQ12"))]
    (msg,) = messages(MiswiredDram(dq_short=(3, 12)))
    assert "shorted (both read the AND of the two)" in msg and "balls G1 and F3" in msg
    assert "byte lanes 0 and 1" in msg


def test_a_marginal_dq_is_neither_stuck_nor_shorted():
    assert lines(MiswiredDram(dq_marginal=5)) == [("marginal", ("DQ5",))]


def test_data_faults_stop_the_address_tests():
    report = run_line_tests(MiswiredDram(dq_stuck=(2, 1)), WIRING)
    assert [t.status for t in report.tests] == ["failed", "not run", "not run", "not run"]


@pytest.mark.parametrize("pin, v, what", [(5, 0, "column bit 5 and row bit 5"), (12, 1, "row bit 12"),
                                          (3, 1, "column bit 3 and row bit 3"), (0, 0, "row bit 0")])
def test_tied_address_line_aliases_and_is_named(pin, v, what):
    (msg,) = messages(MiswiredDram(a_tie=(pin, v)))
    assert msg == (f"A{pin} has no effect ({what} {'alias' if ' and ' in what else 'aliases'} with address 0): "
                   f"tied, stuck or open -> "
                   f"ball {VERSA_PINS['a'][pin]}, net ddram_a{pin}")


@pytest.mark.parametrize("k, v", [(0, 0), (1, 1), (2, 0)])
def test_tied_bank_line_is_named_by_both_tests(k, v):
    assert lines(MiswiredDram(ba_tie=(k, v))) == [("no effect", (f"BA{k}",)), ("no effect", (f"BA{k}",))]
    assert f"ball {VERSA_PINS['ba'][k]}, net ddram_ba{k}" in messages(MiswiredDram(ba_tie=(k, v)))[1]


def test_address_shorts_are_told_from_tied_lines():
    assert lines(MiswiredDram(a_short_or=(4, 6))) == [("short", ("A4", "A6"))]
    assert lines(MiswiredDram(a_short_and=(11, 12))) == [("short", ("A11", "A12"))]
    assert "wired-AND" in messages(MiswiredDram(a_short_and=(11, 12)))[0]


@pytest.mark.parametrize("lane", [0, 1])
def test_a_dm_that_never_masks_is_named(lane):
    assert lines(MiswiredDram(dm_never=lane)) == [("DM never masks", (f"DM{lane}",))]
    assert f"ball {VERSA_PINS['dm'][lane]}, net ddram_dm{lane}" in messages(MiswiredDram(dm_never=lane))[0]


def test_wiring_maps_bus_bits_to_dq_and_address_bits_to_pins():
    assert [WIRING.dq_of(w, b) for w, b in ((0, 0), (0, 16), (1, 11), (3, 31))] == [0, 0, 11, 15]
    bits = WIRING.address_bits()
    assert bits[0] == ("column", 3, "a", 3) and bits[6] == ("column", 9, "a", 9)
    assert bits[7] == ("bank", 0, "ba", 0) and bits[10] == ("row", 0, "a", 0) and len(bits) == 23
    assert WIRING.word_bytes << len(bits) == WIRING.size
    wide = DramWiring(16, 16, 14, 11, 3, 3, 0, 0)
    assert [b[1] for b in wide.address_bits()[:8]] == [3, 4, 5, 6, 7, 8, 9, 11]    # A10 skipped
