"""Where the DDR cycles of a BIST window go: counters on the DFI between LiteDRAM and the PHY.

Two kinds of counters, both counted only while the window is open (the
cycles the WindowTimer counts: from the cycle after `start` to the rising
edge of done, inclusive):

- Commands seen on the DFI, decoded per phase from cs_n/ras_n/cas_n/we_n
  (JEDEC DDR3 truth table) and summed over the phases of a cycle: reads and
  writes (one per burst), activates, precharges of one bank, precharge-all
  (A10 high), auto-precharges (a read/write with A10 high), refreshes, and
  read<->write turnarounds (a burst whose direction differs from the
  previous burst's).
- Every window cycle in exactly one class, so the classes add up to the
  window by construction; first match wins:
    data        the data bus carries a burst: the cycle of a DFI
                rddata_en/wrdata_en and the burst_cycles-1 after it (a
                BL8 burst on a 1:2 PHY holds the bus 2 sys cycles). The
                cycles are on the command side of the PHY: the data itself
                is CL/CWL later, the count of bus cycles is the same.
    refresh     the refresher holds the controller (waits for the banks to
                close, precharge-all, tRP, REF, tRFC);
    turnaround  the controller's multiplexer waits out a read->write or
                write->read turnaround (its RTW/WTR states);
    row         a bank with queued work is closing or opening a row
                (precharge, auto-precharge, tRP, activate, tRCD);
    idle        no bank machine has work queued: the requester (the BIST)
                is the limit;
    other       work is queued and none of the above: command scheduling
                (tCCD, arbitration, pipeline bubbles).

The controller-state inputs (refresh, turnaround, row, work) are optional
plain signals: the DFI-only counters work without them and the classes they
feed then stay at zero (their cycles land in `other`).
"""
from __future__ import annotations

from functools import reduce
from operator import or_

from migen import If, Mux, Signal

from litex.gen import LiteXModule
from litex.soc.interconnect.csr import CSRStatus

EVENTS = ("reads", "writes", "activates", "precharges", "precharge_alls", "auto_precharges", "refreshes",
          "rd_to_wr", "wr_to_rd")
CLASSES = ("data", "refresh", "turnaround", "row", "idle", "other")

_DESCRIPTIONS = {
    "reads": "Read bursts (DFI RD commands) in the window.",
    "writes": "Write bursts (DFI WR commands) in the window.",
    "activates": "ACT commands in the window.",
    "precharges": "PRE (one bank) commands in the window.",
    "precharge_alls": "PREA (A10 high) commands in the window.",
    "auto_precharges": "Reads/writes with auto-precharge (A10 high) in the window.",
    "refreshes": "REF commands in the window.",
    "rd_to_wr": "Write bursts following a read burst in the window.",
    "wr_to_rd": "Read bursts following a write burst in the window.",
    "data": "Window cycles with a burst on the data bus.",
    "refresh": "Window cycles held by the refresher (no data).",
    "turnaround": "Window cycles in a read/write turnaround (no data).",
    "row": "Window cycles a bank with work opens/closes a row (no data).",
    "idle": "Window cycles with no work queued in the controller.",
    "other": "Window cycles with work queued and none of the above.",
}


def _popcount(bits: list) -> object:
    return reduce(lambda a, b: a + b, bits)


