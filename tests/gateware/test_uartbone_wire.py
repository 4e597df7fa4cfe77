"""LiteX's UARTBone on the Versa-ECP5's clock, in migen simulation: LiteX's own RS232PHY and
Stream2Wishbone (litex/soc/cores/uart.py, as gateware/soc/probe_soc.py adds them) on a Wishbone SRAM,
driven bit by bit on its rx pad.

- At 3 Mbaud (the FT2232H's top rate) from a 75 MHz sys clock (25 clocks per bit) a write burst
  and a read burst go through: lab.yaml `baudrate: 3000000` is a rate the bridge takes.
- The fact the harness's batching rests on (harness/transport/batch.py): the bridge reads its
  command bytes straight off the receiver, so bytes arriving while it sends a read's answer are
  lost (a write sent right behind a read does not land), while writes may follow each other back
  to back. So a batch may not put anything after a read before the answer is in, on LiteX's own
  bridge; the probe SoC's has a receive FIFO in front (test_uartbone_fifo.py)."""
from __future__ import annotations

import struct

from litex.soc.cores.uart import RS232PHY, UARTBone
from litex.soc.interconnect import wishbone
from migen import Module, Signal, run_simulation

SYS_HZ, BAUD = 75_000_000, 3_000_000
BIT = SYS_HZ // BAUD                       # 25 sys clocks per bit


class _Pads:
    def __init__(self):
        self.tx = Signal(reset=1)
        self.rx = Signal(reset=1)


class _DUT(Module):
    """RS232PHY and a bridge (`bridge(phy, clk_freq)`, LiteX's UARTBone by default) on a 64-word SRAM."""

    def __init__(self, bridge=UARTBone):
        self.pads = _Pads()
        self.submodules.phy = RS232PHY(self.pads, SYS_HZ, BAUD)
        self.submodules.bone = bridge(self.phy, SYS_HZ)
        self.submodules.ram = wishbone.SRAM(64)
        self.watch, self.seen = [], []
        self.comb += self.bone.wishbone.connect(self.ram.bus)


def _write(addr_word: int, words: list[int]) -> bytes:
    return struct.pack(f">BBI{len(words)}I", 0x01, len(words), addr_word, *words)


def _read(addr_word: int, count: int) -> bytes:
    return struct.pack(">BBI", 0x02, count, addr_word)


def _run(segments: list[tuple[bytes, int]], expect: int, limit: int = 40_000,
         dut: _DUT | None = None, words: int = 4) -> tuple[list[int], list[int]]:
    """Send each segment's bytes back to back after waiting until `wait` answer bytes are in;
    return (bytes received on tx, the SRAM's first `words` words)."""
    dut = dut or _DUT()
    got: list[int] = []
    ram: list[int] = []
    done = []

    def host_tx():
        for data, wait_for in segments:
            waited = 0
            while len(got) < wait_for:
                yield
                waited += 1
                assert waited < limit, f"no answer: {len(got)} of {wait_for} bytes"
            for byte in data:
                for bit in [0] + [(byte >> i) & 1 for i in range(8)] + [1]:
                    yield dut.pads.rx.eq(bit)
                    for _ in range(BIT):
                        yield
        for _ in range(limit):
            if len(got) >= expect:
                break
            yield
        for _ in range(20 * BIT):                      # let a write behind the last answer land
            yield
        for i in range(words):
            ram.append((yield dut.ram.mem[i]))
        for signal in dut.watch:                       # other values at the end, in dut.seen
            dut.seen.append((yield signal))
        done.append(True)

    def host_rx():
        while not done:
            if (yield dut.pads.tx) == 0:               # start bit: sample mid-bit
                for _ in range(BIT // 2):
                    yield
                value = 0
                for i in range(8):
                    for _ in range(BIT):
                        yield
                    value |= (yield dut.pads.tx) << i
                for _ in range(BIT):
                    yield
                got.append(value)
            yield

    run_simulation(dut, [host_tx(), host_rx()])
    return got, ram


def test_write_and_read_bursts_at_3_mbaud_from_75_mhz():
    got, ram = _run([(_write(0, [0x11223344, 0xA5A5_0F0F]) + _read(0, 2), 0)], expect=8)
    assert bytes(got) == struct.pack(">2I", 0x11223344, 0xA5A5_0F0F)
    assert ram[:2] == [0x11223344, 0xA5A5_0F0F]


def test_a_write_sent_right_behind_a_read_is_lost_but_one_sent_after_the_answer_lands():
    behind, ram_behind = _run([(_write(0, [7]) + _read(0, 1) + _write(1, [0xBEEF]), 0)], expect=4)
    _got, ram_after = _run([(_write(0, [7]) + _read(0, 1), 0), (_write(1, [0xBEEF]), 4)], expect=4)
    assert bytes(behind) == struct.pack(">I", 7)
    assert ram_behind[1] != 0xBEEF                     # its bytes arrived while the bridge answered
    assert ram_after[1] == 0xBEEF
