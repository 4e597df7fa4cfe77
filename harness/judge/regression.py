"""Regression alarms: a new figure against its board's recent history.

A *figure* is one number a run reports for a quantity: the median of a DDR
measurement's repeats (a `summary` record), or a rate record that is not one
repeat among several. Its key is (board, probe, direction, pattern, size),
where the pattern also says "sweep" for a host-link sweep point and carries
a pair's quantity and lane ("payload lane 2"): figures are only compared with
figures measured the same way.

Simulated and hardware figures never meet: the key says whether the figure came from a simulated
board (True), hardware (False) or a run that did not say (None, older results files).

The baseline is the median of the last N runs that measured the same key on
the same build hash. A figure more than `threshold` below it is a regression;
both numbers are in the message. A build hash with no history yet starts a
new baseline, and the comparison says so (naming the previous build if any).
"""
from __future__ import annotations

import statistics
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from sailbench.harness.units import mb_per_s

BASELINE, OK, REGRESSED = "baseline", "ok", "regressed"
ComparisonStatus = Literal["baseline", "ok", "regressed"]


@dataclass(frozen=True)
class FigureKey:
    board: str
    probe: str
    direction: str | None
    pattern: str | None
    size_bytes: int | None
    simulated: bool | None = None

    @property
    def label(self) -> str:
        """`DDR write sequential 1 MiB`, `hostlink board-to-host 1472 B (simulated)`."""
        probe = self.probe.upper() if self.probe == "ddr" else self.probe
        parts = [probe, self.direction, self.pattern, size_text(self.size_bytes),
                 "(simulated)" if self.simulated else None]
        return " ".join(p for p in parts if p)


def size_text(size: int | None) -> str | None:
    if size is None:
        return None
    for unit, factor in (("MiB", 1 << 20), ("KiB", 1 << 10)):
        if size >= factor and size % factor == 0:
            return f"{size // factor} {unit}"
    return f"{size} B"


def record_size(record: dict[str, Any]) -> int | None:
    """The size a figure was measured with: a host-link payload, else the bytes moved."""
    for name in ("payload_bytes", "bytes"):
        value = record.get(name)
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    return None


def figure_key(record: dict[str, Any], board: str | None = None) -> FigureKey | None:
    """The key of a record that is a figure, None for anything else (clock, single repeats).
    `board` stands in for records that do not name one (a pair's lane records)."""
    rate = record.get("rate_bytes_per_s")
    if not isinstance(rate, (int, float)) or isinstance(rate, bool):
        return None
    if not record.get("summary") and "repeat" in record:
        return None
    board, probe = record.get("board") or board, record.get("probe")
    if not isinstance(board, str) or not isinstance(probe, str):
        return None
    parts = [record.get("pattern") or record.get("quantity") or ("sweep" if record.get("sweep") else None)]
    if record.get("lane") is not None:
        parts.append(f"lane {record['lane']}")
    pattern = " ".join(str(p) for p in parts if p) or None
    simulated = record.get("simulated")
    return FigureKey(board, probe, record.get("direction"), pattern, record_size(record),
                     simulated if isinstance(simulated, bool) else None)


@dataclass(frozen=True)
class Comparison:
    board: str
    probe: str
    direction: str | None
    pattern: str | None
    size_bytes: int | None
    label: str
    build_hash: str | None
    status: ComparisonStatus
    measured_bytes_per_s: float
    baseline_bytes_per_s: float | None
    threshold: float
    change: float | None = None                 # measured / baseline - 1
    baseline_runs: list[str] = field(default_factory=list)
    previous_build_hash: str | None = None
    message: str = ""
    simulated: bool | None = None

    @property
    def regressed(self) -> bool:
        return self.status == REGRESSED

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def compare(key: FigureKey, build_hash: str | None, measured: float, baseline: list[tuple[str, float]],
            threshold: float, previous_build_hash: str | None = None) -> Comparison:
    """Judge `measured` (bytes/s) against `baseline`: (run id, figure) of earlier runs, newest first,
    already limited to the last N runs with this build hash."""
    common = dict(board=key.board, probe=key.probe, direction=key.direction, pattern=key.pattern,
                  size_bytes=key.size_bytes, label=key.label, build_hash=build_hash, simulated=key.simulated,
                  measured_bytes_per_s=measured, threshold=threshold)
    where = f"on '{key.board}'"
    if not baseline:
        before = f" (previous build {previous_build_hash})" if previous_build_hash else ""
        message = (f"{key.label} {where}: {mb_per_s(measured)} MB/s is the first figure for build "
                   f"{build_hash}{before}; it starts a new baseline")
        return Comparison(status=BASELINE, baseline_bytes_per_s=None, previous_build_hash=previous_build_hash,
                          message=message, **common)
    base = statistics.median(rate for _, rate in baseline)
    change = measured / base - 1 if base else 0.0
    runs = [run for run, _ in baseline]
    basis = (f"median of the last {len(runs)} run{'s' if len(runs) != 1 else ''} on build {build_hash}; "
             f"threshold {threshold * 100:.0f} %")
    if base and measured < base * (1 - threshold):
        message = (f"REGRESSION {where}: {key.label} fell to {mb_per_s(measured)} MB/s from a baseline of "
                   f"{mb_per_s(base)} MB/s ({change * 100:+.1f} %, {basis})")
        status: ComparisonStatus = REGRESSED
    else:
        message = (f"{key.label} {where}: {mb_per_s(measured)} MB/s vs baseline {mb_per_s(base)} MB/s "
                   f"({change * 100:+.1f} %, {basis})")
        status = OK
    return Comparison(status=status, baseline_bytes_per_s=base, change=change, baseline_runs=runs,
                      message=message, **common)
