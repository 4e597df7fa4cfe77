"""Board profiles: pure data describing what a probe SoC is built for.

A profile says which FPGA, which clocks, which DRAM (module, width, ratio),
which host-link PHY and how many SerDes channels a board has. The SoC is
composed from it (gateware/soc.py); the host converts cycles to seconds and
computes ceilings from the manifest the build exports from it.

Adding a board revision = a platform (litex-boards or a local file) plus an
entry in PROFILES. See README "Adding a new board revision".
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field


class ProfileError(Exception):
    """A profile is unknown, malformed or not buildable yet."""


@dataclass(frozen=True)
class DramProfile:
    module: str            # litedram.modules class name, e.g. "MT41K64M16"
    memtype: str           # "DDR3"
    data_width: int        # DQ bits wired on the board (16 = x16)
    ratio: int             # sys clock : DRAM clock ratio, 2 means 1:2 (ECP5DDRPHY)

    def transfers_per_s(self, sys_clk_hz: int) -> int:
        """DDR: two transfers per DRAM clock; DRAM clock = ratio x sys clock."""
        return sys_clk_hz * self.ratio * 2

    def peak_bytes_per_s(self, sys_clk_hz: int) -> int:
        return self.transfers_per_s(sys_clk_hz) * self.data_width // 8


@dataclass(frozen=True)
class BoardProfile:
    name: str
    description: str
    fpga: str                      # device string for the toolchain
    package: str
    sys_clk_hz: int                # nominal system clock, turns cycles into seconds
    dram: DramProfile | None
    host_phy: str | None           # "rgmii", "sgmii" or None
    serdes_channels: int = 0
    platform: str | None = None    # python module of the LiteX platform
    buildable: bool = True
    not_buildable_reason: str = ""
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def has_ethernet(self) -> bool:
        return self.host_phy is not None

    def to_dict(self) -> dict:
        return asdict(self)


VERSA_ECP5 = BoardProfile(
    name="versa-ecp5",
    description="Lattice Versa-ECP5 dev board (LFE5UM5G-45F), proxy for the sail card",
    fpga="LFE5UM5G-45F-8BG381C",
    package="CABGA381",
    sys_clk_hz=75_000_000,
    dram=DramProfile(module="MT41K64M16", memtype="DDR3", data_width=16, ratio=2),
    host_phy="rgmii",
    serdes_channels=2,
    platform="litex_boards.platforms.lattice_versa_ecp5",
)

SAIL_REVA = BoardProfile(
    name="sail-reva",
    description="InnerJib7EA rev-A sail card (LFE5UM5G-85F), DDR3L SO-DIMM wired x16",
    fpga="LFE5UM5G-85F-8BG756C",
    package="BG756 or BG381 (documents disagree)",
    sys_clk_hz=75_000_000,
    dram=DramProfile(module="MT41K64M16", memtype="DDR3", data_width=16, ratio=2),
    host_phy="sgmii",
    serdes_channels=4,
    platform=None,
    buildable=False,
    not_buildable_reason="no pin map yet for InnerJib7EA rev-A; add a platform file and set buildable",
)

PROFILES: dict[str, BoardProfile] = {p.name: p for p in (VERSA_ECP5, SAIL_REVA)}


def get_profile(name: str) -> BoardProfile:
    try:
        return PROFILES[name]
    except KeyError:
        known = ", ".join(sorted(PROFILES))
        raise ProfileError(f"unknown board profile '{name}'; known profiles: {known}") from None
