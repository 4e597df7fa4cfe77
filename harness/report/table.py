"""The bench table, as plain fixed-width text.

    quantity   measured MB/s  peak MB/s  efficiency  scheduler constant MB/s  ratio  verdict
    DDR write  497.1 (±0.3%)      600.0      82.9 %  LOCAL_DDR 2000.0         0.25x  OPTIMISTIC

Rates come in as bytes/s and are printed in MB/s (10^6 bytes/s).
"""
from __future__ import annotations

from dataclasses import dataclass

from sailbench.harness.units import mb_per_s, percent, ratio_text
from sailbench.harness.judge.verdict import NOT_JUDGED, InvariantVerdict

EMPTY = "-"


@dataclass(frozen=True)
class TableRow:
    quantity: str
    measured_bytes_per_s: float | None = None
    peak_bytes_per_s: float | None = None
    constant_name: str | None = None
    constant_bytes_per_s: float | None = None
    verdict: str | None = None          # holds / optimistic / ... / "not judged (why)" / "3 errors"
    spread: str | None = None
    simulated: bool = False             # a simulated board's figure: the verdict reads "holds (sim)"


# (header, right-aligned?)
COLUMNS = (
    ("quantity", False),
    ("measured MB/s", True),
    ("peak MB/s", True),
    ("efficiency", True),
    ("scheduler constant MB/s", False),
    ("ratio", True),
    ("verdict", False),
)


def _cells(row: TableRow) -> list[str]:
    measured = EMPTY
    if row.measured_bytes_per_s is not None:
        measured = mb_per_s(row.measured_bytes_per_s)
        if row.spread:
            measured += f" ({row.spread})"
    peak = mb_per_s(row.peak_bytes_per_s) if row.peak_bytes_per_s is not None else EMPTY
    efficiency = EMPTY
    if row.measured_bytes_per_s is not None and row.peak_bytes_per_s:
        efficiency = percent(row.measured_bytes_per_s / row.peak_bytes_per_s)
    constant = EMPTY
    if row.constant_bytes_per_s is not None:
        name = (row.constant_name or "").removesuffix("_BW_BYTES_PER_SEC")
        constant = f"{name} {mb_per_s(row.constant_bytes_per_s)}".strip()
    ratio = EMPTY
    if row.measured_bytes_per_s is not None and row.constant_bytes_per_s:
        ratio = ratio_text(row.measured_bytes_per_s / row.constant_bytes_per_s)
    verdict = EMPTY
    if row.verdict:
        plain = row.verdict == "holds" or row.verdict.startswith("not judged")
        verdict = row.verdict if plain else row.verdict.upper()
    if row.simulated:                     # a simulated figure says so, with a verdict or without one
        verdict = f"{verdict} (sim)" if row.verdict else "(sim)"
    return [row.quantity, measured, peak, efficiency, constant, ratio, verdict]


def render_table(rows: list[TableRow]) -> str:
    """The table as lines of text (header, rule, one line a row), no trailing newline."""
    lines = [[h for h, _ in COLUMNS]] + [_cells(r) for r in rows]
    widths = [max(len(line[i]) for line in lines) for i in range(len(COLUMNS))]

    def fmt(cells: list[str]) -> str:
        out = [c.rjust(w) if right else c.ljust(w)
               for c, w, (_, right) in zip(cells, widths, COLUMNS)]
        return "  ".join(out).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([fmt(lines[0]), rule] + [fmt(cells) for cells in lines[1:]])


def render_invariants(invariants: list[InvariantVerdict], simulated: bool = False) -> str:
    """One line an invariant, `holds`, `BROKEN` or `not judged` first (`(sim)` after it for a simulated
    board's figures); empty string for none."""
    if not invariants:
        return ""
    states = [("not judged" if inv.not_judged else "holds" if inv.holds else "BROKEN")
              + (" (sim)" if simulated else "") for inv in invariants]
    width = max(6, *map(len, states))            # the bodies start in one column
    return "\n".join(["invariants:", *(f"  {state:<{width}}  {invariant_body(inv)}"
                                        for state, inv in zip(states, invariants))])


def invariant_body(inv: InvariantVerdict) -> str:
    """The invariant's message without its state (InvariantVerdict.body)."""
    return inv.body
