"""The one rule that decides how a run ended, from its results document alone.

Every reader of a run (the CLI's exit status, the nightly's exit bits, the HTML
report, the JUnit XML, the history) asks this module, so they cannot disagree.

Outcomes, worst last:
    passed              everything expected was measured cleanly and every verdict held
    verdicts not held   measured cleanly, but a scheduler constant or invariant did not hold
                        (the bench's finding about the constants, not a fault of the board)
    measurement failed  a number cannot be trusted or is missing: checker or bit errors, a PRBS
                        that tested no bits, a lane that did not come up or received no frames,
                        lane faults beyond the BER target (judge/lane_faults.py), a probe the
                        board promises (lab.yaml, the run's `expected` section) that measured
                        nothing, a run that judged no constant, lost packets, a regression, an
                        error after measuring started, a run that never finished
    could not run       nothing was measured: configuration, tool, build, lock, silent board
    interrupted         stopped by Ctrl-C or a signal; the file keeps what was measured
Each finding carries its own one-line message.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sailbench.harness.exit_codes import EXIT_ERROR, EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK
from sailbench.harness.judge.lane_faults import payload_faults, prbs_faults

PASSED, VERDICTS, MEASUREMENT, NOT_RUN, INTERRUPTED = (
    "passed", "verdicts not held", "measurement failed", "could not run", "interrupted")
ORDER = (PASSED, VERDICTS, MEASUREMENT, NOT_RUN, INTERRUPTED)
MEASURING_PROBES = ("clock", "ddr", "hostlink", "lane", "pair")
NOT_JUDGED = "not judged"
SWEEP_JUDGES_NOTHING = {"constants": False, "why": "a sweep reports rates against clocks; it judges no constant"}
FINISHED = ("passed", "failed")          # statuses of a run that ended by itself (judged_status)

EXIT_CODES = {PASSED: EXIT_OK, VERDICTS: EXIT_FAILED, MEASUREMENT: EXIT_FAILED, NOT_RUN: EXIT_ERROR,
              INTERRUPTED: EXIT_INTERRUPTED}


@dataclass(frozen=True)
class Finding:
    outcome: str
    message: str


@dataclass(frozen=True)
class RunOutcome:
    outcome: str
    findings: tuple[Finding, ...] = field(default_factory=tuple)

    @property
    def passed(self) -> bool:
        return self.outcome == PASSED

    @property
    def exit_code(self) -> int:
        """The CLI's exit status: 0 passed, 1 verdicts not held or measurement failed, 2 could not run,
        130 interrupted."""
        return EXIT_CODES[self.outcome]

    @property
    def message(self) -> str:
        """Why, in one line (the worst findings first); empty when passed."""
        worst = [f.message for f in self.findings if f.outcome == self.outcome]
        rest = [f.message for f in self.findings if f.outcome != self.outcome]
        return "; ".join(worst + rest)

    def headline(self, not_judged: int = 0) -> str:
        """The last line of a printed run: what every reader says (exit code, JUnit, HTML, nightly)."""
        if self.outcome == PASSED:
            return f"every judged verdict held; {not_judged} not judged" if not_judged else "every verdict held"
        if self.outcome == VERDICTS:
            return "NOT every verdict held"
        return f"{self.outcome.upper()}: " + "; ".join(self.messages(self.outcome))

    def messages(self, outcome: str) -> list[str]:
        return [f.message for f in self.findings if f.outcome == outcome]


def _measured(doc: dict[str, Any]) -> bool:
    return any(r.get("probe") in MEASURING_PROBES for r in doc.get("records", []))


def _status_findings(doc: dict[str, Any]) -> list[Finding]:
    status = doc.get("status")
    errors = [e.get("message") or "" for e in doc.get("errors", [])]
    first = errors[0] if errors else "no error recorded"
    if status == "interrupted":
        return [Finding(INTERRUPTED, f"interrupted: {first}")]
    if status == "error" and not _measured(doc):
        return [Finding(NOT_RUN, first)]
    if status == "running":
        return [Finding(MEASUREMENT, "the run never finished (its process died or is still running); "
                                     "the file keeps what was measured until then")]
    return [Finding(MEASUREMENT, e) for e in errors]


def _record_findings(doc: dict[str, Any]) -> list[Finding]:
    out = []
    for r in doc.get("records", []):
        if r.get("probe") == "lane" and r.get("quantity") == "prbs":
            out += [Finding(MEASUREMENT, m) for m in prbs_faults(r)]
        elif r.get("probe") == "lane" and r.get("quantity") == "payload":
            out += [Finding(MEASUREMENT, m) for m in payload_faults(r)]
    link = doc.get("link_wait")
    if isinstance(link, dict):
        down = [x for x in link.get("lanes", []) if x not in link.get("lanes_up", [])]
        status = link.get("status")
        if status == "skipped":
            out.append(Finding(MEASUREMENT, f"no lane probe in this build: {link.get('reason', '')}".rstrip(": ")))
        elif down:
            out.append(Finding(MEASUREMENT, "link fault: " + ", ".join(f"lane {x} down" for x in down)))
        elif status not in (None, "ready"):
            out.append(Finding(MEASUREMENT, f"link fault: link-ready wait {status} ({link.get('reason', '')})"))
    expected = doc.get("expected") or {}
    have = {r.get("probe") for r in doc.get("records", [])}
    for probe in expected.get("probes", []):
        if probe not in have and doc.get("status") not in ("interrupted", "error"):
            out.append(Finding(MEASUREMENT, f"probe '{probe}' measured nothing, but lab.yaml says board "
                                            f"'{(doc.get('provenance') or {}).get('board')}' has it: is it missing "
                                            "from the build?"))
    for c in doc.get("comparisons", []):
        if c.get("status") == "regressed":
            out.append(Finding(MEASUREMENT, c.get("message") or f"regression: {c.get('key')}"))
    judges = (doc.get("judgement") or {}).get("constants", True)
    if doc.get("status") in FINISHED and judges and not _judged(doc):
        out.append(Finding(MEASUREMENT, "no scheduler constant was judged: " + _why_nothing_judged(doc)))
    return out


def _judged(doc: dict[str, Any]) -> bool:
    """A constant judged on a measured figure: a verdict, or an invariant with a measured input (an invariant
    on the scheduler's constants alone judges nothing the bench measured)."""
    return (any(v.get("verdict") not in (None, NOT_JUDGED) for v in doc.get("verdicts", []))
            or any(not i.get("not_judged") and any(x.get("measured") for x in (i.get("inputs") or {}).values())
                   for i in doc.get("invariants", [])))


def _why_nothing_judged(doc: dict[str, Any]) -> str:
    withheld = [v.get("reason") or v.get("message") or "?" for v in doc.get("verdicts", [])
                if v.get("verdict") == NOT_JUDGED]
    if withheld:
        return "every verdict was withheld (" + "; ".join(dict.fromkeys(withheld)) + ")"
    probes = sorted({str(r.get("probe")) for r in doc.get("records", []) if r.get("probe") in MEASURING_PROBES})
    return (f"the run measured only {', '.join(probes) or 'nothing'}; a run that judged nothing does not pass "
            "(is the board's build missing its DRAM, host link or lanes?)")


def _verdict_findings(doc: dict[str, Any]) -> list[Finding]:
    out = []
    for v in doc.get("verdicts", []):
        if v.get("verdict") not in ("holds", NOT_JUDGED):
            out.append(Finding(VERDICTS, v.get("message") or f"{v.get('constant')} {v.get('verdict')}"))
    for i in doc.get("invariants", []):
        if not i.get("holds") and not i.get("not_judged"):
            out.append(Finding(VERDICTS, i.get("message") or f"{i.get('name')} is broken"))
    return out


def run_outcome(doc: dict[str, Any]) -> RunOutcome:
    """How the run in results document `doc` ended, and every reason."""
    findings = _status_findings(doc)
    if not any(f.outcome in (NOT_RUN,) for f in findings):
        findings += _record_findings(doc) + _verdict_findings(doc)
    seen, unique = set(), []
    for f in findings:
        if f.message not in seen:
            seen.add(f.message)
            unique.append(f)
    worst = max((f.outcome for f in unique), key=ORDER.index, default=PASSED)
    return RunOutcome(worst, tuple(sorted(unique, key=lambda f: -ORDER.index(f.outcome))))
