"""Static checks of a board profile file before any long build (`sailbench board check`).

Each problem is a `Finding` naming the file, the key (or LPF port) and the line. The checks:
part and package known (Trellis' lists), every pin a ball of that package, one VCCIO per bank
(an SSTL135 DDR3L pin and an LVCMOS25 pin cannot share a bank), the DDR byte lanes inside the
DQS groups ECP5DDRPHY needs, the DDR pins at dram.io_standard's VCCIO, the SerDes channel budget,
then every other profile rule (profile_file.read_profile). All findings are collected, not only
the first. LiteX-free: the pins of a litex-boards platform come from a subprocess
(gateware/profiles/platform_pins.py).
"""
from __future__ import annotations

import json
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from sailbench.gateware.profiles import ecp5_package
from sailbench.gateware.profiles.pin_map import Pin, pins_from_lpf, read_map
from sailbench.gateware.profiles.profile_file import PARTS, read_profile
from sailbench.gateware.profiles.profile_yaml import LineMap, ProfileError, load_profile_yaml
from sailbench.gateware.profiles import channel_budget_error, serdes_channels_of


@dataclass(frozen=True)
class Finding:
    path: str
    key: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.key}: {self.message} (line {self.line})"


def _line(m: LineMap, *keys: str) -> int:
    line = m.line
    for k in keys:
        if not isinstance(m, LineMap) or k not in m:
            break
        line, m = m.lines[k], m[k]
    return line


def profile_pins(path: Path, data: LineMap, timeout_s: float = 120) -> list[Pin]:
    """The profile's pins: its `pins.map`, its LPF, or its litex-boards platform's table."""
    pins = data.get("pins")
    if not isinstance(pins, LineMap):
        return []
    if isinstance(pins.get("map"), LineMap):
        return read_map(path, pins["map"])
    if isinstance(pins.get("lpf"), str):
        return pins_from_lpf(path.parent / pins["lpf"])
    if isinstance(pins.get("platform"), str):
        done = subprocess.run([sys.executable, "-m", "sailbench.gateware.profiles.platform_pins", pins["platform"]],
                              capture_output=True, text=True, timeout=timeout_s)
        if done.returncode != 0:
            raise ProfileError(f"platform module '{pins['platform']}' does not load: "
                               f"{(done.stderr.strip().splitlines() or ['?'])[-1]}", path=str(path),
                               key="pins.platform", line=pins.lines["platform"])
        line = pins.lines["platform"]
        return [Pin(d["resource"], d["index"], d["subsignal"], d["bit"], d["ball"], d["io"], tuple(d["misc"]),
                    str(path), f"pins.platform ({d['resource']}.{d['subsignal'] or ''}[{d['bit']}])", line)
                for d in json.loads(done.stdout)]
    return []


def check_part(path: Path, data: LineMap) -> tuple[str | None, str | None, list[Finding]]:
    fpga = data.get("fpga") if isinstance(data.get("fpga"), LineMap) else LineMap()
    part, package = fpga.get("part"), fpga.get("package")
    if part not in PARTS:
        return None, None, [Finding(str(path), "fpga.part", _line(data, "fpga", "part"),
                                    f"'{part}' is not an ECP5 part ({', '.join(PARTS)})")]
    known = ecp5_package.packages(part)
    if package not in known:
        return part, None, [Finding(str(path), "fpga.package", _line(data, "fpga", "package"),
                                    f"'{package}' is not a package of {part} ({', '.join(known)})")]
    return part, package, []


# Standards whose VCCIO differ by at most this share a bank: the Versa-ECP5 has LVCMOS15 inputs (its DIP
# switches) in its 1.35 V DDR3L banks and works; 2.5 V or 3.3 V beside SSTL135 does not.
VCCIO_SLACK_V = 0.15


def serdes_resources(data: LineMap) -> set[str]:
    """Platform resources the profile's SerDes section names (their balls are dedicated SerDes pins,
    which Trellis' user-I/O list does not hold)."""
    serdes = data.get("serdes")
    out: set[str] = set()
    if not isinstance(serdes, LineMap):
        return out
    for refclk in (serdes.get("refclk"), serdes.get("refclk_dcu1")):
        if isinstance(refclk, LineMap) and isinstance(refclk.get("pads"), str):
            out.add(refclk["pads"].split(":")[0])
    chans = serdes.get("channels")
    for c in chans.values() if isinstance(chans, LineMap) else ():
        if isinstance(c, LineMap):
            out.update(str(c[k]).split(":")[0] for k in ("tx", "rx") if k in c)
    return out


def check_balls(pins: list[Pin], part: str, package: str, dedicated: set[str] = frozenset()) -> list[Finding]:
    have = ecp5_package.balls(part, package)
    hint = "; a SerDes pin? name its resource in serdes.channels (tx/rx) or serdes.refclk (pads)"
    return [Finding(p.path, p.key, p.line, f"ball '{p.ball}' ({p.port}[{p.bit}]) is not a user I/O ball of "
                                           f"{part} in {package}" + ("" if p.io else hint)) for p in pins
            if p.ball not in have and p.resource not in dedicated]


def check_banks(pins: list[Pin], part: str, package: str) -> list[Finding]:
    """One VCCIO per bank: the first output standard of a bank sets it; a pin wanting another is named."""
    have = ecp5_package.balls(part, package)
    first: dict[int, Pin] = {}
    out = []
    for p in pins:
        ball = have.get(p.ball)
        volts = ecp5_package.VCCIO.get((p.io or "").upper())
        if ball is None or ball.bank is None or volts is None:
            continue
        seen = first.setdefault(ball.bank, p)
        if abs(ecp5_package.VCCIO[seen.io.upper()] - volts) > VCCIO_SLACK_V:
            out.append(Finding(p.path, p.key, p.line,
                               f"{p.port}[{p.bit}] on {p.ball} is {p.io} ({volts:g} V) but bank {ball.bank} already "
                               f"has {seen.port}[{seen.bit}] on {seen.ball} at {seen.io} "
                               f"({ecp5_package.VCCIO[seen.io.upper()]:g} V, line {seen.line}); one VCCIO per bank"))
    return out


