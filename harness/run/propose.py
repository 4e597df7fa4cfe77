"""`sailbench propose-constants`: the measured figures as a unified diff of Spanker's bandwidth.rs.

Which figure feeds which constant (the lower direction each time, because the scheduler plans
with one number for both):
- LOCAL_DDR_BW_BYTES_PER_SEC: the lower of sequential DDR write and read (the median over the
  repeats) of the latest run that has both;
- HOST_LINK_BW_BYTES_PER_SEC: the lower direction at a 1472-byte UDP payload of the latest run
  that has both;
- INTERCARD_BW_BYTES_PER_SEC: the lower direction of the latest pair run that measured all
  four lanes in both directions (a projection from fewer lanes is never proposed).

Figures come from the history database, or from results files given with --results. Figures
measured on a simulated board are proposed only with `allow_simulated`, and their comment says
"simulated". A constant with no figure keeps its line and is listed. The proposal's invariants
(HOST < INTERCARD < LOCAL_DDR, LOCAL_DDR >= 4 x INTERCARD) are evaluated and a broken one is said
plainly: the scheduler's tensor-/model-parallel heuristics were derived from them.
"""
from __future__ import annotations

import difflib
import json
import re
import statistics
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from sailbench.harness.errors import ConstantsError, ResultsError
from sailbench.harness.judge.constants import CONSTANT_NAMES, HOST_LINK, INTERCARD, LOCAL_DDR, PINNED
from sailbench.harness.judge.verdict import judge_invariants
from sailbench.harness.units import mb_per_s

HOSTLINK_PAYLOAD = 1472
ALL_LANES = 4
_LINE_RE = r"^(\s*pub\s+const\s+{name}\s*:\s*u64\s*=\s*)([0-9][0-9_]*)(\s*;.*)$"

# A bandwidth.rs with the pinned values, for when none is given or configured.
PINNED_TEXT = "".join(f"pub const {n}: u64 = {v:_};\n" for n, v in PINNED.values.items())


@dataclass
class Run:
    """One measured run, from a results file or the history."""
    run_id: str
    board: str
    profile: str | None
    build_hash: str | None
    date: str
    simulated: bool
    records: list[dict[str, Any]]
    host: str | None = None         # the bench PC that measured it (a lab-wide history has several)


@dataclass
class Figure:
    constant: str
    bytes_per_s: float
    what: str
    run: Run

    def comment(self) -> str:
        sim = ", simulated" if self.run.simulated else ""
        return (f"// sailbench: {self.what} = {mb_per_s(self.bytes_per_s)} MB/s; run {self.run.run_id}, build "
                f"{self.run.build_hash or '-'}, board {self.run.board}{f' on host {self.run.host}' if self.run.host else ''}, "
                f"profile {self.run.profile or '-'}, "
                f"{self.run.date}{sim}")


@dataclass
class Proposal:
    diff: str
    figures: dict[str, Figure]
    unchanged: list[str]
    invariant_lines: list[str] = field(default_factory=list)
    broken: list[str] = field(default_factory=list)
    skipped_simulated: list[str] = field(default_factory=list)
    source: str = ""          # where the figures were looked for: "the history PATH", "--results files"

    @property
    def summary(self) -> str:
        lines = []
        for name, f in self.figures.items():
            lines.append(f"proposed {name} = {int(round(f.bytes_per_s)):_} ({f.what}, board {f.run.board}"
                         f"{f' on host {f.run.host}' if f.run.host else ''}, run {f.run.run_id}"
                         f"{', simulated' if f.run.simulated else ''})")
        for name in self.unchanged:
            if name in self.skipped_simulated:
                why = " (only simulated ones; --allow-simulated proposes them)"
            elif self.source.startswith("the history"):
                why = (f" in {self.source} (a results file of a run not in it: "
                       "--results results/RUN-ID.json, repeatable)")
            else:
                why = f" in {self.source}" if self.source else ""
            lines.append(f"unchanged {name}: no measured figure{why}")
        lines.append("invariants on the proposed values:")
        lines += [f"  {line}" for line in self.invariant_lines]
        if self.broken:
            lines.append(f"BROKEN: {', '.join(self.broken)}. The scheduler's TP/MP heuristics were derived from these "
                         "orderings and need re-deriving before these values are used.")
        else:
            lines.append("every invariant holds on the proposed values")
        return "\n".join(lines)


