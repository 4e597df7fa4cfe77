"""The LiteDRAM controller settings every probe build uses, in one place.

What an accelerator on the card would get is what the probe measures with:
these settings go into the build (ProbeSoC.add_probe_dram) and into the
manifest (`dram.controller`), and the bench's DDR figures are only valid for
them. LiteDRAM's defaults are the starting point; PROBE_CONTROLLER lists what
sailbench changes and why (figures from the DFI accounting, see
gateware/cores/dfi_accounting.py and docs/measurement.md).
"""
from __future__ import annotations

import copy

from litedram import modules as litedram_modules
from litedram.core.controller import ControllerSettings

# Fields of ControllerSettings that are plain data and worth recording.
RECORDED = ("cmd_buffer_depth", "cmd_buffer_buffered", "read_time", "write_time", "with_refresh",
            "refresh_postponing", "with_auto_precharge", "address_mapping", "bank_byte_alignment")

# What the probe changes from LiteDRAM's defaults, and why (DFI accounting on the simulated
# Versa-ECP5, 1 MiB sequential, datasheet tRFC):
# - refresh_postponing 8 (LiteDRAM default 1; JEDEC DDR3 allows up to 8 postponed REF): every
#   refresh closes all rows, and the multiplexer leaves REFRESH for READ, so a write stream pays
#   a read->write turnaround (read_latency cycles) and row re-opens after each one. Issued in
#   bursts of 8, that overhead is paid once per 8 tREFI instead of every tREFI.
PROBE_CONTROLLER: dict = {"refresh_postponing": 8}


# JEDEC DDR3 (JESD79-3) gives tRFC in ns by density: 1 Gb 110 ns, 2 Gb 160 ns, 4 Gb 260 ns,
# 8 Gb 350 ns. LiteDRAM's tables give some parts' tRFC in clocks at their top speed grade
# (MT41K64M16: 128 tCK = 160 ns at 800 MHz), which at the Versa's 150 MHz DRAM clock is
# 853 ns: 64 sys cycles per refresh instead of 9, 11 % of every DDR window (seen in the
# DFI accounting: refresh 12.4 % of a sequential write). The datasheet value is what the
# part needs, so the probe uses it. (ck, ns) as LiteDRAM's tables: the larger wins.
TIMING_FIXES: dict[str, dict] = {
    "MT41K64M16": {"tRFC": (None, 110)},    # 1 Gb (Micron MT41K64M16 datasheet: tRFC 110 ns)
    "MT41K256M16": {"tRFC": (None, 260)},   # 4 Gb (Micron MT41K256M16 datasheet: tRFC 260 ns)
}


def dram_module(name: str, sys_clk_hz: float, ratio: int):
    """The litedram module `name` for sys_clk_hz at 1:ratio, with TIMING_FIXES applied."""
    cls = getattr(litedram_modules, name)
    fixes = TIMING_FIXES.get(name)
    if fixes:
        grades = {}
        for grade, timings in cls.speedgrade_timings.items():
            fixed = copy.copy(timings)
            for key, value in fixes.items():
                setattr(fixed, key, value)
            grades[grade] = fixed
        cls = type(name, (cls,), {"speedgrade_timings": grades})
    return cls(sys_clk_hz, f"1:{ratio}")


def timing_manifest(module) -> dict:
    """The manifest's `dram.timings`: the controller's timings in sys cycles and the fixes applied."""
    t = module.timing_settings
    names = ("tRP", "tRCD", "tWR", "tWTR", "tREFI", "tRFC", "tFAW", "tCCD", "tRRD", "tRC", "tRAS", "tZQCS")
    out = {n: getattr(t, n, None) for n in names}
    name = type(module).__name__
    out["fixes"] = {k: list(v) for k, v in TIMING_FIXES.get(name, {}).items()}
    return out


def controller_settings(overrides: dict | None = None) -> ControllerSettings:
    """ControllerSettings with the probe's choices, then `overrides` (experiments, tests)."""
    kwargs = dict(PROBE_CONTROLLER)
    kwargs.update(overrides or {})
    return ControllerSettings(**kwargs)


def controller_manifest(settings: ControllerSettings) -> dict:
    """The manifest's `dram.controller` sub-dict: every recorded field, defaults included."""
    return {name: getattr(settings, name) for name in RECORDED}
