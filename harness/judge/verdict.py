"""Verdicts: does a measured rate support the scheduler's constant?

A constant is OPTIMISTIC when the board delivers less than it claims
(measured < constant x (1 - tolerance)), PESSIMISTIC when the board delivers
clearly more (measured > constant x (1 + slack)), and otherwise it holds.
Invariants are the orderings the scheduler relies on, checked on a mix of
measured rates and constants, each input labelled as one or the other.
"""
from __future__ import annotations

import dataclasses
import math
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from sailbench.harness.judge.constants import HOST_LINK, INTERCARD, LOCAL_DDR
from sailbench.harness.errors import ConstantsError
from sailbench.harness.units import mb_per_s, ratio_text

HOLDS, OPTIMISTIC, PESSIMISTIC = "holds", "optimistic", "pessimistic"
NOT_JUDGED = "not judged"        # measured, but the figure cannot be trusted to judge (e.g. its clock fails timing)
VerdictName = Literal["holds", "optimistic", "pessimistic", "not judged"]


@dataclass(frozen=True)
class Verdict:
    constant: str
    constant_bytes_per_s: float
    measured_bytes_per_s: float
    ratio: float
    verdict: VerdictName
    tolerance: float
    slack: float
    message: str
    reason: str = ""              # why it was not judged (verdict "not judged")

    @property
    def holds(self) -> bool:
        return self.verdict == HOLDS

    @property
    def label(self) -> str:
        """What a table shows: `holds`, `optimistic`, ... or `not judged (clock sys fails timing)`."""
        return f"{NOT_JUDGED} ({self.reason})" if self.verdict == NOT_JUDGED else self.verdict

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def withhold(verdict: Verdict, reason: str) -> Verdict:
    """The same figure, not judged: `reason` says why the figure cannot judge the constant."""
    message = (f"{verdict.constant} {NOT_JUDGED} ({reason}): measured {mb_per_s(verdict.measured_bytes_per_s)} MB/s "
               f"is {ratio_text(verdict.ratio)} the constant {mb_per_s(verdict.constant_bytes_per_s)} MB/s, "
               "but that figure cannot be trusted")
    return dataclasses.replace(verdict, verdict=NOT_JUDGED, reason=reason, message=message)


def judge(constant_name: str, constant_value: float, measured: float,
          tolerance: float, slack: float) -> Verdict:
    """Judge one constant against one measured rate (both bytes/s)."""
    if not (constant_value > 0 and math.isfinite(constant_value)):
        raise ConstantsError(f"constant {constant_name} is {constant_value}; "
                             "a bandwidth constant must be a positive number of bytes/s")
    if not (measured >= 0 and math.isfinite(measured)):
        raise ValueError(f"measured rate for {constant_name} must be finite and >= 0, "
                         f"got {measured}")
    if not 0 <= tolerance < 1 or slack < 0:
        raise ValueError(f"tolerance must be in [0, 1) and slack >= 0, got {tolerance}, {slack}")
    low, high = constant_value * (1 - tolerance), constant_value * (1 + slack)
    ratio = measured / constant_value
    verdict: VerdictName
    if measured < low:
        verdict, head, why = OPTIMISTIC, "is OPTIMISTIC", \
            "; the scheduler expects more than the board delivers"
    elif measured > high:
        verdict, head, why = PESSIMISTIC, "is PESSIMISTIC", \
            "; the board delivers more than the scheduler expects"
    else:
        verdict, head, why = HOLDS, "holds", ""
    message = (f"{constant_name} {head}: measured {mb_per_s(measured)} MB/s is "
               f"{ratio_text(ratio)} the constant {mb_per_s(constant_value)} MB/s{why} "
               f"(holds from {mb_per_s(low)} to {mb_per_s(high)} MB/s)")
    return Verdict(constant=constant_name, constant_bytes_per_s=constant_value,
                   measured_bytes_per_s=measured, ratio=ratio, verdict=verdict,
                   tolerance=tolerance, slack=slack, message=message)


@dataclass(frozen=True)
class InvariantVerdict:
    name: str
    holds: bool
    inputs: dict[str, dict[str, Any]] = field(default_factory=dict)
    message: str = ""
    not_judged: str | None = None        # why it was not judged (an input cannot be trusted)

    @property
    def body(self) -> str:
        """The message without its state, for a line or cell that shows the state first:
        "HOST < INTERCARD: HOST 118.2 MB/s (measured) < ..." (why it was not judged at the end)."""
        text, why = self.message, ""
        withheld = f"{self.name} {NOT_JUDGED} ({self.not_judged}): "
        if self.not_judged and text.startswith(withheld):
            text, why = text[len(withheld):], f" ({self.not_judged})"
        for state in ("holds", "is BROKEN"):
            if text.startswith(f"{self.name} {state}: "):
                text = f"{self.name}: " + text[len(f"{self.name} {state}: "):]
        return text + why

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def withhold_invariants(invariants: list[InvariantVerdict], untrusted: dict[str, str]) -> list[InvariantVerdict]:
    """Invariants that rest on a measured figure in `untrusted` (constant name -> why) are not judged."""
    out = []
    for inv in invariants:
        why = [f"{_short(name)}: {untrusted[name]}" for name, x in inv.inputs.items()
               if x.get("measured") and name in untrusted]
        if why:
            inv = dataclasses.replace(inv, holds=False, not_judged="; ".join(why),
                                      message=f"{inv.name} {NOT_JUDGED} ({'; '.join(why)}): {inv.message}")
        out.append(inv)
    return out


def _short(name: str) -> str:
    return name.removesuffix("_BW_BYTES_PER_SEC")


def _operand(name: str, value: float, measured: bool, factor: int = 1) -> str:
    label = "measured" if measured else "scheduler constant"
    text = f"{_short(name)} {mb_per_s(value)} MB/s ({label})"
    return f"{factor} x {text} = {mb_per_s(factor * value)} MB/s" if factor != 1 else text


# (name, left, operator, factor, right): left <op> factor x right
_INVARIANTS = (
    ("HOST < INTERCARD", HOST_LINK, "<", 1, INTERCARD),
    ("INTERCARD < LOCAL_DDR", INTERCARD, "<", 1, LOCAL_DDR),
    ("LOCAL_DDR >= 4 x INTERCARD", LOCAL_DDR, ">=", 4, INTERCARD),
)
_NEGATED = {"<": ">=", ">=": "<"}


def judge_invariants(values: dict[str, tuple[float, bool]]) -> list[InvariantVerdict]:
    """Check the scheduler's orderings.

    `values` maps each constant name to (bytes/s, measured?): True for a rate
    the bench measured, False for the scheduler's constant standing in.
    """
    missing = [n for n in (LOCAL_DDR, INTERCARD, HOST_LINK) if n not in values]
    if missing:
        raise ValueError(f"judge_invariants needs a value for {', '.join(missing)} "
                         "(measured, or the scheduler constant)")
    verdicts = []
    for name, left, op, factor, right in _INVARIANTS:
        (lv, lm), (rv, rm) = values[left], values[right]
        holds = lv < factor * rv if op == "<" else lv >= factor * rv
        shown = op if holds else _NEGATED[op]
        state = "holds" if holds else "is BROKEN"
        message = (f"{name} {state}: {_operand(left, lv, lm)} {shown} "
                   f"{_operand(right, rv, rm, factor)}")
        inputs = {left: {"value": lv, "measured": lm}, right: {"value": rv, "measured": rm}}
        verdicts.append(InvariantVerdict(name=name, holds=holds, inputs=inputs, message=message))
    return verdicts
