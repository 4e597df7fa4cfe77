"""Which clocks a measured quantity runs on, and whether a timing-failed build lets it be judged.

A bitstream accepted with --allow-timing-fail still measures, but a figure whose logic runs on a clock
that failed timing cannot judge a scheduler constant: its verdict is "not judged (clock X fails timing)".

    DDR        sys and the DRAM clock domains (sys2x, init, any dram*/ddr* clock)
    host link  sys and the Ethernet PHY clocks (eth_rx, eth_tx)
    lanes      sys and the lanes' word clocks (any clock named *lane*, *word*, *serdes*)
The report is the build manifest's ReportSummary (or its dict in a results file's provenance).
"""
from __future__ import annotations

from typing import Any

_EXACT = {
    "clock": ("sys",),
    "ddr": ("sys", "sys2x", "sys2x_i", "init"),
    "hostlink": ("sys", "eth_rx", "eth_tx"),
    "lane": ("sys",),
    "pair": ("sys",),
}
_PREFIX = {"ddr": ("dram", "ddr", "sdram"), "hostlink": ("eth",)}
_CONTAINS = {"lane": ("lane", "word", "serdes"), "pair": ("lane", "word", "serdes")}


def clock_serves(probe: str, clock: str) -> bool:
    """Does the logic measuring `probe` ("ddr", "hostlink", "lane", "pair", "clock") run on `clock`?"""
    c = clock.lower()
    return (c in _EXACT.get(probe, ("sys",)) or c.startswith(_PREFIX.get(probe, ()))
            or any(part in c for part in _CONTAINS.get(probe, ())))


def _failing(report: Any) -> list[str]:
    if report is None:
        return []
    failing = report.get("failing_clocks") if isinstance(report, dict) else getattr(report, "failing_clocks", ())
    return [str(c) for c in failing or ()]


def timing_reason(probe: str, report: Any) -> str | None:
    """`clock eth_rx fails timing` when a clock `probe` runs on failed timing in `report`, else None."""
    bad = [c for c in _failing(report) if clock_serves(probe, c)]
    if not bad:
        return None
    return f"clock {bad[0]} fails timing" if len(bad) == 1 else f"clocks {', '.join(bad)} fail timing"
