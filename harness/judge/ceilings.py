"""The UDP goodput a link can carry at a given payload size (the host-link ceiling).

Per frame the wire carries preamble + max(min frame, headers + payload) + FCS
+ inter-frame gap; goodput = payload / that x line rate. For real GbE:
8 + (14 + 20 + 8 + payload) + 4 + 12 = payload + 66 bytes, so 1472-byte
payloads reach 1472 / 1538 x 125 MB/s = 119.6 MB/s. The simulated board's
TAP carries no preamble or FCS (its manifest says so), so its ceiling differs.
"""
from __future__ import annotations

from typing import Protocol

from sailbench.gateware.build.manifest import GBE as GBE_FRAME_COST


class Wire(Protocol):
    """What one frame costs on a link (the build manifest's HostLinkInfo is one)."""
    line_rate_bytes_per_s: int
    preamble_bytes: int
    fcs_bytes: int
    header_bytes: int
    min_frame_bytes: int
    tx_gap_bytes: int
    rx_gap_bytes: int


BOARD_TO_HOST, HOST_TO_BOARD = "board_to_host", "host_to_board"      # the host link's two directions
HOST_LINK_DIRECTIONS = (BOARD_TO_HOST, HOST_TO_BOARD)
GBE = GBE_FRAME_COST     # real GbE (gateware/build/manifest.py holds the numbers; a board's manifest carries its own)


def frame_bytes_on_wire(payload: int, link: Wire, direction: str) -> int:
    gap = link.tx_gap_bytes if direction == BOARD_TO_HOST else link.rx_gap_bytes
    body = max(link.min_frame_bytes, link.header_bytes + payload)
    return link.preamble_bytes + body + link.fcs_bytes + gap


def udp_ceiling_bytes_per_s(payload: int, link: Wire | None = None, direction: str = BOARD_TO_HOST) -> float:
    link = link or GBE
    return payload / frame_bytes_on_wire(payload, link, direction) * link.line_rate_bytes_per_s
