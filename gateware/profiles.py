"""Board profiles: pure data describing what a probe SoC is built for.

A profile says which FPGA, which clocks, which DRAM (module, width, ratio),
which host-link PHY and how many SerDes channels a board has. The SoC is
composed from it (gateware/soc.py); the host converts cycles to seconds and
computes ceilings from the manifest the build exports from it.

Adding a board revision = a platform (litex-boards or a local file) plus an
entry in PROFILES. See README "Adding a new board revision".
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field


class ProfileError(Exception):
    """A profile is unknown, malformed or not buildable yet."""


@dataclass(frozen=True)
class DramProfile:
    module: str            # litedram.modules class name, e.g. "MT41K64M16"
    memtype: str           # "DDR3"
    data_width: int        # DQ bits wired on the board (16 = x16)
    ratio: int             # sys clock : DRAM clock ratio, 2 means 1:2 (ECP5DDRPHY)
    # The FPGA family's DDR3 rate limit per pin (transfers/s): ECP5 DDR3 is specified to
    # 800 Mb/s per pin (Lattice DS1044, FPGA-TN-02035). What no DDR clock can exceed.
    max_transfers_per_s: int = 800_000_000

    def transfers_per_s(self, sys_clk_hz: int) -> int:
        """DDR: two transfers per DRAM clock; DRAM clock = ratio x sys clock."""
        return sys_clk_hz * self.ratio * 2

    def peak_bytes_per_s(self, sys_clk_hz: int) -> int:
        return self.transfers_per_s(sys_clk_hz) * self.data_width // 8

    @property
    def max_peak_bytes_per_s(self) -> int:
        return self.max_transfers_per_s * self.data_width // 8


@dataclass(frozen=True)
class SerDesChannel:
    """One ECP5 SerDes channel wired to a connector: which DCU and channel, which pads.

    `tx_pads`/`rx_pads` name platform resources with p/n subsignals (e.g. the Versa's
    "sma_tx"/"sma_rx"). nextpnr places the DCU by the channel, not by the pins."""
    tx_pads: str
    rx_pads: str
    dual: int = 0                  # DCU index
    channel: int = 0               # channel within the DCU (0 or 1)
    tx_polarity: int = 0
    rx_polarity: int = 0

    @property
    def name(self) -> str:
        return f"DCU{self.dual} CH{self.channel}"


@dataclass(frozen=True)
class SerDesRefClk:
    """The DCU reference clock: an EXTREFB on `pads` (platform resource and index), `hz`,
    and platform pins to drive high first (the clock generator's enable and reset_n)."""
    pads: str
    index: int
    hz: float
    loc: str = "EXTREF0"
    enables: tuple[str, ...] = ()
    rterm: bool = True             # EXTREFB's 100 ohm termination on (False: terminated on the board)


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
    platform_device: str | None = None   # its `Platform(device=...)` argument, if it takes one
    clk_in: str = "clk100"         # board oscillator pad the CRG's PLL runs from
    eth_phy: int = 0               # which RGMII PHY of the platform carries Etherbone
    rgmii_tx_delay_ns: float = 2.0 # FPGA-side RGMII delays (0 where the PHY chip adds them)
    rgmii_rx_delay_ns: float = 2.0
    lanes: tuple[SerDesChannel, ...] = ()         # SerDes channels carrying inter-card lanes (lane 0, 1, ...)
    sgmii_channel: SerDesChannel | None = None   # where an SGMII host link goes (build option on RGMII boards)
    serdes_refclk: SerDesRefClk | None = None     # the reference clock of lanes and SGMII (1.25 Gbaud)
    serdes_refclk_dcu1: SerDesRefClk | None = None   # DCU1's own reference clock (None: serdes_refclk feeds it)
    buildable: bool = True
    not_buildable_reason: str = ""
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def has_ethernet(self) -> bool:
        return self.host_phy is not None

    def to_dict(self) -> dict:
        return asdict(self)

    @property
    def jtag_idcode(self) -> int | None:
        """The IDCODE the FPGA answers on JTAG (what openFPGALoader --detect prints)."""
        return ecp5_idcode(self.fpga)


# JTAG IDCODEs of the ECP5 family (Lattice TN1260; openFPGALoader --list-fpga).
ECP5_IDCODES: dict[tuple[str, str], int] = {
    ("LFE5U", "12F"): 0x21111043, ("LFE5U", "25F"): 0x41111043,
    ("LFE5U", "45F"): 0x41112043, ("LFE5U", "85F"): 0x41113043,
    ("LFE5UM", "25F"): 0x01111043, ("LFE5UM", "45F"): 0x01112043, ("LFE5UM", "85F"): 0x01113043,
    ("LFE5UM5G", "25F"): 0x81111043, ("LFE5UM5G", "45F"): 0x81112043, ("LFE5UM5G", "85F"): 0x81113043,
}
_FPGA_RE = re.compile(r"(LFE5U|LFE5UM|LFE5UM5G)-(12F|25F|45F|85F)-([678])([A-Z]+)(\d+)([CI])")
HOST_PHYS = ("rgmii", "sgmii")
DRAM_RATIOS = (1, 2, 4)


def ecp5_idcode(fpga: str) -> int | None:
    m = _FPGA_RE.fullmatch(fpga)
    return ECP5_IDCODES.get((m.group(1), m.group(2))) if m else None


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
    platform_device="LFE5UM5G",
    eth_phy=0,
    rgmii_tx_delay_ns=0.0,         # litex-boards: the Versa's 88E1512 adds the RGMII delays
    rgmii_rx_delay_ns=0.0,
    # Two Versas cabled SMA-to-SMA are a one-lane pair. Pins, channel and the 156.25 MHz
    # reference clock (the board's clock generator on refclk 1, EXTREF0) as in liteiclink's
    # bench/serdes/versa_ecp5.py at 1.25 Gbaud.
    lanes=(SerDesChannel(tx_pads="sma_tx", rx_pads="sma_rx", dual=0, channel=1),),
    # No SGMII PHY on the Versa: the build option puts it on the SMA channel (then no lane),
    # which is what checks that SGMII closes timing on the LFE5UM5G-45F.
    sgmii_channel=SerDesChannel(tx_pads="sma_tx", rx_pads="sma_rx", dual=0, channel=1),
    serdes_refclk=SerDesRefClk(pads="refclk", index=1, hz=156.25e6, loc="EXTREF0",
                               enables=("refclk_en", "refclk_rst_n")),
)