# -- reading runs ---------------------------------------------------------------------------------

def _simulated(prov: dict[str, Any], sim_names: set[str]) -> bool:
    ident = prov.get("identifier") or ""
    return ("target=sim" in ident or prov.get("board") in sim_names
            or "/sim-" in (prov.get("build_dir") or ""))


def runs_from_results(paths: Iterable[Path], sim_names: set[str] = frozenset()) -> list[Run]:
    """Runs from results files; a file that is not JSON, or JSON that is not a sailbench results
    file (an object with run_id, provenance and a records list), is a ResultsError naming it."""
    runs = []
    for path in paths:
        try:
            data = json.loads(Path(path).read_text())
        except (OSError, ValueError) as e:
            raise ResultsError(f"{path}: cannot read a results file: {e}") from None
        if not (isinstance(data, dict) and isinstance(data.get("records"), list)
                and isinstance(data.get("provenance"), dict) and data.get("run_id")):
            raise ResultsError(f"{path}: not a sailbench results file (no run_id, provenance and records list)",
                               hint="give a results/<run-id>.json a bench, pair, sweep or nightly run wrote")
        prov = data.get("provenance", {})
        runs.append(Run(data.get("run_id") or Path(path).stem, prov.get("board") or "-", prov.get("profile"),
                        prov.get("gateware_hash"), (data.get("started") or prov.get("time") or "")[:10],
                        _simulated(prov, sim_names), data.get("records", []), prov.get("host")))
    return runs


def runs_from_history(history, sim_names: set[str] = frozenset()) -> list[Run]:
    rows = history.runs()           # complete runs only, oldest first
    runs = []
    for row in rows:
        row = dict(row)
        records = history.records(row["run_id"])
        prov = {"board": row["board"], "build_dir": row.get("results_path") or ""}
        runs.append(Run(row["run_id"], row["board"], row.get("profile"), row.get("build_hash"),
                        (row.get("started") or "")[:10], _simulated(prov, sim_names) or row["board"] in sim_names,
                        records, row.get("host")))
    return runs


# -- figures --------------------------------------------------------------------------------------

def _rate(recs: list[dict[str, Any]], key: str = "rate_bytes_per_s") -> float | None:
    summaries = [r for r in recs if r.get("summary")]
    vals = [r[key] for r in (summaries or recs) if isinstance(r.get(key), (int, float))]
    return statistics.median(vals) if vals else None


def ddr_figure(run: Run) -> Figure | None:
    rates = {}
    for direction in ("write", "read"):
        recs = [r for r in run.records if r.get("probe") == "ddr" and r.get("pattern") == "sequential"
                and r.get("direction") == direction]
        rates[direction] = _rate(recs)
    if None in rates.values():
        return None
    low = min(rates, key=rates.get)
    return Figure(LOCAL_DDR, rates[low], f"sequential DDR {low} (the lower of write {mb_per_s(rates['write'])} / "
                  f"read {mb_per_s(rates['read'])} MB/s)", run)


def hostlink_figure(run: Run) -> Figure | None:
    rates = {}
    for r in run.records:
        if r.get("probe") == "hostlink" and r.get("payload_bytes") == HOSTLINK_PAYLOAD:
            rates.setdefault(r.get("direction"), []).append(r)
    rates = {d: _rate(recs) for d, recs in rates.items()}
    rates = {d: v for d, v in rates.items() if v is not None}
    if len(rates) < 2:
        return None
    low = min(rates, key=rates.get)
    return Figure(HOST_LINK, rates[low], f"host link {low} at {HOSTLINK_PAYLOAD} B (the lower direction)", run)


def intercard_figure(run: Run) -> Figure | None:
    totals = {}
    code = ""
    for r in run.records:
        if r.get("probe") == "pair" and r.get("quantity") == "pair total":
            if r.get("lane_count") != ALL_LANES or not isinstance(r.get("total_bytes_per_s"), (int, float)):
                return None                                  # not all lanes: never proposed
            totals[r.get("direction")] = r["total_bytes_per_s"]
            # runs from before line rates were selectable ran 1.25 Gb/s 8b/10b, the only choice then
            code = f"{r.get('line_rate_gbps', 1.25):g} Gb/s {r.get('coding', '8b10b')}"
    if len(totals) < 2:
        return None
    low = min(totals, key=totals.get)
    return Figure(INTERCARD, totals[low], f"pair total {low} over {ALL_LANES} lanes at {code} (the lower direction)",
                  run)


