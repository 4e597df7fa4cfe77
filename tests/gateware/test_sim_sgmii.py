"""The simulated board's SGMII host link (gateware/sim_sgmii.SimSGMIIPHY) at migen level.

The TAP's pads are plain signals here. A frame the TAP delivers (no preamble or FCS, no
back-pressure) crosses FCS + preamble insertion, the PHY-side model, the SerDes word model
and liteeth's PCS, and reaches the MAC side with preamble and FCS; looped back there, it
crosses the chain the other way and leaves on the TAP pads as it came, in consecutive cycles.
"""
from types import SimpleNamespace

from migen import ClockDomainsRenamer, Signal, passive

from litex.gen import LiteXModule
from litex.soc.interconnect import stream
from liteeth.common import eth_phy_description

from sailbench.gateware.phy.sgmii_ecp5 import SIM_TIMERS
from sailbench.gateware.targets.sim_sgmii import SimSGMIIPHY

from sgmii_sim import MAC_A, MAC_B, frame, on_wire, run

LIMIT = 6_000   # cycles: SIM_TIMERS link up (~300) + two frames through a 2-stage loop


class _Loop(LiteXModule):
    def __init__(self):
        self.pads = SimpleNamespace(source_valid=Signal(), source_data=Signal(8),
                                    sink_valid=Signal(), sink_data=Signal(8))
        self.phy = SimSGMIIPHY(self.pads, clock_domain=None, timers=SIM_TIMERS)
        # MAC side: what the board receives is sent straight back (through a FIFO: the PCS
        # TX may stall, its RX cannot).
        self.fifo = fifo = ClockDomainsRenamer("eth_tx")(stream.SyncFIFO(eth_phy_description(8), 4096, buffered=True))
        self.at_mac = stream.Endpoint(eth_phy_description(8))
        self.comb += [
            self.phy.source.connect(fifo.sink),
            self.at_mac.valid.eq(self.phy.source.valid), self.at_mac.data.eq(self.phy.source.data),
            self.at_mac.last.eq(self.phy.source.last),
            fifo.source.connect(self.phy.sink),
        ]


def test_tap_frames_cross_sgmii_to_the_mac_and_back():
    dut = _Loop()
    frames = [frame(MAC_B, MAC_A, n, seed) for seed, n in enumerate((46, 300))]
    out, at_mac, seen = [], [], {}

    def tap():
        for cycle in range(LIMIT):
            if (yield dut.phy.mac_end.link_up) and (yield dut.phy.phy_side.link_up):
                seen["link_up"] = cycle
                break
            yield
        for f in frames:                         # as LiteX's ethernet module: one byte a cycle, 1-cycle gap
            for byte in f:
                yield dut.pads.sink_valid.eq(1)
                yield dut.pads.sink_data.eq(byte)
                yield
            yield dut.pads.sink_valid.eq(0)
            yield
        for _ in range(LIMIT):
            yield
            if len(out) == len(frames):
                break

    @passive
    def tap_out():
        current = []
        while True:
            if (yield dut.pads.source_valid):
                current.append((yield dut.pads.source_data))
            elif current:
                out.append(bytes(current))
                current = []
            yield

    @passive
    def mac_watch():
        current = []
        while True:
            if (yield dut.at_mac.valid) and (yield dut.fifo.sink.ready):
                current.append((yield dut.at_mac.data))
                if (yield dut.at_mac.last):
                    at_mac.append(bytes(current))
                    current = []
            yield

    run(dut, {"eth_tx": [tap(), tap_out()], "eth_rx": [mac_watch()]}, clocks={"eth_tx": 8, "eth_rx": 8})
    print(f"link up after {seen.get('link_up')} cycles")
    assert "link_up" in seen
    assert at_mac == [on_wire(f) for f in frames]     # preamble + frame + FCS at the MAC side
    assert out == frames                              # back on the TAP as sent, each frame unbroken
