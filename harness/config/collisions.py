"""Hardware boards that would collide on the network: the same IP address, the same MAC address, or
one subnet on one host with no interface named for each (the host could not tell which NIC reaches
which board: Etherbone and host-link sockets bind to `etherbone.interface`).

A subnet here is the board address's /24 (what a bench link usually is). The host is the board's
labgrid exporter host (`labgrid.host`), else this PC. Each problem is one ConfigError naming both
boards, the key and the line of the second board's key.
"""
from __future__ import annotations

import ipaddress
from typing import Any

from sailbench.harness.config.loading import PositionedMap
from sailbench.harness.config.records import BoardConfig
from sailbench.harness.config.validation import SectionReader

SUBNET_PREFIX = 24


def subnet(ip: str) -> ipaddress.IPv4Network:
    return ipaddress.IPv4Network(f"{ip}/{SUBNET_PREFIX}", strict=False)


def board_host(board: BoardConfig) -> str:
    """Where the board's NIC is: its exporter host, else this PC."""
    return board.labgrid.host if board.labgrid is not None and board.labgrid.host else "this PC"


def _line(boards_map: PositionedMap, name: str, key: str) -> int:
    body: Any = boards_map.get(name)
    if not isinstance(body, PositionedMap):
        return boards_map.lines.get(name, 0)
    eb = body.get("etherbone")
    if isinstance(eb, PositionedMap) and key in eb.lines:
        return eb.lines[key]
    return body.lines.get("etherbone", boards_map.lines.get(name, 0))


def check_no_collisions(r: SectionReader, boards_map: PositionedMap, boards: dict[str, BoardConfig]) -> None:
    """Refuse the first pair of hardware boards that share an IP, a MAC, or a subnet on one host
    without both interfaces named."""
    seen: list[BoardConfig] = []
    for board in boards.values():
        if board.kind != "hardware" or board.etherbone is None:
            continue
        e = board.etherbone
        for other in seen:
            o = other.etherbone
            both = f"boards '{other.name}' and '{board.name}'"
            if e.ip == o.ip:
                raise r.error(f"{both} both have etherbone.ip {e.ip}; give each board its own address",
                              f"boards.{board.name}.etherbone.ip", _line(boards_map, board.name, "ip"))
            if e.mac is not None and e.mac == o.mac:
                raise r.error(f"{both} both have etherbone.mac {e.mac}; give each board its own MAC (or drop "
                              "etherbone.mac: the default is derived from the board's name)",
                              f"boards.{board.name}.etherbone.mac", _line(boards_map, board.name, "mac"))
            if board_host(board) == board_host(other) and subnet(e.ip) == subnet(o.ip) \
                    and not (e.interface and o.interface):
                raise r.error(f"{both} are both on {subnet(e.ip)} on {board_host(board)} and "
                              f"{'neither names' if not (e.interface or o.interface) else 'not both name'} "
                              "its etherbone.interface: name each board's NIC, or put the boards on "
                              "different subnets", f"boards.{board.name}.etherbone.interface",
                              _line(boards_map, board.name, "interface"))
        seen.append(board)
