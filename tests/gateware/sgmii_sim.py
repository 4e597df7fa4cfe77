"""Simulation bench for the SGMII PHY: two ends joined by the SerDes link model.

MAC end: SGMIIWordPHY on liteeth's PCS (what the sail card runs). PHY end:
SGMIIWordPHY on SGMIIPHYSide (the 88E1512's role). Between them:
SerDesLinkModel, 20-bit words at 62.5 MHz as SerDesECP5 gives the fabric
(or 10-bit code groups at 125 MHz). Helpers drive and watch LiteEth PHY
streams from migen generators.
"""
from __future__ import annotations

import zlib

from migen import passive
from migen.sim import run_simulation

from litex.gen import LiteXModule

from sailbench.gateware.sim_models.serdes_model import SerDesLinkModel
from sailbench.gateware.phy.sgmii_ecp5 import SIM_TIMERS, SGMIIWordPHY
from sailbench.gateware.sim_models.sgmii_phy_side import SGMIIPHYSide

PREAMBLE = bytes([0x55] * 7 + [0xD5])
MAC_A = bytes.fromhex("10e2d5000001")
MAC_B = bytes.fromhex("10e2d5000002")
ETHERTYPE = bytes.fromhex("88b5")           # IEEE local experimental
# 125 MHz PHY clocks; the 62.5 MHz halves rise with every other eth edge (phase 4).
CLOCKS = {"eth_tx": 8, "eth_rx": 8, "eth_tx_half": (16, 4), "eth_rx_half": (16, 4)}
CLOCKS_WITH_SYS = {**CLOCKS, "sys": 8}


class SGMIIPair(LiteXModule):
    def __init__(self, word_width: int = 20, speed_mbps: int = 1000, timers=SIM_TIMERS,
                 with_macs: bool = False, **link_kwargs):
        self.mac_end = SGMIIWordPHY(word_width, timers)
        self.phy_end = SGMIIWordPHY(word_width, pcs=SGMIIPHYSide(speed_mbps, timers=timers))
        word_cd = "eth_tx_half" if word_width == 20 else "eth_tx"
        self.link = SerDesLinkModel(word_width, clock_domain=word_cd, **link_kwargs)
        self.comb += self.link.a.connect(self.mac_end) + self.link.b.connect(self.phy_end)
        if with_macs:
            from liteeth.mac.core import LiteEthMACCore
            self.mac_a = LiteEthMACCore(self.mac_end, dw=8)
            self.mac_b = LiteEthMACCore(self.phy_end, dw=8)


def frame(src: bytes, dst: bytes, payload_len: int, seed: int) -> bytes:
    """An Ethernet frame without preamble and FCS, payload a known byte pattern."""
    payload = bytes((seed * 37 + i * 11) & 0xFF for i in range(payload_len))
    return dst + src + ETHERTYPE + payload


def on_wire(f: bytes) -> bytes:
    """What a LiteEth PHY carries: preamble + SFD + frame + FCS (CRC-32, LSB first)."""
    return PREAMBLE + f + zlib.crc32(f).to_bytes(4, "little")


def wait_link_up(dut, result: dict, limit: int):
    """Generator (eth_tx): wait until both ends report link up, record the cycle."""
    for cycle in range(limit):
        if (yield dut.mac_end.link_up) and (yield dut.phy_end.link_up):
            result.setdefault("link_up_cycle", cycle)
            return cycle
        yield
    raise AssertionError(f"no link up within {limit} cycles: mac_end {(yield dut.mac_end.link_up)}, "
                         f"phy_end {(yield dut.phy_end.link_up)}")


def send(endpoint, frames, gap: int = 16, on_start=None):
    """Generator: push whole frames into a stream endpoint, `gap` idle cycles between them."""
    for n, f in enumerate(frames):
        if on_start is not None:
            yield from on_start(n)
        for i, byte in enumerate(f):
            yield endpoint.valid.eq(1)
            yield endpoint.data.eq(byte)
            yield endpoint.last.eq(int(i == len(f) - 1))
            if hasattr(endpoint, "last_be"):
                yield endpoint.last_be.eq(int(i == len(f) - 1))
            yield
            while not (yield endpoint.ready):
                yield
        yield endpoint.valid.eq(0)
        yield endpoint.last.eq(0)
        for _ in range(gap):
            yield


@passive
def collect(endpoint, frames: list, errors: list | None = None):
    """Passive generator: take every frame a stream endpoint delivers (ready held high)."""
    yield endpoint.ready.eq(1)
    current, error = [], 0
    while True:
        if (yield endpoint.valid):
            current.append((yield endpoint.data))
            if hasattr(endpoint, "error"):
                error |= (yield endpoint.error)
            if (yield endpoint.last):
                frames.append(bytes(current))
                if errors is not None:
                    errors.append(error)
                current, error = [], 0
        yield


def run(dut, processes: dict, clocks=CLOCKS):
    run_simulation(dut, processes, clocks=clocks)
