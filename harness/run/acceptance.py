"""The lab's acceptance judgement: the scheduler's constants as named checks.

`pytest --board NAME` (and `--pair NAME`) turns each check into one test, so a
JUnit report lists every constant, direction and invariant on its own line
with the measured figure, the ratio and the verdict as properties. The checks
come from the same runners as `sailbench bench` and `sailbench pair`, so the
CLI and the tests can never judge differently. Check names are fixed (known
before anything is measured) so a missing figure is a failed check with its
reason, never a test that silently disappears.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from sailbench.harness.config import Lab
from sailbench.harness.judge.constants import HOST_LINK, INTERCARD, LOCAL_DDR
from sailbench.harness.judge.ceilings import HOST_LINK_DIRECTIONS
from sailbench.harness.judge.pair import DIRECTIONS
from sailbench.harness.run.bench_hostlink import LABEL, QUANTITY
from sailbench.harness.judge.lane_faults import payload_faults, prbs_faults
from sailbench.harness.judge.verdict import InvariantVerdict, Verdict
from sailbench.harness.units import mb_per_s

INVARIANT_NAMES = ("HOST < INTERCARD", "INTERCARD < LOCAL_DDR", "LOCAL_DDR >= 4 x INTERCARD")
# (check name, bench table quantity it judges)
BOARD_CONSTANTS = (
    (f"{LOCAL_DDR}[write sequential]", "DDR write sequential"),
    (f"{LOCAL_DDR}[read sequential]", "DDR read sequential"),
    *((f"{HOST_LINK}[{QUANTITY[d]} 1472 B]", LABEL[d]) for d in HOST_LINK_DIRECTIONS),
)
PAIR_CONSTANTS = tuple(f"{INTERCARD}[{d}]" for d in DIRECTIONS)
PAIR_LINK_CHECKS = ("link[all lanes up]", "link[PRBS bit errors]", "link[lane faults]")


@dataclass(frozen=True)
class Check:
    name: str
    held: bool
    message: str
    properties: dict[str, Any] = field(default_factory=dict)


@dataclass
class Judgement:
    """Named checks of one acceptance run, and where its results file is."""
    what: str                       # "board 'versa-ecp5'" / "pair 'sim-pair'"
    results_path: str
    simulated: bool
    checks: dict[str, Check] = field(default_factory=dict)

    def check(self, name: str) -> Check:
        return self.checks.get(name) or Check(name, False, f"{name} was not judged on {self.what}: "
                                              f"nothing was measured for it (results: {self.results_path})")


def _verdict_check(name: str, v: Verdict, simulated: bool, run_id: str) -> Check:
    label = " (simulated board: not a hardware figure)" if simulated else ""
    return Check(name, v.holds, v.message + label, {
        "constant": v.constant, "constant_MBps": round(v.constant_bytes_per_s / 1e6, 3),
        "measured_MBps": round(v.measured_bytes_per_s / 1e6, 3), "ratio": round(v.ratio, 4),
        "verdict": v.verdict, "simulated": simulated, "run_id": run_id})


def _invariant_check(inv: InvariantVerdict, simulated: bool, run_id: str) -> Check:
    inputs = {k: f"{mb_per_s(x['value'])} MB/s ({'measured' if x['measured'] else 'constant'})"
              for k, x in inv.inputs.items()}
    label = " (measured on a simulated board: not a hardware figure)" if simulated else ""
    return Check(f"invariant[{inv.name}]", inv.holds, inv.message + label,
                 {"holds": inv.holds, **inputs, "simulated": simulated, "run_id": run_id})


def judge_board(lab: Lab, board_name: str, board, progress: Callable[[str], None] = print,
                lock: Any = None) -> Judgement:
    """Run the bench's judged measurements on an open board (sequential DDR, host link at 1472 B,
    no sweep) and name its verdicts. The caller holds the board's `lock` (None for a simulated board);
    a labgrid place is re-checked between records."""
    from sailbench.harness.board.place_lock import HoldCheck
    from sailbench.harness.run.bench import BenchSettings, run_bench
    settings = BenchSettings(patterns=("sequential",), hostlink_sweep=())
    outcome = run_bench(lab, board_name, settings, progress, [HoldCheck(lock)] if lock is not None else [], board)
    simulated = lab.board(board_name).kind.simulated
    run_id = outcome.results.run_id
    out = Judgement(f"board '{board_name}'", str(outcome.results.path), simulated)
    by_quantity = dict(outcome.judged)
    for name, quantity in BOARD_CONSTANTS:
        v = by_quantity.get(quantity)
        if v is not None:
            out.checks[name] = _verdict_check(name, v, simulated, run_id)
    for inv in outcome.invariants:
        c = _invariant_check(inv, simulated, run_id)
        out.checks[c.name] = c
    for e in outcome.measurement_errors:          # a figure with errors behind it is not a pass
        for name, check in list(out.checks.items()):
            if _about(name, e):
                out.checks[name] = Check(name, False, f"{check.message}; MEASUREMENT ERROR: {e}", check.properties)
    return out


def _about(check_name: str, error: str) -> bool:
    if check_name.startswith(LOCAL_DDR):
        return error.startswith("DDR")
    if check_name.startswith(HOST_LINK):
        return error.startswith("host link")
    return False


def lane_faults(doc: dict) -> list[str]:
    """Silent lanes and lane faults beyond the BER bound (judge/lane_faults.py) in a pair run's results."""
    out: list[str] = []
    for r in doc.get("records", []):
        if r.get("probe") == "lane" and r.get("quantity") == "payload":
            out += payload_faults(r)
        elif r.get("probe") == "lane" and r.get("quantity") == "prbs":
            out += [m for m in prbs_faults(r) if "lock losses" in m]
    return out


