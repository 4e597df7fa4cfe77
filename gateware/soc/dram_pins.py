"""The DRAM pin table of a board, exported at build time for the host's line tests.

A failing DRAM line test names the FPGA ball and the net of the line
(harness/probes/dram_lines.py): "DQ11 (byte lane 1) stuck at 0 -> ball K4,
net ddram_dq11". The balls come from the board's LiteX platform (litex-boards'
`_io`, resource `ddram`), which only LiteX can import, so the build writes
them next to its manifest as `dram_pins.json`; the host reads that file and
never imports LiteX. The net of pin n of subsignal `dq` is `ddram_dq<n>`, the
LiteX top-level port `ddram_dq[n]`.

The file also carries the module's geometry (row, column and bank bits, the
controller's burst alignment), which the line tests need to turn a bus address
into row, column and bank and back; the manifest does not have it.

The simulated board stands for the profile's board (a Versa-ECP5), so its
build exports that board's table, marked `simulated`.
"""
from __future__ import annotations

import importlib
import json
from pathlib import Path

from sailbench.gateware.profiles import BoardProfile

PINS_NAME = "dram_pins.json"


def dram_pin_table(platform_module: str, resource: str = "ddram") -> dict[str, list[str]]:
    """{subsignal: [ball of bit 0, ball of bit 1, ...]} of the platform's `resource` 0 ({} without a module)."""
    from litex.build.generic_platform import Pins, Subsignal
    if platform_module is None:
        return {}
    io = importlib.import_module(platform_module)._io
    entry = next((r for r in io if r[0] == resource and r[1] == 0), None)
    if entry is None:
        return {}
    table = {}
    for item in entry[2:]:
        if isinstance(item, Subsignal):
            pins = [c for c in item.constraints if isinstance(c, Pins)]
            if pins:
                table[item.name] = list(pins[0].identifiers)
    return table


def dram_geometry(profile: BoardProfile) -> dict[str, int]:
    """Row/column/bank bits of the profile's module and LiteDRAM's column alignment (log2 of
    the burst length: a controller word is one burst, its low column bits are always 0)."""
    from litedram import modules
    from litedram.common import burst_lengths
    d = profile.dram
    g = getattr(modules, d.module)(profile.sys_clk_hz, f"1:{d.ratio}").geom_settings
    return {"rowbits": g.rowbits, "colbits": g.colbits, "bankbits": g.bankbits, "addressbits": g.addressbits,
            "address_align": (burst_lengths[d.memtype] - 1).bit_length(), "address_mapping": "ROW_BANK_COL"}


def write_dram_pins(out: Path, profile: BoardProfile, simulated: bool = False) -> Path | None:
    """Write `dram_pins.json` into build directory `out` (nothing when the profile has no
    DRAM). Without a platform (or its `ddram` resource) the pin table is empty."""
    if profile.dram is None:
        return None
    table = dram_pin_table(profile.platform) if profile.platform else {}
    if profile.pin_table:                     # pins from the profile file (pins.map or an LPF)
        rows = sorted((r for r in profile.pin_table if r[0] == "ddram" and r[1] == 0 and r[2]), key=lambda r: r[3])
        for r in rows:
            table.setdefault(r[2], []).append(r[4])
    path = Path(out) / PINS_NAME
    path.write_text(json.dumps({"platform": profile.platform, "resource": "ddram", "simulated": simulated,
                                "geometry": dram_geometry(profile), "pins": table}, indent=2) + "\n")
    return path
