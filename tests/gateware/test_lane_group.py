"""LaneGroup: one write starts every lane's generator and latches every lane's counters in the same
sys cycle; the sys cycle counter captured with them measures the word clock on the FPGA."""
from __future__ import annotations

from migen import Signal
from migen.sim import run_simulation

from litex.gen import LiteXModule

from sailbench.gateware.cores.lane_group import LaneGroup
from sailbench.gateware.cores.lane_probe import LinkState

from test_lane_probe import LanePair, strobe, wait_up

SYS_PERIOD, WORD_PERIOD = 10, 12        # word clock = 5/6 of sys, as on the simulated pair (62.5 : 75 MHz)


class GroupedPair(LiteXModule):
    """Two probes (a, b) on one link in the word domain; one LaneGroup over both, in sys."""
    def __init__(self):
        self.pair = LanePair(cd="word")
        self.sys_cycles = Signal(64)
        self.sync += self.sys_cycles.eq(self.sys_cycles + 1)
        self.group = LaneGroup([self.pair.a, self.pair.b], self.sys_cycles)


def test_group_starts_and_latches_every_lane_and_measures_the_word_clock():
    dut = GroupedPair()
    a, b, g = dut.pair.a, dut.pair.b, dut.group
    got = {}

    def body():
        for p in (a, b):
            yield p.payload_words.storage.eq(8)
            yield p.count.storage.eq(3)
        for _ in range(40):
            yield
        yield from wait_up(dut.pair, limit=600)
        yield from strobe(g.latch)
        for _ in range(8):
            yield
        l0 = {"sys": (yield g.latch_cycle.status), "a": (yield a.rx_cycles.status), "b": (yield b.rx_cycles.status),
              "a_tx": (yield a.tx_cycles.status)}
        yield from strobe(g.start)
        for _ in range(400):                       # 3 frames of 8 words + framing each way, then idle
            yield
        got["start_cycle"] = (yield g.start_cycle.status)
        yield from strobe(g.latch)
        for _ in range(8):
            yield
        l1 = {"sys": (yield g.latch_cycle.status), "a": (yield a.rx_cycles.status), "b": (yield b.rx_cycles.status),
              "a_tx": (yield a.tx_cycles.status)}
        frames = {}
        for n, p in (("a", a), ("b", b)):
            frames[n] = ((yield p.tx_frames.status), (yield p.rx_frames.status))
        got.update(l0=l0, l1=l1, lanes=(yield g.lanes.status), frames=frames,
                   state=LinkState((yield a.status.fields.state)))

    run_simulation(dut, body(), clocks={"sys": SYS_PERIOD, "word": WORD_PERIOD})
    assert got["lanes"] == 2 and got["state"] is LinkState.UP
    # one start: both generators sent their 3 frames, both receivers got them (counters latched by the group)
    assert got["frames"] == {"a": (3, 3), "b": (3, 3)}
    l0, l1 = got["l0"], got["l1"]
    assert l0["sys"] < got["start_cycle"] < l1["sys"]
    d_sys = l1["sys"] - l0["sys"]
    for lane in ("a", "b", "a_tx"):
        d_word = l1[lane] - l0[lane]
        # the word clock against sys in the same window: 5/6, within +-2 word cycles
        assert abs(d_word - d_sys * SYS_PERIOD / WORD_PERIOD) <= 2, (lane, d_word, d_sys)
    # the lanes were latched in the same sys cycle: their word counters moved by the same count
    assert abs((l1["a"] - l0["a"]) - (l1["b"] - l0["b"])) <= 1


def test_group_start_drives_only_the_lanes_in_its_mask():
    dut = GroupedPair()
    a, b, g = dut.pair.a, dut.pair.b, dut.group
    got = {}

    def body():
        for p in (a, b):
            yield p.payload_words.storage.eq(8)
            yield p.count.storage.eq(2)
        yield g.mask.storage.eq(0b01)                  # lane a only
        for _ in range(40):
            yield
        yield from wait_up(dut.pair, limit=600)
        yield from strobe(g.start)
        for _ in range(300):
            yield
        yield from strobe(g.latch)
        for _ in range(8):
            yield
        got["a"] = (yield a.tx_frames.status)
        got["b"] = (yield b.tx_frames.status)

    run_simulation(dut, body(), clocks={"sys": SYS_PERIOD, "word": WORD_PERIOD})
    assert got == {"a": 2, "b": 0}
