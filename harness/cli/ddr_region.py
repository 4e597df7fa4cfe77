"""--ddr-length / --ddr-base against the boards' DRAM, checked before any board opens.

A board's DRAM size follows from its profile: the part's geometry in litedram.modules (banks x rows
x columns) times the DQ bits the board wires, the same size LiteX gives main_ram. A region past
the end is refused here, naming the option, instead of by the DDR probe once the board is open.
"""
from __future__ import annotations

from sailbench.harness.config import Lab
from sailbench.harness.errors import ConfigError


def dram_bytes(profile_name: str) -> int | None:
    """The DRAM bytes of a board with this profile; None when it has no DRAM or the size is unknown
    (an unknown profile or part is reported by the open itself, with its file and key)."""
    try:
        from litedram import modules
        from sailbench.gateware.profiles import get_profile
        dram = get_profile(profile_name).dram
    except Exception:                  # noqa: BLE001 - the board's own open names the profile problem
        return None
    part = getattr(modules, dram.module, None) if dram is not None else None
    if part is None or not all(hasattr(part, a) for a in ("nbanks", "nrows", "ncols")):
        return None
    return part.nbanks * part.nrows * part.ncols * dram.data_width // 8


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
