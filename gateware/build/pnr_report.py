"""nextpnr-ecp5's verdict on a design: utilisation and, per clock, achieved vs required MHz.

Read from nextpnr's `--report` JSON (utilization, fmax) when it exists,
else from its log (the last "Device utilisation" block and the last set of
"Max frequency for clock" lines, i.e. after routing). Pure Python: the
harness and tests use it on captured text without LiteX.

A clock fails when its achieved frequency is below the required one. The
report never hides a failing clock: `render()` puts FAIL first and loudly.
"""
from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

from sailbench.gateware.build.manifest import ClockSummary, ReportSummary, ResourceUse

# Cell types quoted in the report, in the words a bring-up engineer uses.
RESOURCES = (
    ("LUT4", ("TRELLIS_COMB",)),           # one LUT4 each (nextpnr >= 0.4 splits slices into COMB/FF)
    ("FF", ("TRELLIS_FF",)),
    ("DP16KD", ("DP16KD",)),               # 18 Kb block RAMs
    ("DCUA", ("DCUA",)),                   # SerDes duals
    ("I/O", ("TRELLIS_IO",)),
    ("PLL", ("EHXPLLL",)),
    ("MULT18", ("MULT18X18D",)),
)

_UTIL_RE = re.compile(r"^Info:\s+([A-Za-z0-9_]+):\s+(\d+)/\s*(\d+)\s+(\d+)%\s*$")
_FMAX_RE = re.compile(r"^(?:Info|Warning): Max frequency for clock\s+'([^']+)':\s+([0-9.]+) MHz "
                      r"\((PASS|FAIL) at ([0-9.]+) MHz\)")


class ReportError(Exception):
    """nextpnr left no report and no log that can be read."""


@dataclass(frozen=True)
class Utilisation:
    resource: str          # "LUT4", "FF", ...
    cell: str              # nextpnr cell type
    used: int
    available: int

    @property
    def percent(self) -> float:
        return 100.0 * self.used / self.available if self.available else 0.0


@dataclass(frozen=True)
class ClockTiming:
    net: str               # nextpnr's clock net, e.g. "$glbnet$sys_clk"
    domain: str            # the LiteX clock domain it belongs to, e.g. "sys", "eth_rx"
    achieved_mhz: float
    required_mhz: float

    @property
    def passed(self) -> bool:
        return self.achieved_mhz >= self.required_mhz

    @property
    def margin(self) -> float:
        """Achieved over required minus one: -0.22 is 22 % too slow."""
        return self.achieved_mhz / self.required_mhz - 1 if self.required_mhz else 0.0


@dataclass
class BuildReport:
    profile: str
    device: str
    utilisation: list[Utilisation] = field(default_factory=list)
    clocks: list[ClockTiming] = field(default_factory=list)
    source: str = ""       # "report.json" or "log"
    cells: dict[str, tuple[int, int]] = field(default_factory=dict)   # every cell type: (used, available)

    @property
    def timing_passed(self) -> bool:
        return all(c.passed for c in self.clocks)

    @property
    def failing(self) -> list[ClockTiming]:
        return [c for c in self.clocks if not c.passed]

    @property
    def fits(self) -> bool:
        return all(used <= avail for used, avail in self.cells.values())

    def summary(self, json_file: str = "report.json", text_file: str = "report.txt") -> ReportSummary:
        """The manifest's `report`: the verdict per clock, the utilisation, where the full report is."""
        return ReportSummary(
            json=json_file, text=text_file, timing_passed=self.timing_passed, fits=self.fits,
            failing_clocks=tuple(c.domain for c in self.failing),
            clocks={c.domain: ClockSummary(c.achieved_mhz, c.required_mhz, c.passed) for c in self.clocks},
            utilisation={u.resource: ResourceUse(u.used, u.available) for u in self.utilisation})

    def to_dict(self) -> dict:
        d = {"profile": self.profile, "device": self.device, "source": self.source,
             "timing_passed": self.timing_passed, "fits": self.fits,
             "utilisation": [asdict(u) | {"percent": round(u.percent, 1)} for u in self.utilisation],
             "clocks": [asdict(c) | {"passed": c.passed, "margin": round(c.margin, 4)} for c in self.clocks],
             "cells": {k: {"used": u, "available": a} for k, (u, a) in self.cells.items()}}
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "BuildReport":
        return cls(profile=d["profile"], device=d["device"], source=d.get("source", ""),
                   utilisation=[Utilisation(u["resource"], u["cell"], u["used"], u["available"])
                                for u in d["utilisation"]],
                   clocks=[ClockTiming(c["net"], c["domain"], c["achieved_mhz"], c["required_mhz"])
                           for c in d["clocks"]],
                   cells={k: (v["used"], v["available"]) for k, v in d.get("cells", {}).items()})

    def render(self) -> str:
        """The report as printed: verdict line first, then clocks, then utilisation."""
        lines = []
        if not self.clocks:
            lines.append(f"TIMING UNKNOWN: nextpnr reported no constrained clock for {self.profile}")
        elif self.timing_passed:
            lines.append(f"timing met: every clock of {self.profile} ({self.device}) reaches its required frequency")
        else:
            bad = ", ".join(f"{c.domain} {c.achieved_mhz:.1f} MHz < {c.required_mhz:.1f} MHz" for c in self.failing)
            lines.append(f"TIMING FAILED on {self.profile} ({self.device}): {bad}")
        lines.append(f"{'clock domain':14} {'achieved MHz':>12} {'required MHz':>12} {'margin':>8}  verdict  net")
        for c in self.clocks:
            lines.append(f"{c.domain:14} {c.achieved_mhz:12.2f} {c.required_mhz:12.2f} {c.margin * 100:7.1f}%  "
                         f"{'PASS' if c.passed else 'FAIL':7}  {c.net}")
        lines.append(f"{'resource':14} {'used':>8} {'available':>10} {'use':>6}")
        for u in self.utilisation:
            lines.append(f"{u.resource:14} {u.used:8d} {u.available:10d} {u.percent:5.1f}%")
        if not self.fits:
            over = [k for k, (u, a) in self.cells.items() if u > a]
            lines.append(f"DOES NOT FIT: {', '.join(over)}")
        return "\n".join(lines)


