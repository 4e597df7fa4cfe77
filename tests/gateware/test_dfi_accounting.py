"""DfiAccounting against a known DFI pattern (migen simulation), then inside LiteDRAM."""
from __future__ import annotations

import pytest
from migen import Module, Signal, run_simulation

from litedram.phy import dfi as dfi_mod

from sailbench.gateware.cores.dfi_accounting import CLASSES, EVENTS, DfiAccounting

# (ras, cas, we) of each command, asserted (active high) as the controller means them.
CMD = {"ACT": (1, 0, 0), "PRE": (1, 0, 1), "PREA": (1, 0, 1), "REF": (1, 1, 0), "RD": (0, 1, 0),
       "WR": (0, 1, 1), "RDA": (0, 1, 0), "WRA": (0, 1, 1)}


class _Dut(Module):
    def __init__(self, burst_cycles=2):
        self.dfi = dfi_mod.Interface(addressbits=14, bankbits=3, nranks=1, databits=64, nphases=2)
        self.start = Signal()
        self.window = Signal()
        self.refresh = Signal()
        self.turnaround = Signal()
        self.row = Signal()
        self.work = Signal(reset=1)
        self.submodules.acct = DfiAccounting(self.dfi, self.start, self.window, burst_cycles,
                                             refresh=self.refresh, turnaround=self.turnaround, row=self.row,
                                             work=self.work)


def _drive(dut, cycle: dict):
    """cycle: {phase: command name} plus state flags; all other phases NOP."""
    for n, p in enumerate(dut.dfi.phases):
        name = cycle.get(n)
        ras, cas, we = CMD.get(name, (0, 0, 0))
        yield p.cs_n.eq(0 if name else 1)
        yield p.ras_n.eq(1 - ras)
        yield p.cas_n.eq(1 - cas)
        yield p.we_n.eq(1 - we)
        yield p.address.eq((1 << 10) if name in ("PREA", "RDA", "WRA") else 0)
        yield p.rddata_en.eq(int(name in ("RD", "RDA")))
        yield p.wrdata_en.eq(int(name in ("WR", "WRA")))
    for flag in ("refresh", "turnaround", "row"):
        yield getattr(dut, flag).eq(int(cycle.get(flag, 0)))
    yield dut.work.eq(int(cycle.get("work", 1)))


# A window of 20 cycles on a 1:2 DFI, burst = 2 cycles.
PATTERN = [
    {0: "ACT", "row": 1},         # 0  row
    {"row": 1},                   # 1  row
    {1: "WR"},                    # 2  data
    {},                           # 3  data (burst tail)
    {1: "WR"},                    # 4  data
    {0: "ACT", 1: "WRA"},         # 5  data (ACT of another bank on phase 0)
    {"turnaround": 1},            # 6  data (burst tail beats the turnaround)
    {"turnaround": 1},            # 7  turnaround
    {1: "RD"},                    # 8  data, wr->rd
    {},                           # 9  data
    {"work": 0},                  # 10 idle
    {"work": 0, "row": 1},        # 11 idle (no work: a row change without work is not the limit)
    {0: "PRE", "row": 1},         # 12 row
    {0: "PREA", "refresh": 1},    # 13 refresh
    {"refresh": 1},               # 14 refresh
    {1: "REF", "refresh": 1},     # 15 refresh
    {},                           # 16 other
    {1: "RDA"},                   # 17 data
    {1: "WR", "refresh": 1},      # 18 data (data beats refresh), rd->wr
    {"refresh": 1},               # 19 data (tail)
]
EXPECTED = {
    "reads": 2, "writes": 4, "activates": 2, "precharges": 1, "precharge_alls": 1, "auto_precharges": 2,
    "refreshes": 1, "rd_to_wr": 1, "wr_to_rd": 1,
    "data": 10, "refresh": 3, "turnaround": 1, "row": 3, "idle": 2, "other": 1,
}


def _run(pattern, before=(), after=()):
    dut = _Dut()
    got = {}

    def bench():
        for c in before:                  # outside the window: not counted
            yield from _drive(dut, c)
            yield
        yield dut.start.eq(1)
        yield from _drive(dut, {})
        yield
        yield dut.start.eq(0)
        yield dut.window.eq(1)
        for c in pattern:
            yield from _drive(dut, c)
            yield
        yield dut.window.eq(0)
        for c in after:
            yield from _drive(dut, c)
            yield
        yield
        yield
        for name in EVENTS + CLASSES:
            got[name] = yield getattr(dut.acct, name).status

    run_simulation(dut, bench())
    return got


def test_known_pattern_counts_every_event_and_class():
    got = _run(PATTERN)
    assert got == EXPECTED
    assert sum(got[c] for c in CLASSES) == len(PATTERN)


def test_only_the_window_counts_and_start_clears():
    noise = [{0: "ACT"}, {1: "WR"}, {0: "REF", "refresh": 1}]
    got = _run(PATTERN, before=noise, after=noise)
    assert got == EXPECTED


def test_burst_cycles_must_be_positive():
    with pytest.raises(AssertionError):
        _Dut(burst_cycles=0)


def test_inside_litedram_the_classes_sum_to_the_window():
    """The real controller (probe settings) on the DRAM model with the BIST: every window cycle
    classified, one burst per word, data = 2 cycles per burst, the data read back intact."""
    from dram_bench import measure
    length = 2048
    w, r = measure(length=length, warmup_cycles=100)
    for d, bursts in ((w, "writes"), (r, "reads")):
        assert sum(d[c] for c in CLASSES) == d["cycles"], d
        assert d[bursts] == length // 16
        assert d["data"] == 2 * d[bursts]
        assert d["data"] / d["cycles"] > 0.5
    assert r["errors"] == 0 and r["writes"] == 0 and w["reads"] == 0