ECPIX5 = BoardProfile(
    name="ecpix5",
    description="LambdaConcept ECPIX-5 (LFE5UM5G-85F, the sail card's FPGA), DDR3 x16, RGMII GbE",
    fpga="LFE5UM5G-85F-8BG554I",
    package="CABGA554",
    sys_clk_hz=75_000_000,
    dram=DramProfile(module="MT41K256M16", memtype="DDR3", data_width=16, ratio=2),
    host_phy="rgmii",
    serdes_channels=4,
    platform="litex_boards.platforms.lambdaconcept_ecpix5",
    platform_device="85F",
    rgmii_tx_delay_ns=2.0,         # litex-boards: FPGA delays TX, the PHY delays RX
    rgmii_rx_delay_ns=0.0,
    # The SATA connector is the board's one SerDes lane (litex-boards resource `sata`: DCU1 CH0),
    # from its 100 MHz reference clock (EXTREF1, terminated on the board), as liteiclink's
    # bench/serdes/ecpix5.py runs it at 1.25 Gb/s.
    lanes=(SerDesChannel(tx_pads="sata:tx", rx_pads="sata:rx", dual=1, channel=0),),
    serdes_refclk=SerDesRefClk(pads="sata:clk", index=0, hz=100e6, loc="EXTREF1", rterm=False),
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

SAIL_LANES = BoardProfile(
    name="sail-lanes",
    description="The sail card's FPGA (LFE5UM5G-85F) with its 4 inter-card lanes only: both channels of both "
                "DCUs, no DRAM, no host link (a timing build; SerDes pins are dedicated, no board pin map needed)",
    fpga="LFE5UM5G-85F-8BG381C",
    package="CABGA381",
    sys_clk_hz=75_000_000,
    dram=None,
    host_phy=None,
    serdes_channels=4,
    platform="sailbench.gateware.ecp5_lanes_platform",
    lanes=tuple(SerDesChannel(tx_pads=f"dcu{d}_ch{c}_tx", rx_pads=f"dcu{d}_ch{c}_rx", dual=d, channel=c)
                for d in (0, 1) for c in (0, 1)),
    # 156.25 MHz as on the Versa (x8 -> 1.25 GHz); each DCU from its own REFCLK pads.
    serdes_refclk=SerDesRefClk(pads="refclk", index=0, hz=156.25e6, loc="EXTREF0"),
    serdes_refclk_dcu1=SerDesRefClk(pads="refclk", index=1, hz=156.25e6, loc="EXTREF1"),
)

PROFILES: dict[str, BoardProfile] = {p.name: p for p in (VERSA_ECP5, ECPIX5, SAIL_REVA, SAIL_LANES)}


def get_profile(name: str) -> BoardProfile:
    try:
        return PROFILES[name]
    except KeyError:
        known = ", ".join(sorted(PROFILES))
        raise ProfileError(f"unknown board profile '{name}'; known profiles: {known}") from None


def with_sys_clk(p: BoardProfile, sys_clk_hz: int | None) -> BoardProfile:
    """The profile at another sys clock (a build option: lab.yaml sim.sys_clk_hz, the DDR clock
    sweep, an ECP5 build's --sys-clk-hz). The DRAM clock follows it (ratio). None: unchanged."""
    if not sys_clk_hz or sys_clk_hz == p.sys_clk_hz:
        return p
    if sys_clk_hz <= 0:
        raise ProfileError(f"profile '{p.name}': sys clock override {sys_clk_hz} Hz is not a positive clock")
    from dataclasses import replace
    return replace(p, sys_clk_hz=int(sys_clk_hz))


def validate_profile(p: BoardProfile) -> None:
    """Check a profile's data; raises ProfileError naming the profile and the field."""
    def bad(field_name: str, why: str) -> ProfileError:
        return ProfileError(f"profile '{p.name}': {field_name}: {why}")
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", p.name):
        raise bad("name", "use lower-case letters, digits and '-'")
    if p.sys_clk_hz <= 0:
        raise bad("sys_clk_hz", f"must be a positive clock in Hz, not {p.sys_clk_hz}")
    if p.host_phy is not None and p.host_phy not in HOST_PHYS:
        raise bad("host_phy", f"'{p.host_phy}' is not one of {', '.join(HOST_PHYS)} (or None)")
    if p.dram is not None:
        d = p.dram
        if d.data_width <= 0 or d.data_width % 8:
            raise bad("dram.data_width", f"{d.data_width} bits is not a whole number of bytes")
        if d.ratio not in DRAM_RATIOS:
            raise bad("dram.ratio", f"1:{d.ratio} is not one of " + ", ".join(f"1:{r}" for r in DRAM_RATIOS))
        if d.memtype not in ("DDR3", "DDR2", "LPDDR", "SDR", "DDR"):
            raise bad("dram.memtype", f"'{d.memtype}' is not a LiteDRAM memory type")
    if not p.buildable:
        if not p.not_buildable_reason:
            raise bad("not_buildable_reason", "a profile that is not buildable must say why")
        return
    if ecp5_idcode(p.fpga) is None:
        raise bad("fpga", f"'{p.fpga}' is not an ECP5 part number like LFE5UM5G-45F-8BG381C")
    if not p.platform:
        raise bad("platform", "a buildable profile needs a LiteX platform module (litex_boards.platforms.* "
                              "or gateware.platforms.*)")
    if p.serdes_channels not in (0, 2, 4):
        raise bad("serdes_channels", f"an ECP5-5G has 0, 2 or 4 SerDes channels (1 or 2 DCUs), not {p.serdes_channels}")
    used = [c for c in p.lanes] + ([p.sgmii_channel] if p.sgmii_channel else [])
    for c in used:
        if c.channel not in (0, 1) or not 0 <= 2 * c.dual + c.channel < p.serdes_channels:
            raise bad("lanes", f"{c.name} is not one of the board's {p.serdes_channels} SerDes channels")
    if len({(c.dual, c.channel) for c in p.lanes}) != len(p.lanes):
        raise bad("lanes", "two lanes on one SerDes channel")
    if used and p.serdes_refclk is None:
        raise bad("serdes_refclk", "lanes or an SGMII channel need a SerDes reference clock")


def buildable_profile(name: str) -> BoardProfile:
    """The profile, checked and buildable; otherwise a ProfileError saying why not."""
    p = get_profile(name)
    validate_profile(p)
    if not p.buildable:
        raise ProfileError(f"profile '{p.name}' cannot be built: {p.not_buildable_reason}")
    return p
