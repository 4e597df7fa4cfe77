"""Clock meter: cycles of other clocks counted over one window of sys cycles, in hardware.

The host knows the board's sys clock (it measures it against host time with the
cycle counter). To turn a lane's word clock into hertz it needs the word clock
counted against sys *on the FPGA*, in one window both counters share: host
reads over UART or Etherbone are milliseconds apart, far too coarse.

Operation: write `window` (sys cycles), write `start`. For exactly `window` sys
cycles a gate is open; each measured clock domain sees the gate through a
two-stage synchroniser and counts its own cycles while it is open (the count
restarts when the gate opens). Both edges of the gate cross with the same
latency, so each count is off by at most one cycle of its clock at either edge:
+-2 cycles in `window`, 3e-8 of 62.5 MHz over a 1 s window. `done` rises
`SETTLE` sys cycles after the gate closes (counts are static by then and read
through synchronisers); `start_cycle` is the SoC cycle counter when the gate
opened. A clock that is not running counts 0.

    f_clock = <name>_cycles / window x f_sys

CSRs (all in sys): window, start, done, start_cycle, and `<name>_cycles` per
measured domain.
"""
from __future__ import annotations

from migen import ClockDomainsRenamer, If, Signal
from migen.genlib.cdc import MultiReg

from litex.gen import LiteXModule
from litex.soc.interconnect.csr import CSR, CSRStatus, CSRStorage

SETTLE = 64         # sys cycles after the gate closes before `done` (>> 4 cycles of a >= 10 MHz clock)
DEFAULT_WINDOW = 2**24   # 0.22 s at 75 MHz


class _GatedCounter(LiteXModule):
    """In the measured domain: count cycles while `gate` (already synchronised) is high."""
    def __init__(self, gate: Signal, width: int):
        self.count = Signal(width)
        gate_d = Signal()
        self.sync += [
            gate_d.eq(gate),
            If(gate & ~gate_d, self.count.eq(1)
            ).Elif(gate, self.count.eq(self.count + 1)),
        ]


class ClockMeter(LiteXModule):
    def __init__(self, domains: dict[str, str], cycles: Signal | None = None, width: int = 32):
        """`domains`: CSR name -> clock domain measured. `cycles`: the SoC's sys cycle counter."""
        self.window = CSRStorage(width, reset=DEFAULT_WINDOW, description="Gate length in sys cycles (>= 1).")
        self.start = CSR()
        self.done = CSRStatus(description="1 once the last measurement is complete (0 while measuring).")
        self.start_cycle = CSRStatus(64, description="SoC cycle counter when the gate opened.")
        counts = {}
        for name in domains:
            counts[name] = CSRStatus(width, name=f"{name}_cycles",
                                     description=f"Cycles of {domains[name]} while the gate was open.")
            setattr(self, f"{name}_cycles", counts[name])

        # # #

        self.gate = gate = Signal()
        remaining = Signal(width)
        settle = Signal(max=SETTLE + 1)
        started = Signal()
        self.sync += [
            If(self.start.re,
                gate.eq(1),
                remaining.eq(self.window.storage),
                settle.eq(SETTLE),
                started.eq(1),
            ).Elif(gate,
                If(remaining <= 1, gate.eq(0)),
                remaining.eq(remaining - 1),
            ).Elif(settle != 0,
                settle.eq(settle - 1),
            ),
        ]
        if cycles is not None:
            self.sync += If(self.start.re, self.start_cycle.status.eq(cycles))
        self.comb += self.done.status.eq(started & ~gate & (settle == 0))

        for name, cd in domains.items():
            gate_cd = Signal(name=f"{name}_gate")
            self.specials += MultiReg(gate, gate_cd, cd)
            counter = ClockDomainsRenamer(cd)(_GatedCounter(gate_cd, width))
            self.add_module(name=f"{name}_counter", module=counter)
            # Static while `done`: the synchroniser only has to carry a settled value.
            self.specials += MultiReg(counter.count, counts[name].status, "sys")
