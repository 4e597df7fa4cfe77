"""UDP frames of one source port leaving on the PHY's TX: a sys-domain pulse per frame.

Why: with LiteEth's sys datapath the host-link generator hands its packets to a
stack that buffers (MAC TX clock-crossing FIFO, packetizers, about 150 bytes):
the first packets are taken faster than the wire sends them, so packet starts
stamped at the generator make a short run look faster than GbE (0.5 % over
at 64 B x 200). Stamping where the wire paces the frames, the PHY's TX stream,
gives the rate the wire carried.

Watches the PHY's 8-bit TX stream (`endpoint`, clock domain `cd`): a frame whose
EtherType is IPv4, IP protocol UDP and UDP source port `src_port` pulses `frame`
(sys, one cycle) once its last byte is taken. `offset` is the number of bytes
before the Ethernet header on that stream (8 for preamble+SFD on PHYs whose MAC
inserts them, 0 for the simulator's wire). Frames are at least 64 bytes apart,
so a pulse synchroniser carries every one.
"""
from __future__ import annotations

from migen import ClockDomainsRenamer, If, Signal
from migen.genlib.cdc import PulseSynchronizer

from litex.gen import LiteXModule

ETH_HEADER = 14
IPV4_PROTOCOL = ETH_HEADER + 9
UDP_SRC_PORT = ETH_HEADER + 20


def _checks(src_port: int) -> list[tuple[int, int]]:
    """(byte index from the Ethernet header, expected value)."""
    return [(12, 0x08), (13, 0x00), (IPV4_PROTOCOL, 17),
            (UDP_SRC_PORT, src_port >> 8), (UDP_SRC_PORT + 1, src_port & 0xff)]


class _Match(LiteXModule):
    def __init__(self, endpoint, offset: int, src_port: int):
        self.end = Signal()
        checks = [(offset + i, v) for i, v in _checks(src_port)]
        last_pos = max(p for p, _ in checks)
        pos = Signal(max=last_pos + 2)
        ok = Signal(reset=1)
        beat = endpoint.valid & endpoint.ready
        self.sync += If(beat,
            If(endpoint.last,
                pos.eq(0),
                ok.eq(1),
            ).Else(
                If(pos <= last_pos, pos.eq(pos + 1)),
                *[If((pos == p) & (endpoint.data != v), ok.eq(0)) for p, v in checks],
            ),
        )
        # A frame shorter than the checked bytes never matches (pos stops short of last_pos + 1).
        self.comb += self.end.eq(beat & endpoint.last & ok & (pos == last_pos + 1))


class WireFrames(LiteXModule):
    def __init__(self, endpoint, cd: str, src_port: int, offset: int):
        self.frame = Signal()

        # # #

        self.match = match = ClockDomainsRenamer(cd)(_Match(endpoint, offset, src_port))
        if cd == "sys":
            self.comb += self.frame.eq(match.end)
        else:
            self.sync_pulse = sync = PulseSynchronizer(cd, "sys")
            self.comb += [sync.i.eq(match.end), self.frame.eq(sync.o)]
