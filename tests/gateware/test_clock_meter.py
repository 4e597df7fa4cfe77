"""ClockMeter in migen simulation: a second clock counted over a window of sys cycles.

Clocks of known period ratio (sys 10 ns, slow 16 ns, fast 6 ns: migen halves even periods only): the count must be the
window scaled by the ratio within the documented +-2 cycles, the sys cycle stamp must be
the counter at the start, and a second measurement must restart the count."""
import pytest
from migen import ClockDomain, Module, Signal, run_simulation

from sailbench.gateware.cores.clock_meter import SETTLE, ClockMeter


class _DUT(Module):
    def __init__(self):
        self.clock_domains.cd_sys = ClockDomain()
        self.clock_domains.cd_slow = ClockDomain()
        self.clock_domains.cd_fast = ClockDomain()
        self.cycles = Signal(64)
        self.sync += self.cycles.eq(self.cycles + 1)
        self.submodules.meter = ClockMeter({"slow": "slow", "fast": "fast"}, cycles=self.cycles)


def _measure(dut, window, out):
    m = dut.meter
    yield m.window.storage.eq(window)
    yield
    yield m.start.re.eq(1)
    yield
    cycle_at_start = yield dut.cycles     # migen applies the write at this edge: `re` is high now
    yield m.start.re.eq(0)
    yield
    assert (yield m.done.status) == 0
    waited = 0
    while not (yield m.done.status):
        yield
        waited += 1
        assert waited < window + SETTLE + 10
    out.append({"waited": waited, "slow": (yield m.slow_cycles.status), "fast": (yield m.fast_cycles.status),
                "start_cycle": (yield m.start_cycle.status), "cycle_at_start": cycle_at_start})


@pytest.mark.parametrize("window", [1000, 3001])
def test_counts_each_clock_over_the_sys_window(window):
    dut = _DUT()
    out = []

    def bench():
        yield from _measure(dut, window, out)
        yield from _measure(dut, window // 2, out)   # restarts, does not accumulate

    run_simulation(dut, bench(), clocks={"sys": 10, "slow": 16, "fast": 6})
    first, second = out
    for r, w in ((first, window), (second, window // 2)):
        assert abs(r["slow"] - w * 10 / 16) <= 2, r
        assert abs(r["fast"] - w * 10 / 6) <= 2, r
        assert r["start_cycle"] == r["cycle_at_start"]
        assert w <= r["waited"] + 2 <= w + SETTLE + 4


def test_nothing_counted_before_the_first_start():
    dut = _DUT()
    seen = []

    def bench():
        for _ in range(50):
            yield
        seen.append(((yield dut.meter.done.status), (yield dut.meter.slow_cycles.status)))

    run_simulation(dut, bench(), clocks={"sys": 10, "slow": 16, "fast": 6})
    assert seen == [(0, 0)]
