"""Packet-level checks with scapy on the board's link: ARP, ICMP echo, and frames
the board must drop (bad IP checksum, wrong port, oversized) seen by its PHY
but never delivered to the UDP sink."""
import subprocess
import time

import pytest
from scapy.layers.inet import ICMP, IP, UDP
from scapy.layers.l2 import ARP, Ether

from sailbench.harness.transport.rawlink import RawLink

pytestmark = pytest.mark.ethernet


@pytest.fixture(scope="module")
def link(board, host_link):
    if board.sim is None:
        pytest.skip("raw frames are sent on the simulated board's tap0 inside its namespace")
    ns = board.sim.netns
    subprocess.run(["ip", "-n", ns.name, "link", "set", "tap0", "mtu", "2000"], check=True)  # to send oversized
    raw = RawLink.open("tap0", ns.run_inside)
    yield raw
    raw.close()
    subprocess.run(["ip", "-n", ns.name, "link", "set", "tap0", "mtu", "1500"])


@pytest.fixture(scope="module")
def soc_mac(link, host_link):
    link.send(Ether(src=link.mac, dst="ff:ff:ff:ff:ff:ff") /
              ARP(op=1, hwsrc=link.mac, psrc=host_link.host_ip, pdst=host_link.soc_ip))
    reply = link.expect(lambda f: ARP in f and f[ARP].op == 2 and f[ARP].psrc == host_link.soc_ip)
    assert reply is not None, "no ARP reply from the board"
    return reply[ARP].hwsrc


def test_arp_resolves_the_board(soc_mac):
    assert soc_mac.lower() == "10:e2:d5:00:00:01"


def test_icmp_echo(link, soc_mac, host_link):
    data = b"sailbench echo 0123456789"
    link.send(Ether(src=link.mac, dst=soc_mac) / IP(src=host_link.host_ip, dst=host_link.soc_ip) /
              ICMP(id=0x5B, seq=7) / data)
    reply = link.expect(lambda f: ICMP in f and f[ICMP].type == 0 and f[ICMP].id == 0x5B)
    assert reply is not None, "no ICMP echo reply"
    assert reply[ICMP].seq == 7 and bytes(reply[ICMP].payload).startswith(data)


def _counters(board):
    return board.csr.read_many(["hostlink_phy_rx_frames", "hostlink_rx_packets", "hostlink_rx_oversized"])


def _settle(board, before, key, want, timeout_s=60.0):   # returns once counted; generous under load
    end = time.monotonic() + timeout_s
    now = _counters(board)
    while now[key] - before[key] < want and time.monotonic() < end:
        time.sleep(0.05)
        now = _counters(board)
    return now


def _udp(link, soc_mac, host_link, dport=None, payload=256, **ip):
    body = b"SBHL" + bytes(payload - 4)
    return (Ether(src=link.mac, dst=soc_mac) / IP(src=host_link.host_ip, dst=host_link.soc_ip, **ip) /
            UDP(sport=40000, dport=dport or host_link.link.sink_port) / body)


@pytest.mark.parametrize("kind", ["bad_ip_checksum", "wrong_port", "oversized"])
def test_bad_frames_are_dropped_not_delivered(board, link, soc_mac, host_link, kind):
    board.csr.write("hostlink_rx_reset", 1)
    frame = {
        "bad_ip_checksum": lambda: _udp(link, soc_mac, host_link, chksum=0x1234),
        "wrong_port": lambda: _udp(link, soc_mac, host_link, dport=host_link.link.sink_port + 1),
        "oversized": lambda: _udp(link, soc_mac, host_link, payload=1600),
    }[kind]()
    before = _counters(board)
    link.send(frame)
    after = _settle(board, before, "hostlink_phy_rx_frames", 1)
    assert after["hostlink_phy_rx_frames"] > before["hostlink_phy_rx_frames"], "the frame never reached the board"
    # a good frame afterwards is delivered: the bad one really was dropped, not queued
    link.send(_udp(link, soc_mac, host_link))
    after = _settle(board, before, "hostlink_rx_packets", 1)
    assert after["hostlink_rx_packets"] - before["hostlink_rx_packets"] == 1
    assert after["hostlink_rx_oversized"] - before["hostlink_rx_oversized"] == (1 if kind == "oversized" else 0)