def judge_pair(lab: Lab, pair_name: str, progress: Callable[[str], None] = print) -> Judgement:
    """Run `sailbench pair` on the pair (strict placement, whatever --placement says: the acceptance run
    of exactly this pair, never a fallback) and name its verdicts and link checks."""
    from sailbench.harness.run.pair.placement import STRICT
    from sailbench.harness.run.pair.runner import PairRun, PairSettings, run_pair_to_end
    result = run_pair_to_end(PairRun(lab, pair_name, PairSettings(placement=STRICT), progress))
    simulated = lab.pair(pair_name).kind.simulated
    out = Judgement(f"pair '{pair_name}'", str(result.results_path), simulated)
    for j in result.judgements:
        name = f"{INTERCARD}[{j.direction}]"
        c = _verdict_check(name, j.verdict, simulated, result.run_id)
        c.properties.update({"lanes_measured": ",".join(map(str, j.lanes_measured))})
        out.checks[name] = Check(name, c.held, j.message, c.properties)
    lw = result.link_wait
    if lw is not None:
        down = [x for x in lw.lanes if x not in lw.lanes_up]
        out.checks["link[all lanes up]"] = Check(
            "link[all lanes up]", lw.status == "ready" and not down,
            f"link {lw.status}: lanes up {lw.lanes_up} of {lw.lanes}" + (f"; lane(s) {down} down" if down else ""),
            {"status": lw.status, "lanes": str(lw.lanes), "lanes_up": str(lw.lanes_up)})
    if result.bers:
        bad = [b for b in result.bers if b.errors or b.bits <= 0]
        out.checks["link[PRBS bit errors]"] = Check(
            "link[PRBS bit errors]", not bad,
            "; ".join(f"lane {b.lane} {b.direction}: {b.text()}" for b in (bad or result.bers)),
            {"errors": sum(b.errors for b in result.bers), "bits": sum(b.bits for b in result.bers)})
    faults = lane_faults(json.loads(Path(result.results_path).read_text()))
    out.checks["link[lane faults]"] = Check("link[lane faults]", not faults, "; ".join(faults) or
                                            "every lane delivered frames, faults within the BER bound",
                                            {"faults": len(faults)})
    return out