_FIGURES = {LOCAL_DDR: ddr_figure, HOST_LINK: hostlink_figure, INTERCARD: intercard_figure}


def latest_figures(runs: list[Run], profile: str | None, allow_simulated: bool) -> tuple[dict[str, Figure], list[str]]:
    """The latest figure per constant (runs oldest first); and constants only simulated runs had."""
    out: dict[str, Figure] = {}
    sim_only: list[str] = []
    for name, get in _FIGURES.items():
        for run in reversed(runs):
            if profile and run.profile and run.profile != profile:
                continue
            fig = get(run)
            if fig is None:
                continue
            if run.simulated and not allow_simulated:
                if name not in sim_only:
                    sim_only.append(name)
                continue
            out[name] = fig
            break
    return out, [n for n in sim_only if n not in out]


# -- the diff -------------------------------------------------------------------------------------

def proposed_text(text: str, figures: dict[str, Figure], source: str) -> str:
    lines = text.splitlines(keepends=True)
    for name, fig in figures.items():
        pattern = re.compile(_LINE_RE.format(name=re.escape(name)))
        hits = [i for i, line in enumerate(lines) if pattern.match(line.rstrip("\n"))]
        if not hits:
            raise ConstantsError(f"{source}: no `pub const {name}: u64 = ...;` line to replace")
        i = hits[0]
        m = pattern.match(lines[i].rstrip("\n"))
        indent = re.match(r"\s*", lines[i]).group(0)
        newline = "\n" if lines[i].endswith("\n") else ""
        lines[i] = f"{m.group(1)}{int(round(fig.bytes_per_s)):_}{m.group(3)}{newline}"
        lines.insert(i, f"{indent}{fig.comment()}\n")
    return "".join(lines)


def propose(text: str, source: str, runs: list[Run], profile: str | None = None,
            allow_simulated: bool = False, name: str = "bandwidth.rs", runs_source: str = "") -> Proposal:
    from sailbench.harness.judge.constants import parse_bandwidth_rs
    current = parse_bandwidth_rs(text, source)
    figures, sim_only = latest_figures(runs, profile, allow_simulated)
    new_text = proposed_text(text, figures, source)
    diff = "".join(difflib.unified_diff(text.splitlines(keepends=True), new_text.splitlines(keepends=True),
                                        fromfile=f"a/{name}", tofile=f"b/{name}"))
    values = {}
    for c in CONSTANT_NAMES:
        if c in figures:
            values[c] = (float(int(round(figures[c].bytes_per_s))), True)
        elif c in current:
            values[c] = (float(current[c]), False)
    unchanged = [c for c in CONSTANT_NAMES if c not in figures]
    prop = Proposal(diff, figures, unchanged, skipped_simulated=sim_only, source=runs_source)
    if len(values) == len(CONSTANT_NAMES):
        inv = judge_invariants(values)
        prop.invariant_lines = [v.message.replace("(measured)", "(proposed)") for v in inv]
        prop.broken = [v.name for v in inv if not v.holds]
    return prop


def propose_from_lab(lab, profile: str | None = None, results: list[Path] | None = None,
                     constants_path: Path | None = None, allow_simulated: bool = False) -> Proposal:
    path = constants_path or lab.constants_path
    if path is None:
        text, source, name = PINNED_TEXT, "pinned constants", "bandwidth.rs"
    else:
        try:
            text = Path(path).read_text()
        except OSError as e:
            raise ConstantsError(f"{path}: cannot read bandwidth.rs: {e}") from None
        source, name = str(path), Path(path).name
    sim_names = {n for n, b in lab.boards.items() if b.kind.simulated}
    sim_names |= {n for n, p in getattr(lab, "pairs", {}).items() if p.kind.simulated}
    if results:
        runs, runs_source = runs_from_results(results, sim_names), "the --results files"
    elif not lab.history.url and not Path(lab.history_path).exists():   # read only: no empty database is created
        runs, runs_source = [], f"the history {lab.history_path} (there is none yet)"
    else:
        from sailbench.harness.record.history import history_location, open_history
        with open_history(lab) as history:
            runs, runs_source = runs_from_history(history, sim_names), f"the history {history_location(lab)}"
    return propose(text, source, runs, profile, allow_simulated, name, runs_source=runs_source)
