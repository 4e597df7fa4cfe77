"""FrameCounter in migen simulation: one count per frame (the beat with `last` accepted), none for
middle beats or a last beat the sink did not take, in the sys domain and across a clock-domain
crossing (BusSynchronizer) from a PHY-side domain."""
from migen import ClockDomain, Module, run_simulation

from litex.soc.interconnect import stream

from sailbench.gateware.cores.frame_counter import FrameCounter


class _DUT(Module):
    def __init__(self, cd: str):
        self.clock_domains.cd_sys = ClockDomain()
        if cd != "sys":
            self.clock_domains.cd_rx = ClockDomain()
        self.ep = stream.Endpoint([("data", 8)])
        self.submodules.counter = FrameCounter(self.ep, cd, width=16)


def _frames(dut, beats, out, settle):
    ep = dut.ep
    for valid, ready, last in beats:
        yield ep.valid.eq(valid)
        yield ep.ready.eq(ready)
        yield ep.last.eq(last)
        yield
    yield ep.valid.eq(0)
    for _ in range(settle):
        yield
    out.append((yield dut.counter.frames.status))


# two frames of three beats, a stalled last beat (not taken), then a one-beat frame
BEATS = [(1, 1, 0), (1, 1, 0), (1, 1, 1),
         (1, 1, 0), (1, 1, 1),
         (1, 0, 1),
         (1, 1, 1)]


def test_frames_are_counted_on_accepted_last_beats():
    dut, out = _DUT("sys"), []
    run_simulation(dut, _frames(dut, BEATS, out, settle=2))
    assert out == [3]


def test_a_count_from_another_domain_reaches_sys():
    dut, got = _DUT("rx"), {}

    def sys_reader():
        for _ in range(120):
            yield
        got["frames"] = yield dut.counter.frames.status

    run_simulation(dut, {"rx": _frames(dut, BEATS, [], settle=40), "sys": sys_reader()},
                   clocks={"sys": 10, "rx": 8})
    assert got["frames"] == 3