def clock_domain(net: str, required_mhz: float = 0.0, known: dict[str, float] | None = None) -> str:
    """nextpnr's clock net -> the LiteX clock domain it is.

    nextpnr names a global clock after one of the net's aliases, not after the
    domain ('$glbnet$etherbone_clk' is sys, '$glbnet$crg_clkout1' the PLL's
    init output), so: the RGMII RX pad is 'eth_rx' (eth1_rx for a second PHY), a
    SerDes channel's DCU clock 'laneN_txoutclk' is laneN_tx (sgmii_rx for the SGMII
    PHY's), a name that is a known domain is itself, and otherwise the known domain whose
    nominal frequency is within 0.5 % of the constraint, if exactly one is."""
    name = net.removeprefix("$glbnet$").removesuffix("$TRELLIS_IO_IN").removesuffix("_clk")
    m = re.fullmatch(r"eth_clocks(\d*)_rx", name)
    if m:
        return "eth_rx" if m.group(1) in ("", "0") else f"eth{m.group(1)}_rx"
    m = re.fullmatch(r"(lane\d+|sgmii)_(tx|rx)outclk", name)     # a SerDes channel's word clocks
    if m:
        return f"{m.group(1)}_{m.group(2)}"
    known = known or {}
    if name in known:
        return name
    near = [d for d, mhz in known.items() if required_mhz and abs(mhz - required_mhz) <= 0.005 * mhz]
    return near[0] if len(near) == 1 else name


def _utilisation(cells: dict[str, tuple[int, int]]) -> list[Utilisation]:
    out = []
    for resource, types in RESOURCES:
        for t in types:
            if t in cells:
                used, avail = cells[t]
                out.append(Utilisation(resource, t, used, avail))
                break
    return out


def parse_report_json(text: str, profile: str = "", device: str = "",
                      known: dict[str, float] | None = None) -> BuildReport:
    """nextpnr --report output: {"utilization": {cell: {used, available}}, "fmax": {net: {achieved, constraint}}}."""
    try:
        data = json.loads(text)
        cells = {k: (int(v["used"]), int(v["available"])) for k, v in data["utilization"].items()}
        clocks = [ClockTiming(net, clock_domain(net, float(v["constraint"]), known), round(float(v["achieved"]), 2),
                              round(float(v["constraint"]), 2))
                  for net, v in data.get("fmax", {}).items()]
    except (ValueError, KeyError, TypeError) as e:
        raise ReportError(f"nextpnr report is not the expected JSON ({e})") from e
    return BuildReport(profile, device, _utilisation(cells), sorted(clocks, key=lambda c: c.domain), "report.json",
                       cells)


def parse_log(text: str, profile: str = "", device: str = "", known: dict[str, float] | None = None) -> BuildReport:
    """nextpnr's log: the last utilisation block and the last run of Max frequency lines (after routing)."""
    cells: dict[str, tuple[int, int]] = {}
    blocks: list[list[ClockTiming]] = []
    in_util = False
    prev_fmax = False
    for line in text.splitlines():
        if line.startswith("Info: Device utilisation:"):
            in_util, cells = True, {}
            continue
        if in_util:
            m = _UTIL_RE.match(line)
            if m:
                cells[m.group(1)] = (int(m.group(2)), int(m.group(3)))
                continue
            in_util = False
        m = _FMAX_RE.match(line)
        if m:
            if not prev_fmax:
                blocks.append([])
            net, required = m.group(1), float(m.group(4))
            blocks[-1].append(ClockTiming(net, clock_domain(net, required, known), float(m.group(2)), required))
        prev_fmax = bool(m)
    if not cells and not blocks:
        raise ReportError("nextpnr log has neither a utilisation block nor clock frequencies")
    clocks = blocks[-1] if blocks else []
    return BuildReport(profile, device, _utilisation(cells), sorted(clocks, key=lambda c: c.domain), "log", cells)


def from_files(report_json: Path, log: Path, profile: str = "", device: str = "",
               known: dict[str, float] | None = None) -> BuildReport:
    """The JSON report if nextpnr wrote one, else its log; ReportError if neither is readable."""
    if report_json.is_file():
        return parse_report_json(report_json.read_text(), profile, device, known)
    if log.is_file():
        return parse_log(log.read_text(errors="replace"), profile, device, known)
    raise ReportError(f"nextpnr left neither {report_json} nor {log}")
