"""The scheduler's invariants on measured values across runs, from the history database.

One run measures one board or one pair, so no single run holds all three figures the invariants
compare. The history does: for one profile, and for simulated and hardware figures apart, the
latest run that measured each quantity gives it:

    LOCAL_DDR   the lower of DDR write and read sequential (summary figures), as the bench judges it
    HOST_LINK   the lower of the two judged host-link directions (not the sweep points)
    INTERCARD   the lower direction of a judged pair total over the card's full lane set (4 lanes)
                measured in one hardware window; fewer lanes, or a sum of separate per-lane windows,
                describe no INTERCARD and are not used
Each figure says which run and build it comes from. This is a report: it changes no run's outcome.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

from sailbench.harness.judge.constants import HOST_LINK, INTERCARD, LOCAL_DDR
from sailbench.harness.judge.pair import DESIGN_LANES
from sailbench.harness.judge.verdict import InvariantVerdict, judge_invariants
from sailbench.harness.record.history import History
from sailbench.harness.units import mb_per_s


@dataclass(frozen=True)
class MeasuredFigure:
    constant: str
    bytes_per_s: float
    run_id: str
    build_hash: str | None
    time_iso: str
    what: str                       # which figure: "DDR write sequential (lower of write/read)"
    host: str | None = None         # the bench PC that measured it (a lab-wide history holds several)

    def text(self) -> str:
        return (f"{self.constant.removesuffix('_BW_BYTES_PER_SEC')} {mb_per_s(self.bytes_per_s)} MB/s "
                f"({self.what}) from run {self.run_id} (build {self.build_hash or '?'})"
                + (f" measured on host {self.host}" if self.host else ""))


@dataclass
class MeasuredInvariants:
    profile: str
    simulated: bool
    figures: dict[str, MeasuredFigure] = field(default_factory=dict)
    invariants: list[InvariantVerdict] = field(default_factory=list)

    @property
    def missing(self) -> list[str]:
        return [c for c in (LOCAL_DDR, HOST_LINK, INTERCARD) if c not in self.figures]

    @property
    def where(self) -> str:
        return f"profile '{self.profile}', {'simulated' if self.simulated else 'hardware'} figures"

    def lines(self) -> list[str]:
        """What `sailbench bench` and the nightly print."""
        head = f"invariants on measured values across runs ({self.where}):"
        if self.missing:
            names = ", ".join(c.removesuffix("_BW_BYTES_PER_SEC") for c in self.missing)
            return [head, f"  not judged: the history holds no measured {names} for this profile yet"]
        out = [head] + [f"  {f.text()}" for f in self.figures.values()]
        out += [f"  {'holds' if i.holds else 'BROKEN':<6}  {i.body}" for i in self.invariants]
        return out

    def to_dict(self) -> dict[str, Any]:
        return {"profile": self.profile, "simulated": self.simulated, "missing": self.missing,
                "sources": [f.text() for f in self.figures.values()],
                "figures": {k: asdict(v) for k, v in self.figures.items()},
                "invariants": [i.to_dict() for i in self.invariants]}


def _rows(history: History, profile: str, simulated: bool, probe: str) -> list[dict[str, Any]]:
    rows = history.profile_rows(profile, simulated, probe)      # complete runs only
    return [r | {"record": json.loads(r["data"])} for r in rows]


def _latest(rows: list[dict[str, Any]], value, constant: str, what: str) -> MeasuredFigure | None:
    """The lowest `value(record)` of the newest run that has any (value None: not this quantity)."""
    per_run: dict[str, list[tuple[float, dict[str, Any]]]] = {}
    order: list[str] = []
    for row in rows:
        v = value(row["record"])
        if v is None:
            continue
        if row["run_id"] not in per_run:
            order.append(row["run_id"])
        per_run.setdefault(row["run_id"], []).append((float(v), row))
    if not order:
        return None
    rate, row = min(per_run[order[0]], key=lambda x: x[0])
    return MeasuredFigure(constant, rate, row["run_id"], row["build_hash"], row["time_iso"], what, row.get("host"))


def _ddr(rec: dict[str, Any]) -> float | None:
    ok = rec.get("summary") and rec.get("pattern") == "sequential" and not rec.get("errors")
    return rec.get("rate_bytes_per_s") if ok else None


def _hostlink(rec: dict[str, Any]) -> float | None:
    ok = not rec.get("sweep") and not rec.get("lost") and "repeat" not in rec
    return rec.get("rate_bytes_per_s") if ok else None


def _intercard(rec: dict[str, Any]) -> float | None:
    """A pair total that is INTERCARD: all 4 lanes, measured in one hardware window (a sum of separate
    per-lane windows is not a measured aggregate), and judged (not "not judged")."""
    judged = (rec.get("verdict") or {}).get("verdict") not in (None, "not judged")
    ok = (rec.get("quantity") == "pair total" and len(rec.get("lanes_measured") or []) == DESIGN_LANES
          and rec.get("one_window") is True and judged)
    return rec.get("total_bytes_per_s") if ok else None


def measured_invariants(history: History, profile: str, simulated: bool) -> MeasuredInvariants:
    """The latest measured LOCAL_DDR, HOST_LINK and INTERCARD of `profile` (simulated or hardware
    figures, never mixed), and the invariants on them when all three are there."""
    out = MeasuredInvariants(profile, simulated)
    for constant, probe, value, what in (
            (LOCAL_DDR, "ddr", _ddr, "lower of DDR write/read sequential"),
            (HOST_LINK, "hostlink", _hostlink, "lower host-link direction"),
            (INTERCARD, "pair", _intercard, f"lower pair-total direction, {DESIGN_LANES} lanes")):
        figure = _latest(_rows(history, profile, simulated, probe), value, constant, what)
        if figure is not None:
            out.figures[constant] = figure
    if not out.missing:
        verdicts = judge_invariants({c: (f.bytes_per_s, True) for c, f in out.figures.items()})
        out.invariants = [InvariantVerdict(v.name, v.holds, {k: {**x, "run_id": out.figures[k].run_id,
                                                                  "build_hash": out.figures[k].build_hash,
                                                                  "host": out.figures[k].host}
                                                             for k, x in v.inputs.items()}, v.message)
                          for v in verdicts]
    return out
