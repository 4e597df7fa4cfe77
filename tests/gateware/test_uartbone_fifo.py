"""gateware/cores/uartbone_fifo.py in migen simulation, on the Versa-ECP5's clock at 3 Mbaud: LiteX's
RS232PHY feeding the bridge through the receive FIFO, driven bit by bit on its rx pad
(the harness of test_uartbone_wire.py).

What the host's pipelined batches rest on (harness/transport/uartbone.py): a read followed at
once by writes and more reads, every byte back to back, is executed in order and every read is
answered; without enough FIFO the bytes behind a long answer are lost (and counted)."""
from __future__ import annotations

import struct
from functools import partial

from sailbench.gateware.cores.uartbone_fifo import BufferedUARTBone
from test_uartbone_wire import _DUT, _read, _run, _write


def _write_fixed(addr_word: int, words: list[int]) -> bytes:
    return struct.pack(f">BBI{len(words)}I", 0x03, len(words), addr_word, *words)


def test_reads_and_writes_sent_back_to_back_run_in_order_and_every_read_is_answered():
    batch = (_read(0, 1) + _write(0, [7]) + _read(0, 1) + _write_fixed(1, [0xBEEF, 0x1234]) + _read(1, 1)
             + _read(0, 2))
    got, ram = _run([(batch, 0)], expect=4 * 5, dut=_DUT(BufferedUARTBone), words=2)
    assert struct.unpack(">5I", bytes(got)) == (0, 7, 0x1234, 7, 0x1234)
    assert ram == [7, 0x1234]


def test_bytes_behind_a_long_answer_overflow_a_too_small_fifo_and_are_counted():
    """A 4-byte FIFO behind an 8-word answer: the two writes sent behind it do not land (the
    1 KiB FIFO takes such bytes: the test above)."""
    batch = _read(0, 8) + _write(1, [0xBEEF]) + _write(2, [0xCAFE])
    small = _DUT(partial(BufferedUARTBone, rx_fifo_bytes=4))
    small.watch = [small.bone.overflows]
    got, ram = _run([(batch, 0)], expect=4 * 8, dut=small, words=3)
    assert len(got) == 4 * 8 and ram[1:3] != [0xBEEF, 0xCAFE]
    assert small.seen[0] > 0
