"""The checks every board profile passes, on the record: (field, why) or None.

Used by profiles.validate_profile (records, named by profile and field) and by
profile_file.read_profile (files, where the field is turned into the key and line
of the YAML it came from). LiteX-free.
"""
from __future__ import annotations

import re

from sailbench.gateware.profiles.dram_jedec import OVERRIDABLE, SPEED_BINS
from sailbench.gateware.profiles import (DRAM_RATIOS, HOST_PHYS, BoardProfile, channel_budget_error, ecp5_idcode,
                                         serdes_channels_of)

MEMTYPES = ("DDR3",)       # the types the JEDEC table covers (gateware/profiles/dram_jedec.py)
DRAM_IO_STANDARDS = ("SSTL135_I", "SSTL135_II", "SSTL15_I", "SSTL15_II")


def check_profile(p: BoardProfile) -> tuple[str, str] | None:
    """The first problem of profile `p` as (field, why), or None."""
    for check in (_basics, _dram, _serdes):
        problem = check(p)
        if problem is not None:
            return problem
    if not p.buildable:
        return None if p.not_buildable_reason else ("not_buildable_reason",
                                                    "a profile that is not buildable must say why")
    if ecp5_idcode(p.fpga) is None:
        return "fpga", f"'{p.fpga}' is not an ECP5 part number like LFE5UM5G-45F-8BG381C"
    if not p.platform and not p.pin_table:
        return "platform", "a buildable profile needs its pins: pins.platform (a LiteX platform module), pins.lpf or pins.map"
    return None


def _basics(p: BoardProfile) -> tuple[str, str] | None:
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", p.name):
        return "name", "use lower-case letters, digits and '-'"
    if p.sys_clk_hz <= 0:
        return "sys_clk_hz", f"must be a positive clock in Hz, not {p.sys_clk_hz}"
    if p.host_phy is not None and p.host_phy not in HOST_PHYS:
        return "host_phy", f"'{p.host_phy}' is not one of {', '.join(HOST_PHYS)} (or None)"
    if p.mac_address is not None and not re.fullmatch(r"([0-9a-f]{2}:){5}[0-9a-f]{2}", p.mac_address):
        return "mac_address", f"'{p.mac_address}' is not a MAC address like 10:e2:d5:00:00:00 (lower case)"
    return None


def _dram(p: BoardProfile) -> tuple[str, str] | None:
    d = p.dram
    if d is None:
        return None
    if d.data_width <= 0 or d.data_width % 8:
        return "dram.data_width", f"{d.data_width} bits is not a whole number of bytes"
    if d.ratio not in DRAM_RATIOS:
        return "dram.ratio", f"1:{d.ratio} is not one of " + ", ".join(f"1:{r}" for r in DRAM_RATIOS)
    if d.memtype not in MEMTYPES:
        return "dram.memtype", f"'{d.memtype}' has no JEDEC timing table here (one of {', '.join(MEMTYPES)})"
    if d.speed_bin is None or d.speed_bin not in SPEED_BINS:
        return "dram.speed_bin", (f"'{d.speed_bin}' is not a JEDEC DDR3 speed bin (e.g. DDR3-1600K); the timings "
                                  "come from the bin and the part's density, never from a default")
    if d.chip_width not in (4, 8, 16):
        return "dram.chip_width", f"x{d.chip_width} is not a DDR3 chip width (4, 8 or 16)"
    if d.io_standard not in DRAM_IO_STANDARDS:
        return "dram.io_standard", f"'{d.io_standard}' is not one of {', '.join(DRAM_IO_STANDARDS)}"
    for name, ns in d.timing_overrides:
        if name not in OVERRIDABLE or ns <= 0:
            return "dram.timings", f"{name}: {ns} is not a positive override of one of {', '.join(OVERRIDABLE)}"
    return None


def _serdes(p: BoardProfile) -> tuple[str, str] | None:
    have = serdes_channels_of(p.part) if p.part else p.serdes_channels
    if p.part and p.serdes_channels != have:
        return "serdes_channels", f"{p.part} has {have} SerDes channels, the profile says {p.serdes_channels}"
    sgmii = p.host_phy == "sgmii"
    used = list(p.lanes) + ([p.sgmii_channel] if sgmii and p.sgmii_channel else [])
    budget = channel_budget_error(p.part or p.fpga, len(p.lanes), sgmii) if p.part else None
    if budget:
        return "lanes", budget
    for c in used + list(p.optional_lanes):
        if c.channel not in (0, 1) or not 0 <= 2 * c.dual + c.channel < have:
            return "lanes", f"{c.name} is not one of the part's {have} SerDes channels"
    taken = [(c.dual, c.channel) for c in used + list(p.optional_lanes)]
    if len(set(taken)) != len(taken):
        return "lanes", "two uses of one SerDes channel"
    if sgmii and p.sgmii_channel is None:
        return "sgmii_channel", "an SGMII host link needs the SerDes channel it uses"
    if (used or p.optional_lanes) and p.serdes_refclk is None:
        return "serdes_refclk", "lanes or an SGMII channel need a SerDes reference clock"
    return _refclks(p, used + list(p.optional_lanes))


def _refclks(p: BoardProfile, channels: list) -> tuple[str, str] | None:
    """EXTREFB terminates on chip at 100 ohm or not at all; DCU1's own clock needs a DCU1 channel."""
    for name, r in (("serdes_refclk", p.serdes_refclk), ("serdes_refclk_dcu1", p.serdes_refclk_dcu1)):
        if r is not None and r.termination_ohm not in (None, 100):
            return name, (f"termination_ohm {r.termination_ohm}: the EXTREF input terminates on chip at 100 ohm "
                          "or not at all (leave it out when the board terminates the clock)")
    if p.serdes_refclk_dcu1 is not None and not any(c.dual == 1 for c in channels):
        return "serdes_refclk_dcu1", "a reference clock for DCU1 but no channel of DCU1 uses it"
    return None
