"""--ddr-length / --ddr-base against the boards' DRAM, checked before any board opens.

A board's DRAM size follows from its profile: a Micron-style part name MT41K<depth>M<width> says
<depth> Mi words of <width> bits per chip, and the board wires `data_width` DQ bits, so the DRAM
holds depth x 2^20 x data_width / 8 bytes: the size LiteX gives main_ram (banks x rows x columns
from litedram.modules times the data width; tests/unit/test_cli_messages.py checks both agree for
every shipped profile, without the harness importing LiteDRAM). A region past the end is refused
here, naming the option, instead of by the DDR probe once the board is open. A part named otherwise
is left to the probe.
"""
from __future__ import annotations

import re

from sailbench.harness.config import Lab
from sailbench.harness.errors import ConfigError


def dram_bytes(profile_name: str) -> int | None:
    """The DRAM bytes of a board with this profile; None when it has no DRAM or the size is unknown
    (an unknown profile or part is reported by the open itself, with its file and key)."""
    try:
        from sailbench.gateware.profiles import get_profile
        dram = get_profile(profile_name).dram
    except Exception:                  # noqa: BLE001 - the board's own open names the profile problem
        return None
    m = PART_DEPTH_WIDTH.fullmatch(dram.module) if dram is not None else None
    if m is None:
        return None
    return int(m.group(1)) * (1 << 20) * dram.data_width // 8


PART_DEPTH_WIDTH = re.compile(r"MT4[01][A-Z](\d+)M(\d+)")     # MT41K64M16: 64 Mi words x 16 bits


def _mib(n: int) -> str:
    return f"{n >> 20} MiB" if n >= 1 << 20 and not n % (1 << 20) else f"{n} B"


def check_ddr_region(lab: Lab, boards: list[str], length: int, base: int) -> None:
    """ConfigError naming --ddr-length or --ddr-base when the region does not fit a board's DRAM."""
    for name in boards:
        cfg = lab.boards.get(name)
        if cfg is None or (cfg.kind.simulated and cfg.sim is not None and not cfg.sim.dram):
            continue
        size = dram_bytes(cfg.profile)
        if size is None:
            continue
        if length > size:
            raise ConfigError(f"--ddr-length {_mib(length)} is more than board '{name}' has: {_mib(size)} of DRAM "
                              f"(profile {cfg.profile})", hint=f"use --ddr-length {_mib(size)} or less")
        if base + length > size:
            raise ConfigError(f"--ddr-base 0x{base:x}: the region 0x{base:x}+{_mib(length)} ends past the "
                              f"{_mib(size)} of DRAM of board '{name}' (0x0-0x{size - 1:x}, profile {cfg.profile})",
                              hint=f"use --ddr-base 0x{size - length:x} or lower (a multiple of the length)")
