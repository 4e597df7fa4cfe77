"""CycleCounter in migen simulation: it counts every sys cycle, `value` holds the count captured by
the last write to `latch` and keeps it until the next one."""
from migen import run_simulation

from sailbench.gateware.cores.cycle_counter import CycleCounter


def test_latch_captures_the_running_count_and_holds_it():
    dut = CycleCounter(width=16)
    seen = {}

    def bench():
        for _ in range(10):
            yield
        yield dut.latch.re.eq(1)
        yield
        seen["at_latch"] = yield dut.count          # the count sampled at the latching edge
        yield dut.latch.re.eq(0)
        yield
        seen["first"] = yield dut.value.status
        for _ in range(7):
            yield
        seen["held"] = yield dut.value.status
        seen["running"] = yield dut.count
        yield dut.latch.re.eq(1)
        yield
        yield dut.latch.re.eq(0)
        yield
        seen["second"] = yield dut.value.status

    run_simulation(dut, bench())
    assert seen["first"] == seen["at_latch"] == 11     # 10 idle cycles, then the latching one
    assert seen["held"] == seen["first"]               # no latch, no change
    assert seen["running"] == seen["first"] + 8        # the counter itself ran on
    assert seen["second"] == seen["running"] + 1       # the count at the second latching edge


def test_the_counter_wraps_at_its_width():
    dut = CycleCounter(width=4)
    seen = []

    def bench():
        for _ in range(20):
            seen.append((yield dut.count))
            yield

    run_simulation(dut, bench())
    assert max(seen) == 15 and seen[seen.index(15) + 1] == 0
