"""The Etherbone codec and the fake boards against LiteX's encodings."""
import socket
import time

from unit.fakes.csr_boards import CMD_READ, CMD_WRITE, FakeUartBone


def test_etherbone_request_bytes_match_litex_layout():
    from sailbench.harness.transport.etherbone_codec import encode
    # magic 4e6f, version 1, addr/port size 4; record: be=0xf, wcount, rcount
    assert encode(None, 0, [0x1000], 0x12345678) == bytes.fromhex(
        "4e6f1044 00000000 000f0001 12345678 00001000")
    assert encode([0xDEADBEEF], 0x2000, [0x4], 1) == bytes.fromhex(
        "4e6f1044 00000000 000f0101 00002000 deadbeef 00000001 00000004")


def test_etherbone_codec_matches_litex_both_ways():
    """harness/transport/etherbone.py encodes and decodes without LiteX; the bytes are LiteX's."""
    import random

    from litex.tools.remote.etherbone import (EtherbonePacket, EtherboneReads, EtherboneRecord,
                                              EtherboneWrites)

    from sailbench.harness.transport.etherbone_codec import decode_reply, encode, packet_header

    rng = random.Random(9)
    for _ in range(50):
        writes = [rng.getrandbits(32) for _ in range(rng.randint(0, 255))]
        reads = [rng.getrandbits(30) << 2 for _ in range(rng.randint(0 if writes else 1, 255))]
        base, tag = rng.getrandbits(30) << 2, rng.getrandbits(32)
        record = EtherboneRecord(addr_size=4)
        if writes:
            record.writes = EtherboneWrites(addr_size=4, base_addr=base, datas=writes)
        if reads:
            record.reads = EtherboneReads(addr_size=4, base_ret_addr=tag, addrs=reads)
        packet = EtherbonePacket(addr_width=32)
        packet.records = [record]
        packet.encode()
        assert encode(writes, base, reads, tag) == bytes(packet.bytes)
        # A reply as the gateware sends it (LiteX-encoded), decoded here.
        reply = EtherboneRecord(addr_size=4)
        reply.writes = EtherboneWrites(addr_size=4, base_addr=tag, datas=writes or [1])
        answer = EtherbonePacket(addr_width=32)
        answer.records = [reply]
        answer.encode()
        assert decode_reply(bytes(answer.bytes), {tag}, len(writes or [1]), False) == (writes or [1])
        assert decode_reply(bytes(answer.bytes), {tag ^ 1}, len(writes or [1]), False) is None
        assert decode_reply(bytes(answer.bytes)[:-2], {tag}, len(writes or [1]), False) == \
            "undecodable Etherbone packet"
    probe = EtherbonePacket(32)
    probe.pf = 1
    probe.encode()
    assert packet_header(probe_flag=True) == bytes(probe.bytes)


def test_fake_uartbone_speaks_word_addresses():
    with FakeUartBone() as fake:
        s = socket.create_connection(("127.0.0.1", fake.port), timeout=2)
        s.sendall(bytes([CMD_WRITE, 1, 0, 0, 0x04, 0x00]) + bytes.fromhex("cafef00d"))
        s.sendall(bytes([CMD_READ, 1, 0, 0, 0x04, 0x00]))
        deadline = time.monotonic() + 2
        got = b""
        while len(got) < 4 and time.monotonic() < deadline:
            got += s.recv(4)
        s.close()
        assert got == bytes.fromhex("cafef00d")
        assert fake.memory == {0x1000: 0xCAFEF00D}  # word address 0x400 = byte 0x1000
