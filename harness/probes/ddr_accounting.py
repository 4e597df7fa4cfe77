"""Where a DDR window went: the DFI accounting counters of the probe SoC, read after a BIST run.

The gateware (gateware/cores/dfi_accounting.py) puts every cycle of the
window into exactly one class, first match wins:

- data: a burst holds the data bus (one BL8 burst = 2 sys cycles on a 1:2 PHY);
- refresh: the refresher holds the controller (bank close, PREA, tRP, REF, tRFC);
- turnaround: the multiplexer waits out a read<->write turnaround;
- row: a bank with queued work closes or opens a row (PRE, tRP, ACT, tRCD);
- idle: no bank has work queued (the requester, here the BIST, is the limit);
- other: work is queued and none of the above (command scheduling bubbles).

and counts the commands on the DFI (reads, writes, activates, precharges,
precharge-all, auto-precharges, refreshes, turnarounds). The classes add up to
the window timer's cycles; `check()` holds the gateware to it (1 cycle per
10,000, the acceptance bound, and never less than 1 cycle).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sailbench.harness.errors import MeasurementError

# Printed names, in the order of the breakdown line.
CLASS_LABELS = {"data": "data transfer", "refresh": "refresh", "row": "row changes", "turnaround": "turnarounds",
                "idle": "idle", "other": "other"}
SUM_TOLERANCE = 1e-4


@dataclass
class DdrBreakdown:
    window_cycles: int
    classes: dict[str, int]                      # class -> cycles
    events: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.classes.values())

    def share(self, name: str) -> float:
        return self.classes.get(name, 0) / self.window_cycles if self.window_cycles else 0.0

    def sums_to_window(self) -> bool:
        bound = max(1.0, self.window_cycles * SUM_TOLERANCE)
        return abs(self.total - self.window_cycles) <= bound

    def check(self, board: str) -> None:
        if not self.sums_to_window():
            raise MeasurementError(
                f"board '{board}': DDR accounting classes sum to {self.total} cycles, the window timer says "
                f"{self.window_cycles}; the accounting gateware and the window disagree (rebuild the probe)")

    def to_record(self) -> dict:
        return {"window_cycles": self.window_cycles, "classes": dict(self.classes), "events": dict(self.events)}

    def line(self) -> str:
        """'data transfer 82.7 % | refresh 1.9 % | ...' in CLASS_LABELS order."""
        parts = [f"{label} {self.share(name) * 100:.1f} %" for name, label in CLASS_LABELS.items()
                 if name in self.classes]
        ev = self.events
        counts = (f"{ev.get('reads', 0) + ev.get('writes', 0)} bursts, {ev.get('activates', 0)} ACT, "
                  f"{ev.get('precharges', 0) + ev.get('precharge_alls', 0) + ev.get('auto_precharges', 0)} PRE "
                  f"({ev.get('auto_precharges', 0)} auto), {ev.get('refreshes', 0)} REF, "
                  f"{ev.get('rd_to_wr', 0) + ev.get('wr_to_rd', 0)} turnarounds")
        return " | ".join(parts) + f"  [{counts}]"


def accounting_registers(dram) -> tuple[list[str], list[str], str] | None:
    """(event names, class names, CSR prefix) from the manifest's `dram` record (DramInfo), None for
    a build without DFI accounting."""
    acct = getattr(dram, "accounting", None) if dram is not None else None
    if acct is None:
        return None
    return list(acct.events), list(acct.classes), acct.csr_prefix


def read_breakdown(csr, dram, window_cycles: int) -> DdrBreakdown | None:
    regs = accounting_registers(dram)
    if regs is None:
        return None
    events, classes, prefix = regs
    values = csr.read_many([f"{prefix}_{n}" for n in events + classes])
    return DdrBreakdown(window_cycles=window_cycles,
                        classes={n: values[f"{prefix}_{n}"] for n in classes},
                        events={n: values[f"{prefix}_{n}"] for n in events})
