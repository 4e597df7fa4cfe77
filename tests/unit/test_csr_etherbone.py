"""EtherboneLink against a fake LiteEth Etherbone on loopback UDP."""
from __future__ import annotations

import socket
import time

import pytest

from sailbench.harness.transport.etherbone import EtherboneLink
from sailbench.harness.errors import BoardError, BoardGarbageError, BoardSilentError

try:
    from test_csr_fakeboards import FakeEtherbone
except ImportError:  # tests/unit became a package
    from .test_csr_fakeboards import FakeEtherbone


def link_to(fake: FakeEtherbone, **kwargs) -> EtherboneLink:
    kwargs.setdefault("timeout_s", 0.2)
    kwargs.setdefault("board", "sim")
    return EtherboneLink(fake.ip, fake.port, sock=fake.client_sock, **kwargs)


def test_write_then_burst_read():
    with FakeEtherbone() as fake:
        link = link_to(fake)
        link.write(0x1000, [0xDEADBEEF, 0xCAFEF00D, 3])
        assert link.read(0x1000, 3) == [0xDEADBEEF, 0xCAFEF00D, 3]
        assert link.read(0x1004) == [0xCAFEF00D]
        assert link.retries_used == 0
        assert link.name == f"udp://127.0.0.2:{fake.port}"


def test_one_packet_per_255_words_with_byte_addresses():
    with FakeEtherbone() as fake:
        fake.memory.update({0x4000 + 4 * i: i for i in range(300)})
        link = link_to(fake)
        assert link.read(0x4000, 300) == list(range(300))
        assert [p.records[0].rcount for p in fake.packets] == [255, 45]
        assert fake.packets[1].records[0].reads.get_addrs()[0] == 0x4000 + 4 * 255
        assert all(len(p.records) == 1 for p in fake.packets)


def test_write_is_confirmed_by_a_separate_read_packet():
    """LiteEth's Etherbone stops answering after a record with writes and reads:
    the write goes alone, the confirming read in the next packet."""
    with FakeEtherbone() as fake:
        link = link_to(fake, ack_addr=0x4)
        link.write(0x800, [1, 2])
        w, r = fake.packets[0].records[0], fake.packets[1].records[0]
        assert (w.wcount, w.rcount) == (2, 0) and w.writes.base_addr == 0x800
        assert (r.wcount, r.rcount) == (0, 1) and r.reads.get_addrs() == [0x4]
        link_default = link_to(fake)
        link_default.write(0x900, [5])
        assert fake.packets[3].records[0].reads.get_addrs() == [0x900]


def test_posted_write_sends_one_packet_and_waits_for_nothing():
    with FakeEtherbone() as fake:
        link = link_to(fake)
        link.write(0x10, [9], confirm=False)
        assert link.read(0x10) == [9]
        assert fake.packets[0].records[0].rcount == 0


def test_read_survives_lost_packets_and_counts_retries():
    with FakeEtherbone(drop_first=2) as fake:
        fake.memory[0x8] = 77
        link = link_to(fake, timeout_s=0.1, retries=5)
        assert link.read(0x8) == [77]
        assert link.retries_used == 2


def test_lost_write_is_resent_exactly_once_with_the_write_counter():
    with FakeEtherbone(drop_writes=1, write_counter=0xC0) as fake:
        link = link_to(fake, timeout_s=0.1, write_counter_addr=0xC0)
        link.write(0x20, [0xABCD, 0x1234])
        assert fake.memory[0x20] == 0xABCD and fake.memory[0x24] == 0x1234
        assert fake.memory[0xC0] == 2          # two words landed once, not twice
        assert link.retries_used == 1
        assert sum(1 for p in fake.packets if p.records[0].wcount) == 2


def test_lost_counter_reply_does_not_repeat_the_write():
    with FakeEtherbone(write_counter=0xC0) as fake:
        link = link_to(fake, timeout_s=0.1, write_counter_addr=0xC0)
        link.write(0x20, [1])
        fake.drop_next_replies = 1             # the confirmation of the next write is lost once
        link.write(0x20, [2])
        assert fake.memory[0xC0] == 2 and fake.memory[0x20] == 2
        assert sum(1 for p in fake.packets if p.records[0].wcount) == 2


def test_without_a_counter_a_confirming_read_follows_each_write():
    with FakeEtherbone() as fake:
        link = link_to(fake, timeout_s=0.1, ack_addr=0x4)
        link.write(0x20, [0xABCD])
        assert fake.memory[0x20] == 0xABCD
        assert [(p.records[0].wcount, p.records[0].rcount) for p in fake.packets] == [(1, 0), (0, 1)]


