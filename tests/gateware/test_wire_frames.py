"""WireFrames in migen simulation: only IPv4/UDP frames of the generator's source port pulse,
once each, after their last byte; the preamble offset is honoured."""
import pytest
from migen import ClockDomain, Module, run_simulation
from litex.soc.interconnect import stream

from liteeth.common import eth_phy_description

from sailbench.gateware.cores.wire_frames import WireFrames


def frame(src_port: int, ethertype=0x0800, protocol=17, preamble=0, length=80) -> list[int]:
    b = [0x55] * preamble + [0xFF] * 12 + [ethertype >> 8, ethertype & 0xFF] + [0x45] + [0] * 8 + [protocol]
    b += [0] * 10 + [src_port >> 8, src_port & 0xFF]
    return b + [0xA5] * (length - len(b))


class _DUT(Module):
    def __init__(self, offset):
        self.clock_domains.cd_sys = ClockDomain()
        self.clock_domains.cd_eth_tx = ClockDomain()
        self.ep = stream.Endpoint(eth_phy_description(8))
        self.submodules.wire = WireFrames(self.ep, "eth_tx", 6000, offset=offset)


@pytest.mark.parametrize("offset", [0, 8])
def test_pulses_once_per_matching_frame(offset):
    dut = _DUT(offset)
    frames = [frame(6000, preamble=offset), frame(6001, preamble=offset), frame(6000, protocol=6, preamble=offset),
              frame(6000, ethertype=0x0806, preamble=offset), frame(6000, preamble=offset, length=90),
              frame(6000, preamble=offset, length=offset + 30)]     # too short to hold the port: no match
    pulses = []

    def send():
        yield dut.ep.ready.eq(1)
        for f in frames:
            for i, byte in enumerate(f):
                yield dut.ep.valid.eq(1)
                yield dut.ep.data.eq(byte)
                yield dut.ep.last.eq(i == len(f) - 1)
                yield
            yield dut.ep.valid.eq(0)
            for _ in range(12):
                yield

    def watch():
        for _ in range(1200):
            pulses.append((yield dut.wire.frame))
            yield

    run_simulation(dut, {"eth_tx": send(), "sys": watch()}, clocks={"sys": 10, "eth_tx": 8})
    rising = sum(1 for a, b in zip(pulses, pulses[1:]) if b and not a)
    assert rising == 2 and sum(pulses) == 2
