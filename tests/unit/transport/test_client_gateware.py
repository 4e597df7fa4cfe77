"""The bytes the CSR links send, run through LiteX's own gateware in simulation.

No fake here: UARTBone's `Stream2Wishbone` (litex/soc/cores/uart.py) and
LiteEth's Etherbone record layer + Wishbone master (liteeth/frontend/
etherbone.py) are simulated with migen in front of a Wishbone SRAM, and
fed exactly what `UartBone` / `EtherboneLink` put on the wire. They pin the
protocol facts the links rely on, including two LiteEth 2024.12 limits:
a record may carry at most `buffer_depth` reads, and a record carrying
both writes and reads is mis-parsed.
"""
from __future__ import annotations

import pytest

migen = pytest.importorskip("migen")

from litex.gen import LiteXModule  # noqa: E402
from litex.soc.cores.uart import Stream2Wishbone  # noqa: E402
from litex.soc.interconnect import wishbone  # noqa: E402
from liteeth.frontend.etherbone import (  # noqa: E402
    LiteEthEtherboneRecord, LiteEthEtherboneWishboneMaster,
)

from sailbench.harness.transport.etherbone_codec import encode  # noqa: E402
from sailbench.harness.transport.uartbone import UartBone  # noqa: E402

STALL_CYCLES = 200


def _feed(sink, beats, stalled):
    """Drive a stream sink with (data, last) beats; note where it stalls."""
    for i, (data, last) in enumerate(beats):
        yield sink.valid.eq(1)
        yield sink.data.eq(data)
        if hasattr(sink, "last"):
            yield sink.last.eq(last)
        if hasattr(sink, "last_be"):
            yield sink.last_be.eq(0b1000 if last else 0)
        yield
        waited = 0
        while not (yield sink.ready):
            yield
            waited += 1
            if waited > STALL_CYCLES:
                stalled.append(i)
                return
    yield sink.valid.eq(0)


# --- UARTBone ------------------------------------------------------------------

class _UartDut(LiteXModule):
    def __init__(self):
        self.bridge = Stream2Wishbone(phy=None, clk_freq=int(1e6))
        self.sram = wishbone.SRAM(1024, bus=self.bridge.wishbone)


def _uart_run(wire: bytes, reply_len: int) -> bytes:
    dut = _UartDut()
    out, stalled = [], []

    def rx():
        yield dut.bridge.source.ready.eq(1)
        for _ in range(20 * len(wire) + 200):
            if (yield dut.bridge.source.valid):
                out.append((yield dut.bridge.source.data))
                if len(out) == reply_len:
                    return
            yield
    migen.run_simulation(dut, [_feed(dut.bridge.sink, [(b, 0) for b in wire], stalled), rx()])
    assert not stalled
    return bytes(out)


def _uart_wire(action) -> bytes:
    """What UartBone sends for `action(link)`, captured on a pyserial loop:// port."""
    link = UartBone("loop://", timeout_s=0.05)
    link._receive = lambda addr, count, *args: [0] * count  # don't read our own bytes back
    try:
        action(link)
        ser = link._ser
        return bytes(ser.read(ser.in_waiting))
    finally:
        link.close()


def test_uartbone_bytes_drive_the_real_bridge():
    wire = _uart_wire(lambda link: link.write(0x10, [0xDEADBEEF, 0x01234567], confirm=False))
    wire += _uart_wire(lambda link: link.read(0x0C, 3))
    assert wire[:6] == bytes([0x01, 2, 0, 0, 0, 0x04])  # word address 0x10 // 4, big endian
    reply = _uart_run(wire, 12)
    assert reply == bytes.fromhex("00000000 deadbeef 01234567")


def test_uartbone_confirmed_write_is_answered_by_the_bridge():
    wire = _uart_wire(lambda link: link.write(0x40, [7, 8, 9]))
    # write command, then the one-word fence read of the last written word
    assert wire[-6:] == bytes([0x02, 1, 0, 0, 0, 0x48 // 4])
    assert _uart_run(wire, 4) == (9).to_bytes(4, "big")


# --- Etherbone -----------------------------------------------------------------

class _EtherboneDut(LiteXModule):
    def __init__(self, buffer_depth: int):
        self.record = LiteEthEtherboneRecord(buffer_depth=buffer_depth)
        self.master = LiteEthEtherboneWishboneMaster()
        self.comb += [self.record.receiver.source.connect(self.master.sink),
                      self.master.source.connect(self.record.sender.sink)]
        self.sram = wishbone.SRAM(4096, bus=self.master.bus)


def _eb_run(packets: list[bytes], buffer_depth: int = 16, replies: int = 1):
    """Feed UDP payloads (Etherbone packets) to the record layer; return the reply
    records as lists of big-endian words, and the beat index of a stall if any."""
    dut = _EtherboneDut(buffer_depth)
    beats = []
    for pkt in packets:
        body = pkt[8:]  # the 8-byte packet header is LiteEthEtherbonePacket's
        words = [int.from_bytes(body[i:i + 4], "little") for i in range(0, len(body), 4)]
        beats += [(w, i == len(words) - 1) for i, w in enumerate(words)]
    out: list[list[int]] = [[]]
    stalled: list[int] = []

    def rx():
        src = dut.record.source
        yield src.ready.eq(1)
        for _ in range(8 * len(beats) + STALL_CYCLES + 100):
            if (yield src.valid):
                out[-1].append(int.from_bytes((yield src.data).to_bytes(4, "little"), "big"))
                if (yield src.last):
                    if len(out) == replies:
                        return
                    out.append([])
            yield
    migen.run_simulation(dut, [_feed(dut.record.sink, beats, stalled), rx()])
    return [r for r in out if r], stalled


def test_etherbone_read_reply_echoes_the_tag_as_write_base_addr():
    write = encode([0x100 + i for i in range(16)], 0x40, None, 0)
    read = encode(None, 0, [0x40 + 4 * i for i in range(16)], 0xC0FFEE01)
    replies, stalled = _eb_run([write, read])
    assert not stalled
    (reply,) = replies
    # record header: flags 0, byte_enable 0xf, wcount 16, rcount 0
    assert reply[0] == 0x000F_1000
    assert reply[1] == 0xC0FFEE01
    assert reply[2:] == [0x100 + i for i in range(16)]


def test_etherbone_posted_write_gets_no_reply():
    replies, stalled = _eb_run([encode([1, 2, 3], 0x0, None, 0)], replies=1)
    assert not stalled and replies == []


def test_etherbone_record_holds_at_most_buffer_depth_reads():
    ok, stalled = _eb_run([encode(None, 0, [4 * i for i in range(16)], 1)], buffer_depth=16)
    assert not stalled and len(ok[0]) == 2 + 16
    _, stalled = _eb_run([encode(None, 0, [4 * i for i in range(17)], 1)], buffer_depth=16)
    assert stalled  # 17 reads + base_ret_addr do not fit: the receiver's PacketFIFO locks up


def test_etherbone_record_with_writes_and_reads_is_misparsed():
    """RECEIVE_BASE_RET_ADDR does not pop the FIFO, so the tag is read as the first
    read address (tag 4 -> word at 0x4) and the real address is left behind."""
    mixed = encode([0x111, 0x222, 0x333], 0x0, [0x8], 0x4)
    replies, _ = _eb_run([mixed])
    assert replies[0][1:] == [0x4, 0x222]  # not 0x333, the word at 0x8