def test_dead_board_raises_after_bounded_retries():
    with FakeEtherbone(drop_all=True) as fake:
        link = link_to(fake, timeout_s=0.1, retries=3, board="versa")
        t0 = time.monotonic()
        with pytest.raises(BoardSilentError) as err:
            link.read(0x1000)
        elapsed = time.monotonic() - t0
        deadline = time.monotonic() + 10          # the fake counts the last attempt on its own thread
        while fake.received < 4 and time.monotonic() < deadline:
            time.sleep(0.005)
        assert fake.received == 4                 # 1 + 3 retries, each waited for: the round-trip count
    # each attempt waits its full timeout (a lower bound load cannot break); generous above: never hangs
    assert 0.4 * 0.9 < elapsed < 30
    msg = str(err.value)
    assert f"board 'versa' on udp://127.0.0.2:{fake.port}" in msg
    assert "4 attempts" in msg and "network namespace" in msg and "firewall" in msg
    assert link.retries_used == 3


def test_stale_replies_from_earlier_requests_are_ignored():
    with FakeEtherbone(replay_stale=True) as fake:
        fake.memory.update({0x0: 10, 0x4: 11, 0x8: 12})
        link = link_to(fake)
        assert link.read(0x0) == [10]
        assert link.read(0x4) == [11]   # the reply to the first read comes first, is dropped
        assert link.read(0x8) == [12]
        assert link.read(0x0, 3) == [10, 11, 12]


def test_junk_answers_are_garbage():
    with FakeEtherbone(garbage=True) as fake:
        link = link_to(fake, timeout_s=0.05, retries=1)
        with pytest.raises(BoardGarbageError) as err:
            link.read(0x0)
    assert "not Etherbone replies" in str(err.value)


def test_reply_of_the_wrong_length_is_garbage():
    with FakeEtherbone(short=True) as fake:
        link = link_to(fake)
        with pytest.raises(BoardGarbageError) as err:
            link.read(0x0, 4)
    assert "3 words in the reply, expected 4" in str(err.value)


def test_probe():
    with FakeEtherbone() as fake:
        link = link_to(fake)
        link.probe()
        assert fake.packets[0].pf == 1
    with FakeEtherbone(drop_all=True) as fake:
        with pytest.raises(BoardSilentError):
            link_to(fake, timeout_s=0.05, retries=1).probe()


def test_unbound_socket_is_bound_to_the_etherbone_port():
    with FakeEtherbone() as fake:
        fake.client_sock.close()
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # the fake holds 127.0.0.2:P
        link = EtherboneLink(fake.ip, fake.port, sock=sock, timeout_s=0.2)
        assert sock.getsockname()[1] == fake.port
        fake.memory[0x0] = 5
        assert link.read(0x0) == [5]
        link.close()
        assert sock.fileno() != -1  # the caller's socket stays open
        sock.close()


def test_socket_bound_elsewhere_is_refused():
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    try:
        with pytest.raises(BoardError) as err:
            EtherboneLink("127.0.0.2", 1234, sock=sock, board="sim")
        assert "replies to port 1234" in str(err.value)
    finally:
        sock.close()


def test_unresolvable_address_is_a_board_error():
    with pytest.raises(BoardError):
        EtherboneLink("not an address", 1234, sock=socket.socket(socket.AF_INET,
                                                                socket.SOCK_DGRAM))


def test_bursts_are_cut_to_the_gateware_buffer_depth():
    """A record longer than the SoC's Etherbone buffer_depth locks LiteEth up
    (test_csr_gateware.py), so bursts are cut to it: LiteX's default is 16."""
    with FakeEtherbone() as fake:
        fake.memory.update({4 * i: i for i in range(40)})
        link = link_to(fake, buffer_depth=16)
        assert link.max_words == 16
        assert link.read(0, 40) == list(range(40))
        assert [p.records[0].rcount for p in fake.packets] == [16, 16, 8]
        link.write(0x400, list(range(20)), confirm=False)
        deadline = time.monotonic() + 2
        while len(fake.packets) < 5 and time.monotonic() < deadline:
            time.sleep(0.01)  # posted writes: nothing to wait for but the fake itself
        assert [p.records[0].wcount for p in fake.packets[3:]] == [16, 4]
