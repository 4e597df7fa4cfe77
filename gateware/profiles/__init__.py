"""Board profiles: what a probe SoC is built for, read from data files.

A profile says which FPGA (part, package, speed grade), which clocks, which DRAM
(part, width, ratio, speed bin, datasheet overrides), which host-link PHY, which
SerDes channels carry what (lane, sgmii, free) and which cable loads the board.
One YAML file per board in gateware/boards/ (shipped as package data; see
docs/boards.md); more folders from $SAILBENCH_PROFILES, or a profile given by its
file path. Files are read and checked in one place (gateware/profiles/profile_file.py), with
errors naming the file, the key and its line. Adding a board needs no Python.

The SoC is composed from a profile (gateware/soc/probe_soc.py); the host converts cycles to
seconds and computes ceilings from the manifest the build exports from it.
"""
from __future__ import annotations

import os
import re
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from sailbench.gateware.profiles.profile_yaml import ProfileError

__all__ = ["ProfileError", "DramProfile", "SerDesChannel", "SerDesRefClk", "Cable", "BoardProfile", "get_profile",
           "buildable_profile", "validate_profile", "with_sys_clk", "profiles", "profile_names",
           "BOARDS_DIR", "ecp5_idcode", "serdes_channels_of", "channel_budget_error", "profile_dirs", "profile_files"]

BOARDS_DIR = Path(__file__).resolve().parents[1] / "boards"
ENV_PROFILES = "SAILBENCH_PROFILES"      # more profile folders, separated by os.pathsep


