"""Placement: which pair a run may measure.

- `preferred` (default): the requested pair if free, otherwise another free
  pair of the same kind, profile and lanes; the result says it fell back.
- `strict`: only the requested pair; while it is busy the run stays Pending
  with the reason and never measures another pair.
"""
from __future__ import annotations

from sailbench.harness.config import Lab, PairConfig
from sailbench.harness.errors import ConfigError

PREFERRED, STRICT = "preferred", "strict"
PLACEMENTS = (PREFERRED, STRICT)


def check_placement(value: str) -> str:
    """`value` if it is a placement; a ConfigError before anything starts otherwise."""
    if value not in PLACEMENTS:
        raise ConfigError(f"unknown placement {value!r}; use one of: {', '.join(PLACEMENTS)}", key="placement")
    return value


def interchangeable(a: PairConfig, b: PairConfig) -> bool:
    """Measuring `b` instead of `a` answers the same question (same kind, profile, lanes)."""
    return (a.kind, a.profile, a.lanes) == (b.kind, b.profile, b.lanes)


def candidates(lab: Lab, requested: str, placement: str) -> list[PairConfig]:
    """Pairs to try, requested first; only the requested one under `strict`."""
    check_placement(placement)
    want = lab.pair(requested)
    if placement == STRICT:
        return [want]
    others = [p for name, p in sorted(lab.pairs.items()) if name != requested and interchangeable(want, p)]
    return [want, *others]
