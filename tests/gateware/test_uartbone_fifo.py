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
    batch = (_read(0, 1) + _write(0, [7]) + _write(1, [0xBEEF, 0x1234]) + _read(0, 1) + _read(1, 2)
             + _write_fixed(3, [1, 2, 3]) + _read(3, 1) + _write(4, [0x55]) + _read(0, 5))
    got, ram = _run([(batch, 0)], expect=4 * 10, dut=_DUT(BufferedUARTBone), words=5)
    answers = struct.unpack(">10I", bytes(got))
    assert answers == (0, 7, 0xBEEF, 0x1234, 3, 7, 0xBEEF, 0x1234, 3, 0x55)
    assert ram == [7, 0xBEEF, 0x1234, 3, 0x55]


def test_bytes_behind_a_long_answer_overflow_a_too_small_fifo_and_are_counted():
    batch = _read(0, 8) + _write(1, [0xBEEF]) + _write(2, [0xCAFE]) + _read(1, 2)
    small = _DUT(partial(BufferedUARTBone, rx_fifo_bytes=4))
    small.watch = [small.bone.overflows]
    got, ram = _run([(batch, 0)], expect=4 * 10, dut=small, limit=20_000)
    assert len(got) < 4 * 10 and ram[1:3] != [0xBEEF, 0xCAFE]
    assert small.seen[0] > 0
    big = _DUT(BufferedUARTBone)
    got, ram = _run([(batch, 0)], expect=4 * 10, dut=big)
    assert struct.unpack(">10I", bytes(got))[8:] == (0xBEEF, 0xCAFE) and ram[1:3] == [0xBEEF, 0xCAFE]