@dataclass(frozen=True)
class DramProfile:
    module: str            # the DRAM part; its geometry comes from litedram.modules (e.g. "MT41K64M16")
    memtype: str           # "DDR3" (DDR3L is DDR3 at 1.35 V: io_standard SSTL135)
    data_width: int        # DQ bits wired on the board (16 = x16)
    ratio: int             # sys clock : DRAM clock ratio, 2 means 1:2 (ECP5DDRPHY)
    speed_bin: str | None = None      # JEDEC speed bin, e.g. "DDR3-1600K": tRCD, tRP, CL (gateware/soc/dram_settings.py)
    chip_width: int | None = None     # DQ bits per chip (x16); with the geometry it gives the density
    io_standard: str = "SSTL135_I"    # SSTL135 (DDR3L, 1.35 V) or SSTL15 (DDR3, 1.5 V)
    timing_overrides: tuple[tuple[str, float], ...] = ()   # datasheet values (ns) over the JEDEC table
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

    `tx_pads`/`rx_pads` name platform resources with p/n subsignals (the Versa's "sma_tx"), or
    "resource:prefix" for a resource whose subsignals are prefix_p/prefix_n ("pcie_x1:tx"). nextpnr
    places the DCU by the channel, not by the pins. `use` is lane, sgmii or free."""
    tx_pads: str
    rx_pads: str
    dual: int = 0                  # DCU index
    channel: int = 0               # channel within the DCU (0 or 1)
    tx_polarity: int = 0
    rx_polarity: int = 0
    use: str = "lane"
    optional: bool = False         # a lane the board has but a default build leaves out
    connector: str = ""            # what the channel is wired to ("SMA", "PCIe x1 edge", "SATA")
    termination_ohm: int | None = None   # the channel's CML termination per leg (DCU CHx_RTERM_RX/TX)

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
    # EXTREFB's on-chip termination: 100 (ohm, differential, REFCK_RTERM on) or None (off: the board
    # terminates the reference, as the ECPIX-5 does)
    termination_ohm: int | None = None


@dataclass(frozen=True)
class Cable:
    """How the bench reaches the board's JTAG and UART: openFPGALoader's cable name, the USB
    vendor:product of the debugger and which of its interfaces carries the UART."""
    revision: str                  # the board revision this cable belongs to ("R02"), "" when one only
    openfpgaloader: str            # --cable name
    usb_id: str                    # "0403:6010"
    uart_interface: int            # USB interface number of the UART (the tty's ...-if01-port0)
    jtag_interface: int = 0


@dataclass(frozen=True)
class BoardProfile:
    name: str
    description: str
    fpga: str                      # device string for the toolchain ("LFE5UM5G-45F-8BG381C")
    package: str
    sys_clk_hz: int                # nominal system clock, turns cycles into seconds
    dram: DramProfile | None
    host_phy: str | None           # "rgmii", "sgmii" or None
    serdes_channels: int = 0       # the part's SerDes channels (2 per DCU)
    platform: str | None = None    # python module of the LiteX platform (pins), if not `pins_file`
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
    part: str = ""                 # "LFE5UM5G-45F"
    speed_grade: int = 8
    optional_lanes: tuple[SerDesChannel, ...] = ()   # lanes the board has beyond a default build's
    free_channels: tuple[str, ...] = ()              # channels the profile marks free ("DCU1 CH0")
    mac_address: str | None = None                   # the build's default MAC (lab.yaml may set one per board)
    cables: tuple[Cable, ...] = ()                   # per board revision; the first is the default
    pins_file: str | None = None                     # where the pin table came from: an LPF beside the file, "(map)"
    # The pins when not a platform module's: (resource, index, subsignal, bit, ball, io, misc) per ball
    pin_table: tuple[tuple, ...] = ()
    clk_in_hz: float = 100e6                         # the oscillator's frequency (pin-table platforms)

    @property
    def has_ethernet(self) -> bool:
        return self.host_phy is not None

    def to_dict(self) -> dict:
        return asdict(self)

    @property
    def jtag_idcode(self) -> int | None:
        """The IDCODE the FPGA answers on JTAG (what openFPGALoader --detect prints)."""
        return ecp5_idcode(self.fpga)

    def cable(self, revision: str | None = None) -> Cable | None:
        """The cable of board revision `revision` (None: the default, the first listed)."""
        if revision is None:
            return self.cables[0] if self.cables else None
        return next((c for c in self.cables if c.revision == revision), None)


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


def serdes_channels_of(part: str) -> int:
    """SerDes channels of an ECP5 part (Lattice DS1044): none on LFE5U, one DCU (2 channels) on
    the 25F, two DCUs (4 channels) on the 45F and 85F."""
    family, _, size = part.partition("-")
    if family not in ("LFE5UM", "LFE5UM5G"):
        return 0
    return 2 if size == "25F" else 4


def channel_budget_error(part: str, lanes: int, sgmii: bool) -> str | None:
    """One line if `lanes` inter-card lanes (plus an SGMII host link) need more SerDes channels
    than `part` has, naming the count and the options; None when they fit."""
    have = serdes_channels_of(part)
    need = lanes + (1 if sgmii else 0)
    if need <= have:
        return None
    asked = f"{lanes} lane{'s' if lanes != 1 else ''}" + (" and an SGMII host link" if sgmii else "")
    if have == 0:
        return f"{asked} need {need} SerDes channels but {part} has none (an LFE5U has no DCU)"
    return (f"{asked} need {need} SerDes channels but {part} has {have} ({have // 2} DCU"
            f"{'s' if have > 2 else ''} x 2); options: {have} lanes with an RGMII host link, "
            f"or SGMII plus {have - 1} lane{'s' if have - 1 != 1 else ''}")


# --- the registry -------------------------------------------------------------------

def profile_dirs() -> list[Path]:
    """Where profile files are looked for: gateware/boards/, then $SAILBENCH_PROFILES's folders."""
    extra = [Path(p).expanduser() for p in os.environ.get(ENV_PROFILES, "").split(os.pathsep) if p]
    return [BOARDS_DIR, *extra]


_cache: dict[tuple, dict[str, BoardProfile]] = {}


def profile_files() -> list[Path]:
    """Every profile file of the profile folders (profile_dirs()), folder by folder, sorted by name."""
    files = []
    for d in profile_dirs():
        if d.is_dir():
            files.extend(sorted(d.glob("*.yaml")))
    return files


def profiles() -> dict[str, BoardProfile]:
    """Every profile of the profile folders, by name (read again when a file changes)."""
    from sailbench.gateware.profiles.profile_file import read_profile
    files = profile_files()
    key = tuple((str(f), f.stat().st_mtime_ns) for f in files)
    if key not in _cache:
        found: dict[str, BoardProfile] = {}
        where: dict[str, Path] = {}
        for f in files:
            p = read_profile(f)
            if p.name in found:
                raise ProfileError(f"profile '{p.name}' is also defined by {where[p.name]}", path=str(f))
            found[p.name], where[p.name] = p, f
        _cache.clear()
        _cache[key] = found
    return _cache[key]


def profile_names() -> list[str]:
    return sorted(profiles())


def is_profile_path(name: str) -> bool:
    return name.endswith((".yaml", ".yml")) or os.sep in name


def get_profile(name: str) -> BoardProfile:
    """A profile by name, or by the path of its file (`boards/rev-b.yaml`)."""
    if is_profile_path(name):
        from sailbench.gateware.profiles.profile_file import read_profile
        return read_profile(Path(name).expanduser())
    known = profiles()
    try:
        return known[name]
    except KeyError:
        raise ProfileError(f"unknown board profile '{name}'; known profiles: {', '.join(sorted(known))}") from None


def with_sys_clk(p: BoardProfile, sys_clk_hz: int | None) -> BoardProfile:
    """The profile at another sys clock (a build option: lab.yaml sim.sys_clk_hz, the DDR clock
    sweep, an ECP5 build's --sys-clk-hz). The DRAM clock follows it (ratio). None: unchanged."""
    if not sys_clk_hz or sys_clk_hz == p.sys_clk_hz:
        return p
    if sys_clk_hz <= 0:
        raise ProfileError(f"profile '{p.name}': sys clock override {sys_clk_hz} Hz is not a positive clock")
    return replace(p, sys_clk_hz=int(sys_clk_hz))


def validate_profile(p: BoardProfile) -> None:
    """Check a profile record (also one built in Python); raises ProfileError naming the profile and
    the field. Profile files get the same checks with their file and line (profile_file.py)."""
    from sailbench.gateware.profiles.profile_checks import check_profile
    problem = check_profile(p)
    if problem is not None:
        field_name, why = problem
        raise ProfileError(f"profile '{p.name}': {field_name}: {why}")


def buildable_profile(name: str) -> BoardProfile:
    """The profile, checked and buildable; otherwise a ProfileError saying why not."""
    p = get_profile(name)
    validate_profile(p)
    if not p.buildable:
        raise ProfileError(f"profile '{p.name}' cannot be built: {p.not_buildable_reason}")
    return p
