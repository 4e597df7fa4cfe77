"""`sailbench board new --from-lpf FILE`: a board profile scaffolded from a Lattice LPF.

An LPF (the constraints a schematic flow exports: LOCATE COMP / IOBUF PORT lines) gives
every pin's ball, I/O standard and attributes. What it cannot say comes from flags: the FPGA
part (the package is inferred from the balls where only one fits), the DRAM part and speed
bin, the host PHY. The result is a profile file with the pins in `pins.map`, ready for
`sailbench board check`. Ports a probe build uses (ddram_dq, eth_clocks_rx, serial_tx, ...)
are grouped into their LiteX resources; others stay one resource per port.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from sailbench.gateware.profiles import ecp5_package
from sailbench.gateware.profiles.pin_map import Pin, pins_from_lpf
from sailbench.harness.errors import ConfigError


@dataclass(frozen=True)
class NewBoard:
    name: str
    part: str
    package: str | None = None
    speed_grade: int = 8
    dram_part: str | None = None
    speed_bin: str | None = None
    host_phy: str | None = None
    sys_clk_hz: int = 75_000_000


def infer_package(part: str, pins: list[Pin]) -> str:
    balls = {p.ball for p in pins if p.io}        # SerDes balls (no I/O standard) are not in Trellis' user-I/O list
    fits = [pkg for pkg in ecp5_package.packages(part) if balls <= set(ecp5_package.balls(part, pkg))]
    if len(fits) != 1:
        raise ConfigError(f"the LPF's {len(balls)} user I/O balls fit {part} packages {fits or 'none'}; "
                          "give --package")
    return fits[0]


def _yaml_map(pins: list[Pin]) -> list[str]:
    groups: dict[tuple[str, int], dict[str | None, list[Pin]]] = defaultdict(lambda: defaultdict(list))
    for p in pins:
        groups[(p.resource, p.index)][p.subsignal].append(p)
    lines = ["  map:"]

    def spec(ps: list[Pin]) -> str:
        ps = sorted(ps, key=lambda p: p.bit)
        parts = [f'balls: "{" ".join(p.ball for p in ps)}"']
        if ps[0].io:
            parts.append(f"io: {ps[0].io}")
        if ps[0].misc:
            parts.append(f"misc: [{', '.join(ps[0].misc)}]")
        return "{" + ", ".join(parts) + "}"

    for (resource, index), subs in groups.items():
        key = resource if index == 0 else f"{resource}@{index}"
        if list(subs) == [None]:
            lines.append(f"    {key}: {spec(subs[None])}")
            continue
        lines.append(f"    {key}:")
        lines += [f"      {sub}: {spec(ps)}" for sub, ps in subs.items()]
    return lines


def profile_text(lpf: Path, new: NewBoard) -> str:
    """The profile file for `lpf` and the flags, as YAML text."""
    pins = pins_from_lpf(lpf)
    if not pins:
        raise ConfigError("no LOCATE COMP lines: not a pin constraints file", path=str(lpf))
    package = new.package or infer_package(new.part, pins)
    dq = [p for p in pins if (p.resource, p.subsignal) == ("ddram", "dq")]
    out = [f"# Scaffolded by `sailbench board new --from-lpf {lpf.name}`; check it with `sailbench board check`.",
           f"description: {new.name} (from {lpf.name})",
           f"fpga: {{part: {new.part}, package: {package}, speed_grade: {new.speed_grade}, temperature: C}}",
           f"sys_clk_hz: {new.sys_clk_hz:_}", "pins:", *_yaml_map(pins)]
    if any(p.resource == "clk100" for p in pins):
        out.append("clk_in: clk100")
    if dq:
        if not new.dram_part or not new.speed_bin:
            raise ConfigError("the LPF has DDR pins (ddram_dq): give --dram-part and --speed-bin (e.g. MT41K128M16, "
                              "DDR3-1600K); an LPF cannot say which part is fitted")
        out += ["dram:", f"  part: {new.dram_part}", "  memtype: DDR3", f"  io_standard: {dq[0].io or 'SSTL135_I'}",
                f"  data_width: {len(dq)}", "  ratio: 2", f"  speed_bin: {new.speed_bin}"]
    if new.host_phy:
        out += ["host_link:", f"  phy: {new.host_phy}"]

    return "\n".join(out) + "\n"


def run_board_new(lpf: Path, new: NewBoard, output: Path) -> Path:
    if not lpf.is_file():
        raise ConfigError("LPF file not found", path=str(lpf))
    if output.exists():
        raise ConfigError("exists already; choose another --output or remove it", path=str(output))
    output.write_text(profile_text(lpf, new))
    return output
