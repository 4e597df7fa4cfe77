"""BusWriteCounter in migen simulation: only acknowledged writes count (a read, a write still
waiting for its ack, and an idle bus do not), one per acked cycle, as the host's lost-write check
needs."""
from migen import run_simulation

from litex.soc.interconnect import wishbone

from sailbench.gateware.cores.write_counter import BusWriteCounter


def test_only_acknowledged_writes_count():
    bus = wishbone.Interface()
    dut = BusWriteCounter(bus, width=8)
    counts = []

    def cycle(we, ack):
        yield bus.cyc.eq(1)
        yield bus.stb.eq(1)
        yield bus.we.eq(we)
        yield bus.ack.eq(ack)
        yield
        yield bus.cyc.eq(0)
        yield bus.stb.eq(0)
        yield bus.ack.eq(0)
        yield
        counts.append((yield dut.count.status))

    def bench():
        yield
        counts.append((yield dut.count.status))
        yield from cycle(we=1, ack=1)          # a write, acked: counts
        yield from cycle(we=0, ack=1)          # a read: does not
        yield from cycle(we=1, ack=0)          # a write waiting for its ack: does not
        yield from cycle(we=1, ack=1)
        yield from cycle(we=1, ack=1)

    run_simulation(dut, bench())
    assert counts == [0, 1, 1, 1, 2, 3]