def check_dram_io(path: Path, data: LineMap, pins: list[Pin]) -> list[Finding]:
    """The DDR pins at the VCCIO of the profile's `dram.io_standard` (SSTL135 for DDR3L at 1.35 V, SSTL15 for
    DDR3 at 1.5 V): one finding per other standard found, at its first pin, with how many pins have it."""
    dram = data.get("dram") if isinstance(data.get("dram"), LineMap) else LineMap()
    standard = str(dram.get("io_standard", "SSTL135_I"))
    want = ecp5_package.VCCIO.get(standard.upper())
    if want is None:
        return []          # not a DRAM I/O standard: the profile rules name it
    line = _line(data, "dram", "io_standard")
    off: dict[str, list[Pin]] = {}
    for p in pins:
        volts = ecp5_package.VCCIO.get((p.io or "").upper())
        if (p.resource == "ddram" or p.resource.startswith("ddram_")) and volts is not None and volts != want:
            off.setdefault(p.io, []).append(p)
    out = []
    for io, group in off.items():
        p, others = group[0], len(group) - 1
        more = f" and {others} other DDR pin{'s' if others != 1 else ''}" if others else ""
        out.append(Finding(p.path, p.key, p.line,
                           f"{p.port}[{p.bit}] on {p.ball}{more} {'are' if others else 'is'} {io} "
                           f"({ecp5_package.VCCIO[io.upper()]:g} V) but dram.io_standard is {standard} "
                           f"({want:g} V, line {line})"))
    return out


def _ddr(pins: list[Pin], sub: str) -> list[Pin]:
    return sorted((p for p in pins if (p.resource, p.subsignal) == ("ddram", sub) or
                   (p.resource, p.subsignal) == (f"ddram_{sub}", None)), key=lambda p: p.bit)


def check_dqs_groups(pins: list[Pin], part: str, package: str) -> list[Finding]:
    """ECP5DDRPHY: byte lane i (dq 8i..8i+7 and dm i) sits in the DQS group of dqs_p i."""
    have = ecp5_package.balls(part, package)

    def group(p: Pin) -> str | None:
        b = have.get(p.ball)
        return re.sub(r"DQS?", "", b.dqs) if b is not None and b.dqs else None

    out = []
    dqs, dq, dm = _ddr(pins, "dqs_p"), _ddr(pins, "dq"), _ddr(pins, "dm")
    for lane, strobe in enumerate(dqs):
        want = group(strobe)
        members = [p for p in dq if p.bit // 8 == lane] + [p for p in dm if p.bit == lane]
        for p in members:
            if p.ball in have and group(p) != want:
                out.append(Finding(p.path, p.key, p.line,
                                   f"{p.port}[{p.bit}] on {p.ball} is in DQS group {group(p) or 'none'}, but byte lane "
                                   f"{lane}'s strobe {strobe.ball} is in {want}; ECP5DDRPHY needs the lane in its group"))
    return out


def check_serdes(path: Path, data: LineMap, part: str) -> list[Finding]:
    serdes = data.get("serdes")
    chans = serdes.get("channels") if isinstance(serdes, LineMap) else None
    if not isinstance(chans, LineMap):
        return []
    uses = [v.get("use") for v in chans.values() if isinstance(v, LineMap)]
    optional = sum(1 for v in chans.values() if isinstance(v, LineMap) and v.get("optional"))
    lanes = uses.count("lane") - optional
    sgmii = "sgmii" in uses
    why = channel_budget_error(part, lanes, sgmii)
    if why is None and len(chans) > serdes_channels_of(part):
        why = f"{len(chans)} channels listed but {part} has {serdes_channels_of(part)}"
    return [Finding(str(path), "serdes.channels", _line(data, "serdes", "channels"), why)] if why else []


def check_file(path: Path, progress: Callable[[str], None] = lambda s: None) -> tuple[list[Finding], list[Pin]]:
    """Every static finding of profile file `path`, and its pins."""
    try:
        data = load_profile_yaml(path)
    except ProfileError as e:
        return [Finding(str(path), e.key or "(file)", e.line, str(e).split(": ", 1)[-1])], []
    progress("part and package")
    part, package, findings = check_part(path, data)
    pins: list[Pin] = []
    if part and package:
        progress("pins")
        try:
            pins = profile_pins(path, data)
        except ProfileError as e:
            findings.append(Finding(str(path), e.key or "pins", e.line, str(e).split(": ", 2)[-1]))
        progress(f"{len(pins)} pins: balls of {package}, banks, DQS groups, DDR I/O standard")
        findings += check_balls(pins, part, package, serdes_resources(data)) + check_banks(pins, part, package)
        findings += check_dqs_groups(pins, part, package) + check_dram_io(path, data, pins)
    if part:
        progress("SerDes channel budget")
        findings += check_serdes(path, data, part)
    progress("profile rules")
    try:
        read_profile(path)
    except ProfileError as e:
        if not any(f.key == e.key for f in findings):
            findings.append(Finding(str(path), e.key or "(file)", e.line,
                                    re.sub(r" \(line \d+\)$", "", str(e)).split(f"{e.key}: ", 1)[-1]))
    return findings, pins
