"""A board's pins as data: one entry per FPGA ball, from a profile's `pins.map`, an LPF file, or
(through a subprocess that may import LiteX, gateware/profiles/platform_pins.py) a litex-boards platform.

Each `Pin` knows its LiteX port (`ddram_dq`, bit 3: LPF `ddram_dq[3]`), its resource and
subsignal, its ball, I/O standard and extra attributes, and where it was written (file, key,
line), so `sailbench board check` names the line of a bad pin. LiteX-free.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from sailbench.gateware.profiles.profile_yaml import Fields, LineMap, ProfileError, found


@dataclass(frozen=True)
class Pin:
    resource: str              # "ddram"
    index: int                 # resource index (eth_clocks 1: the second PHY)
    subsignal: str | None      # "dq"; None for a one-signal resource (clk100)
    bit: int                   # bit of the port
    ball: str                  # "L5"
    io: str | None             # I/O standard ("SSTL135_I")
    misc: tuple[str, ...] = ()
    path: str = ""
    key: str = ""
    line: int = 0

    @property
    def port(self) -> str:
        """LiteX's top-level port name of the signal (what an LPF's LOCATE COMP names)."""
        base = self.resource if self.index == 0 else f"{self.resource}{self.index}"
        return f"{base}_{self.subsignal}" if self.subsignal else base


def read_map(path: Path, pins: LineMap, key: str = "pins.map") -> list[Pin]:
    """The pins of a profile's `pins.map`: `RESOURCE[@INDEX]: {balls, io, misc}` for a one-signal
    resource, or `RESOURCE[@INDEX]: {SUBSIGNAL: {balls, io, misc}, ...}`."""
    out: list[Pin] = []
    for name, body in pins.items():
        rkey, rline = f"{key}.{name}", pins.lines.get(name, pins.line)
        m = re.fullmatch(r"([A-Za-z_][A-Za-z0-9_]*)(?:@(\d+))?", str(name))
        if m is None or not isinstance(body, LineMap):
            raise ProfileError(f"expected RESOURCE or RESOURCE@INDEX -> a mapping, found {found(body)}",
                               path=str(path), key=rkey, line=rline)
        resource, index = m.group(1), int(m.group(2) or 0)
        subs = [(None, body, rkey, rline)] if "balls" in body else \
            [(s, v, f"{rkey}.{s}", body.lines.get(s, rline)) for s, v in body.items()]
        for sub, spec, skey, sline in subs:
            f = Fields(path, spec, skey, ("balls", "io", "misc"), sline)
            balls = f.get("balls", lambda v: v.split() if isinstance(v, str) and v.split() else _bad("balls"))
            io = f.get("io", lambda v: v if isinstance(v, str) else _bad("io"), None)
            misc = tuple(f.get("misc", lambda v: v if isinstance(v, list) else _bad("misc"), []))
            for bit, ball in enumerate(balls):
                out.append(Pin(resource, index, sub, bit, ball, io, misc, str(path), f"{skey}.balls",
                               f.line("balls")))
    return out


def _bad(what: str):
    from sailbench.gateware.profiles.profile_yaml import Invalid
    raise Invalid({"balls": "balls separated by spaces, e.g. 'L5 F1'", "io": "an I/O standard name",
                   "misc": "a list of attributes, e.g. [TERMINATION=75]"}[what])


# --- LPF ------------------------------------------------------------------------------------

_LOCATE = re.compile(r'LOCATE\s+COMP\s+"([^"]+)"\s+SITE\s+"([^"]+)"\s*;', re.I)
_IOBUF = re.compile(r'IOBUF\s+PORT\s+"([^"]+)"\s+(.*?);', re.I)
_PORT = re.compile(r"(.+?)(?:\[(\d+)\])?")


@dataclass(frozen=True)
class LpfPort:
    port: str             # "ddram_dq"
    bit: int | None       # 3 (None: a scalar port)
    ball: str
    io: str | None
    misc: tuple[str, ...]
    line: int


def read_lpf(path: Path) -> list[LpfPort]:
    """LOCATE COMP / IOBUF PORT lines of a Lattice LPF (the form a schematic flow exports)."""
    located: dict[str, tuple[str, int]] = {}
    attrs: dict[str, tuple[str | None, tuple[str, ...]]] = {}
    for n, raw in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
        line = raw.split("#", 1)[0].split("//", 1)[0]
        for m in _LOCATE.finditer(line):
            located[m.group(1)] = (m.group(2), n)
        for m in _IOBUF.finditer(line):
            io, misc = None, []
            for item in m.group(2).split():
                k, _, v = item.partition("=")
                if k.upper() == "IO_TYPE":
                    io = v
                elif v:
                    misc.append(f"{k.upper()}={v}")
            attrs[m.group(1)] = (io, tuple(misc))
    out = []
    for comp, (ball, n) in located.items():
        m = _PORT.fullmatch(comp)
        io, misc = attrs.get(comp, (None, ()))
        out.append(LpfPort(m.group(1), int(m.group(2)) if m.group(2) else None, ball, io, misc, n))
    return out


# The LiteX resources a probe build requests, by which an LPF port name is split into resource,
# index and subsignal ("eth_clocks1_rx" -> eth_clocks 1 rx); longest first. Other ports stay flat.
PROBE_RESOURCES = ("eth_clocks", "ddram", "serial", "eth", "refclk", "refclk_en", "refclk_rst_n", "clk100", "rst_n",
                   "sma_tx", "sma_rx",
                   "pcie_x1", "sata", "spiflash")


def split_port(port: str) -> tuple[str, int, str | None]:
    for name in sorted(PROBE_RESOURCES, key=len, reverse=True):
        m = re.fullmatch(rf"{name}(\d*)(?:_(.+))?", port)
        if m:
            return name, int(m.group(1) or 0), m.group(2)
    return port, 0, None


def pins_from_lpf(path: Path) -> list[Pin]:
    """An LPF's pins, split into LiteX resources where the port is one a probe build uses."""
    out = []
    for p in read_lpf(path):
        resource, index, sub = split_port(p.port)
        out.append(Pin(resource, index, sub, p.bit or 0, p.ball, p.io, p.misc, str(path),
                       p.port + (f"[{p.bit}]" if p.bit is not None else ""), p.line))
    return out


def write_lpf(pins: list[Pin]) -> str:
    """An LPF of `pins` (LOCATE COMP and IOBUF PORT per bit), as nextpnr and Diamond read it."""
    lines = ["BLOCK RESETPATHS;", "BLOCK ASYNCPATHS;"]
    for p in pins:
        port = f"{p.port}[{p.bit}]" if _is_bus(pins, p) else p.port
        lines.append(f'LOCATE COMP "{port}" SITE "{p.ball}";')
        attrs = ([f"IO_TYPE={p.io}"] if p.io else []) + list(p.misc)
        if attrs:
            lines.append(f'IOBUF PORT "{port}" {" ".join(attrs)};')
    return "\n".join(lines) + "\n"


def _is_bus(pins: list[Pin], pin: Pin) -> bool:
    return sum(1 for p in pins if p.port == pin.port) > 1
