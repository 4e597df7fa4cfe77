"""A small DRAM bench in migen simulation: LiteDRAM (controller, crossbar) on the DRAM model
with the simulated Versa-ECP5's PHY settings (1:2), the BIST generator/checker, the window
timers and the DFI accounting, wired as ProbeSoC.add_probe_dram wires them.

The model's row count is cut down (rowbits) so migen's simulator does not allocate 64 MiB;
columns and banks, which decide the sequential access pattern, are the real module's.
"""
from __future__ import annotations

from migen import Module, run_simulation

from litedram.core import LiteDRAMCore
from litedram.frontend.bist import _LiteDRAMBISTChecker, _LiteDRAMBISTGenerator
from litedram.phy.model import SDRAMPHYModel

from sailbench.gateware.cores.dfi_accounting import CLASSES, EVENTS, ControllerTaps, DfiAccounting, burst_cycles
from sailbench.gateware.cores.window_timer import WindowTimer
from sailbench.gateware.soc.dram_settings import controller_settings, dram_module
from sailbench.gateware.profiles import get_profile
from sailbench.gateware.targets.sim import ecp5ddrphy_like_settings

SYS_CLK_HZ = 75_000_000


class DramBench(Module):
    def __init__(self, rowbits: int = 6, settings: dict | None = None, sys_clk_hz: int = SYS_CLK_HZ):
        module = dram_module(get_profile("versa-ecp5").dram, sys_clk_hz)
        module.geom_settings.rowbits = rowbits
        phy = SDRAMPHYModel(module=module, settings=ecp5ddrphy_like_settings(16, sys_clk_hz), clk_freq=sys_clk_hz)
        self.submodules.phy = phy
        self.submodules.sdram = sdram = LiteDRAMCore(phy, module.geom_settings, module.timing_settings, sys_clk_hz,
                                                     controller_settings=controller_settings(settings))
        self.submodules.gen = gen = _LiteDRAMBISTGenerator(sdram.crossbar.get_port())
        self.submodules.chk = chk = _LiteDRAMBISTChecker(sdram.crossbar.get_port())
        self.submodules.wtimer = wt = WindowTimer(start=gen.start, done=gen.done)
        self.submodules.rtimer = rt = WindowTimer(start=chk.start, done=chk.done)
        self.submodules.taps = taps = ControllerTaps(sdram)
        self.submodules.acct = DfiAccounting(sdram.dfii.master, start=gen.start | chk.start,
                                             window=wt.running | rt.running, burst_cycles=burst_cycles(phy.settings),
                                             refresh=taps.refresh, turnaround=taps.turnaround, row=taps.row,
                                             work=taps.work)
        self.word_bytes = sdram.crossbar.controller.data_width // 8
        self.size = 2 ** (rowbits + module.geom_settings.colbits + module.geom_settings.bankbits) * 2


def _run_engine(dut: DramBench, engine, timer, length: int, base: int, random_addr: bool, out: dict):
    words = length // dut.word_bytes
    yield engine.base.eq(base // dut.word_bytes)
    yield engine.end.eq(base // dut.word_bytes + words)
    yield engine.length.eq(length)
    yield engine.random_data.eq(1)
    yield engine.random_addr.eq(int(random_addr))
    yield
    yield engine.start.eq(1)
    yield
    yield engine.start.eq(0)
    for _ in range(50 * words + 10_000):
        yield
        if (yield engine.done) and not (yield timer.busy.status):
            break
    else:
        raise AssertionError("BIST not done")
    out["cycles"] = yield timer.cycles.status
    for name in EVENTS + CLASSES:
        out[name] = yield getattr(dut.acct, name).status
    if hasattr(engine, "errors"):
        out["errors"] = yield engine.errors


def measure(length: int = 32 * 1024, base: int = 0, random_addr: bool = False, settings: dict | None = None,
            rowbits: int = 6, warmup_cycles: int = 300) -> tuple[dict, dict]:
    """Write then read `length` bytes; returns (write counters, read counters)."""
    dut = DramBench(rowbits=rowbits, settings=settings)
    w, r = {}, {}

    def bench():
        for _ in range(warmup_cycles):   # past the controller's reset and first refreshes
            yield
        yield from _run_engine(dut, dut.gen, dut.wtimer, length, base, random_addr, w)
        yield from _run_engine(dut, dut.chk, dut.rtimer, length, base, random_addr, r)

    run_simulation(dut, bench())
    return w, r
