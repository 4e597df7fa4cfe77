"""The simulated bench pair as two boards: one Verilator process, two SoCs.

`open_sim_pair(...)` builds (cached) and starts the pair simulation inside a
network namespace and returns a `SimPair` whose `boards` are ordinary
`Board` objects (upstream, downstream), each connected to its own UART and
identifier-checked. Bench pods in other processes reach a board through
`pod_command_prefix()` (they must run inside the namespace) and
`uart_url(role)`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from sailbench.harness.board.board import SIM_UART_BURST, Board
from sailbench.harness.config.kind import BoardKind
from sailbench.harness.build.cache import ensure_pair_build
from sailbench.harness.build.manifest import BuildManifest, read_build_manifest
from sailbench.harness.config import BoardConfig
from sailbench.harness.transport.client import CsrClient
from sailbench.harness.transport.regmap import RegisterMap
from sailbench.harness.transport.uartbone import UartBone
from sailbench.harness.sim.simulator import SimBoard

ROLES = ("upstream", "downstream")


@dataclass
class SimPair:
    name: str
    build_dir: Path
    manifest: BuildManifest
    sim: SimBoard
    boards: dict[str, Board] = field(default_factory=dict)

    def uart_url(self, role: str) -> str:
        return self.sim.uart_url_of(self.manifest.boards[role].serial_index)

    def pod_command_prefix(self) -> list[str]:
        """Prefix for a pod process so it runs inside the pair's network namespace."""
        return self.sim.netns.exec_prefix()

    def csr_json(self, role: str) -> Path:
        return self.build_dir / self.manifest.boards[role].csr_json

    def board_manifest(self, role: str) -> BuildManifest:
        return self.manifest.for_role(role)

    def close(self) -> None:
        for b in self.boards.values():
            try:
                b.csr.close()
            except Exception:
                pass
        self.boards.clear()
        self.sim.stop()

    def __enter__(self) -> "SimPair":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def connect_role(pair_build: Path, manifest: BuildManifest, role: str, url: str, name: str,
                 timeout_s: float = 2.0) -> Board:
    """A Board for one role of a simulated pair, on `url` (call inside the pair's namespace)."""
    board_manifest = manifest.for_role(role)
    regmap = RegisterMap.from_json(pair_build / board_manifest.csr_json)
    scratch = regmap.register("ctrl_scratch").addr
    uart = UartBone(url, timeout_s=timeout_s, board=name, ack_addr=scratch, max_burst=SIM_UART_BURST)
    config = BoardConfig(name=name, kind=BoardKind.SIM, profile=manifest.profile)
    board = Board(name, config, pair_build, board_manifest, regmap, CsrClient(uart, regmap, name))
    board.check_identifier()
    return board


def open_sim_pair(name: str, profile: str, lanes: int, board_names: dict[str, str] | None = None,
                  progress: Callable[[str], None] = print, connect: bool = True,
                  line_rate_gbps: float = 1.25, coding: str = "8b10b") -> SimPair:
    build_dir = ensure_pair_build(profile, lanes, progress=progress, line_rate_gbps=line_rate_gbps, coding=coding)
    manifest = read_build_manifest(build_dir)
    sim = SimBoard(build_dir, manifest, board=name, uarts=len(ROLES)).start()
    pair = SimPair(name, build_dir, manifest, sim)
    try:
        if connect:
            names = board_names or {r: f"{name}-{r}" for r in ROLES}
            for role in ROLES:
                url = pair.uart_url(role)
                pair.boards[role] = sim.netns.run_inside(
                    lambda role=role, url=url: connect_role(build_dir, manifest, role, url, names[role]))
    except BaseException:
        pair.close()
        raise
    return pair