class DfiAccounting(LiteXModule):
    """`dfi`: the DFI the PHY sees (litedram.phy.dfi.Interface). `start`/`window`: the
    window timer's start strobe and running flag. `burst_cycles`: sys cycles one burst
    holds the data bus (burst length / (2 x nphases) for DDR)."""

    def __init__(self, dfi, start, window, burst_cycles: int, refresh=0, turnaround=0, row=0, work=1,
                 width: int = 32):
        assert burst_cycles >= 1
        self.burst_cycles = burst_cycles
        for name in EVENTS + CLASSES:
            setattr(self, name, CSRStatus(width, name=name, description=_DESCRIPTIONS[name]))

        # # #

        # Command decode, per phase (cs_n low; ras_n/cas_n/we_n as JEDEC's truth table).
        def cmd(p, ras, cas, we):
            return (p.cs_n == 0) & (p.ras_n == (not ras)) & (p.cas_n == (not cas)) & (p.we_n == (not we))

        phases = dfi.phases
        rd = [cmd(p, 0, 1, 0) for p in phases]
        wr = [cmd(p, 0, 1, 1) for p in phases]
        ev = {
            "reads": rd,
            "writes": wr,
            "activates": [cmd(p, 1, 0, 0) for p in phases],
            "precharges": [cmd(p, 1, 0, 1) & ~p.address[10] for p in phases],
            "precharge_alls": [cmd(p, 1, 0, 1) & p.address[10] for p in phases],
            "auto_precharges": [(r | w) & p.address[10] for p, r, w in zip(phases, rd, wr)],
            "refreshes": [cmd(p, 1, 1, 0) for p in phases],
        }

        # Turnarounds: direction of each burst against the previous one (also across cycles).
        # Phases are in time order within a cycle.
        last_valid = Signal()
        last_write = Signal()
        turn_rw = []
        turn_wr = []
        prev_valid, prev_write = last_valid, last_write
        for p, r, w in zip(phases, rd, wr):
            en = Signal()
            is_w = Signal()
            self.comb += [en.eq(p.rddata_en | p.wrdata_en | r | w), is_w.eq(p.wrdata_en | w)]
            t_rw, t_wr = Signal(), Signal()
            self.comb += [t_rw.eq(en & is_w & prev_valid & ~prev_write),
                          t_wr.eq(en & ~is_w & prev_valid & prev_write)]
            turn_rw.append(t_rw)
            turn_wr.append(t_wr)
            nv, nw = Signal(), Signal()
            self.comb += [nv.eq(en | prev_valid), nw.eq(Mux(en, is_w, prev_write))]
            prev_valid, prev_write = nv, nw
        self.sync += [last_valid.eq(prev_valid), last_write.eq(prev_write)]
        ev["rd_to_wr"] = turn_rw
        ev["wr_to_rd"] = turn_wr

        # Data bus: busy on a burst's command cycle and burst_cycles-1 cycles after it.
        burst = Signal()
        self.comb += burst.eq(reduce(or_, [p.rddata_en | p.wrdata_en for p in phases]))
        busy_left = Signal(max=burst_cycles + 1)
        self.sync += If(burst, busy_left.eq(burst_cycles - 1)).Elif(busy_left != 0, busy_left.eq(busy_left - 1))
        busy = Signal()
        self.comb += busy.eq(burst | (busy_left != 0))

        # One class per cycle.
        cls = {name: Signal(name=f"is_{name}") for name in CLASSES}
        self.comb += [
            cls["data"].eq(busy),
            cls["refresh"].eq(~busy & refresh),
            cls["turnaround"].eq(~busy & ~refresh & turnaround),
            cls["row"].eq(~busy & ~refresh & ~turnaround & row & work),
            cls["idle"].eq(~busy & ~refresh & ~turnaround & ~work),
            cls["other"].eq(~busy & ~refresh & ~turnaround & ~row & work),
        ]

        counters = {name: Signal(width, name=f"count_{name}") for name in EVENTS + CLASSES}
        for name in EVENTS:
            self.sync += If(start, counters[name].eq(0)).Elif(
                window, counters[name].eq(counters[name] + _popcount(ev[name])))
        for name in CLASSES:
            self.sync += If(start, counters[name].eq(0)).Elif(
                window & cls[name], counters[name].eq(counters[name] + 1))
        for name in EVENTS + CLASSES:
            self.comb += getattr(self, name).status.eq(counters[name])



# Taps on a LiteDRAM core -------------------------------------------------------------------------

def burst_cycles(phy_settings) -> int:
    """Sys cycles one burst holds the data bus: BL8 DDR3 on a 1:2 PHY = 8 beats / (2 x 2) = 2."""
    from litedram.common import burst_lengths
    if phy_settings.memtype == "SDR":
        return 1
    beats_per_cycle = 2 * phy_settings.nphases
    return max(1, burst_lengths[phy_settings.memtype] // beats_per_cycle)


class ControllerTaps(LiteXModule):
    """The controller-state inputs of DfiAccounting from a LiteDRAMCore, registered once so
    they line up with the DFI (the multiplexer's steerer registers the DFI commands).
    Attributes: refresh, turnaround, row, work (1-bit signals)."""

    def __init__(self, sdram):
        from litedram.core.bankmachine import BankMachine
        ctrl = sdram.controller
        banks = [m for _, m in ctrl._submodules if isinstance(m, BankMachine)]
        assert banks, "no bank machines found in the LiteDRAM controller"
        mux_fsm = ctrl.multiplexer.fsm
        locks = [getattr(ctrl.interface, f"bank{n}").lock for n in range(len(banks))]
        row_busy = []
        for bm, lock in zip(banks, locks):
            # A bank with queued work outside REGULAR/REFRESH is in PRECHARGE, AUTOPRECHARGE,
            # tRP, ACTIVATE or tRCD (delayed_enter's anonymous states included).
            row_busy.append(lock & ~bm.fsm.ongoing("REGULAR") & ~bm.fsm.ongoing("REFRESH"))
        now = {
            "refresh": ctrl.refresher.cmd.valid,
            # RTW/WTR and delayed_enter's anonymous states after RTW: neither READ, WRITE nor REFRESH.
            "turnaround": ~(mux_fsm.ongoing("READ") | mux_fsm.ongoing("WRITE") | mux_fsm.ongoing("REFRESH")),
            "row": reduce(or_, row_busy),
            "work": reduce(or_, locks),
        }
        for name, expr in now.items():
            s = Signal(name=f"dfi_acct_{name}")
            self.sync += s.eq(expr)
            setattr(self, name, s)
