"""A board the harness talks to: its build, its CSR clients, its identity.

`Board` is what a caller measures with: the build it runs (manifest,
register map), its CSR clients and, for a simulated board, the simulator
process. harness/board/lifecycle.py moves a board through its states (built,
loaded, identified, DRAM ready: `open_board` goes the whole way) and
harness/board/factory.py holds the board's lock around that
(`open_locked_board`).

The primary CSR client (`csr`) is UARTBone when the board has a serial
port, else Etherbone; `primary_link` names which, and `clients()` lists each
link once under its own name.
"""
from __future__ import annotations

import socket
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from sailbench.harness.build.manifest import BuildManifest
from sailbench.harness.config import BoardConfig
from sailbench.harness.errors import BoardError, IdentifierMismatchError
from sailbench.harness.sim.simulator import SimBoard
from sailbench.harness.transport.client import CsrClient
from sailbench.harness.transport.etherbone import EtherboneLink
from sailbench.harness.transport.regmap import RegisterMap
from sailbench.harness.transport.uartbone import UartBone, rx_fifo_bytes_of
from sailbench.harness.sim.serial_latency import sim_uart_url

if TYPE_CHECKING:
    from sailbench.harness.board.dram_init import DramInitResult
    from sailbench.harness.board.loader import LoadResult

UART, ETHERBONE = "uart", "etherbone"
SIM_UART_BURST = 255
WRITE_COUNTER = "etherbone_writes_count"   # serial2tcp has no baud rate: bursts are only limited by the protocol


@dataclass
class Board:
    name: str
    config: BoardConfig
    build_dir: Path
    manifest: BuildManifest
    regmap: RegisterMap
    csr: CsrClient                         # primary client: UARTBone, or Etherbone on a board with no serial port
    etherbone: CsrClient | None = None     # the Etherbone client when the board has Ethernet (may be `csr` itself)
    sim: SimBoard | None = None            # the simulator process of a simulated board started by this open
    primary_link: str = UART               # what `csr` is: UART or ETHERBONE
    identifier: str = ""
    timings: dict[str, float] = field(default_factory=dict)
    load: LoadResult | None = None         # when this open loaded the bitstream (hardware)
    dram_init: DramInitResult | None = None  # when the host brought the DRAM up (hardware with DRAM)

    @property
    def profile(self) -> str:
        return self.manifest.profile

    @property
    def build_hash(self) -> str:
        return self.manifest.hash

    @property
    def nominal_sys_clk_hz(self) -> int:
        return int(self.manifest.sys_clk_hz)

    @property
    def is_sim(self) -> bool:
        return self.config.kind.simulated

    @property
    def port(self) -> str:
        return self.csr.transport.name

    def check_identifier(self) -> str:
        """Read the identifier over the primary link; IdentifierMismatchError unless it is this build's."""
        ident = self.csr.read_identifier()
        expected = self.manifest.identifier
        if not ident.startswith("sailbench "):
            raise IdentifierMismatchError(
                f"answers with identifier '{ident[:80]}', not a sailbench probe; load the probe "
                f"bitstream (sailbench load --board {self.name})", board=self.name, port=self.port)
        if ident != expected:
            raise IdentifierMismatchError(
                f"runs another build: board says '{ident}', this build ({self.build_dir.name}) is "
                f"'{expected}'; load this build (sailbench load --board {self.name})",
                board=self.name, port=self.port)
        self.identifier = ident
        return ident

    def clients(self) -> dict[str, CsrClient]:
        """Each CSR link once, by what it is ('uart', 'etherbone')."""
        out = {self.primary_link: self.csr}
        if self.etherbone is not None:
            out[ETHERBONE] = self.etherbone
        return out

    def close(self) -> None:
        for c in self.clients().values():
            try:
                c.close()
            except Exception:
                pass
        if self.sim is not None:
            self.sim.stop()

    def __enter__(self) -> "Board":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def write_counter(regmap: RegisterMap) -> int | None:
    """The SoC's Etherbone words-written counter (exactly-once writes), if the build has one."""
    return regmap.register(WRITE_COUNTER).addr if WRITE_COUNTER in regmap else None


def connect_sim(config: BoardConfig, build_dir: Path, manifest: BuildManifest, sim: SimBoard) -> Board:
    """UARTBone (and Etherbone) inside the simulator's network namespace. Not identified yet."""
    regmap = RegisterMap.from_json(build_dir / manifest.csr_json)
    scratch = regmap.register("ctrl_scratch").addr
    url = sim_uart_url(sim, config)
    uart = sim.netns.run_inside(lambda: UartBone(url, timeout_s=config.timeout_s, board=config.name,
                                                 ack_addr=scratch, max_burst=SIM_UART_BURST,
                                                 rx_fifo_bytes=rx_fifo_bytes_of(manifest)))
    board = Board(config.name, config, build_dir, manifest, regmap, CsrClient(uart, regmap, config.name), sim=sim)
    eb = manifest.etherbone
    if eb:
        try:
            sock = sim.netns.run_inside(lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM))
            link = EtherboneLink(eb.soc_ip, eb.port, timeout_s=min(config.timeout_s, 0.5), board=config.name,
                                 sock=sock, ack_addr=scratch, write_counter_addr=write_counter(regmap))
        except BaseException:
            board.csr.close()
            raise
        board.etherbone = CsrClient(link, regmap, config.name)
    return board


def connect_uart(config: BoardConfig, url: str, build_dir: Path, manifest: BuildManifest) -> Board:
    """UARTBone on `url` only (a simulated board another process serves through its labgrid place)."""
    regmap = RegisterMap.from_json(build_dir / manifest.csr_json)
    uart = UartBone(url, timeout_s=config.timeout_s, board=config.name, ack_addr=regmap.register("ctrl_scratch").addr,
                    max_burst=SIM_UART_BURST, rx_fifo_bytes=rx_fifo_bytes_of(manifest))
    return Board(config.name, config, build_dir, manifest, regmap, CsrClient(uart, regmap, config.name))


def connect_hardware(config: BoardConfig, build_dir: Path, manifest: BuildManifest) -> Board:
    """UARTBone on lab.yaml's serial port and Etherbone on its address, whichever the board has."""
    regmap = RegisterMap.from_json(build_dir / manifest.csr_json)
    scratch = regmap.register("ctrl_scratch").addr
    uart = ether = None
    if config.serial:
        uart = CsrClient(UartBone(config.serial, baudrate=config.baudrate, timeout_s=config.timeout_s,
                                  board=config.name, ack_addr=scratch, rx_fifo_bytes=rx_fifo_bytes_of(manifest)),
                         regmap, config.name)
    if config.etherbone:
        e = config.etherbone
        try:
            ether = CsrClient(EtherboneLink(e.ip, e.port, timeout_s=min(config.timeout_s, 0.5), board=config.name,
                                            ack_addr=scratch, write_counter_addr=write_counter(regmap),
                                            interface=e.interface),
                              regmap, config.name)
        except BaseException:
            if uart is not None:
                uart.close()
            raise
    if uart is not None:
        return Board(config.name, config, build_dir, manifest, regmap, uart, etherbone=ether)
    return Board(config.name, config, build_dir, manifest, regmap, ether, primary_link=ETHERBONE)


def wait_identifier(board: Board, timeout_s: float = 3.0) -> None:
    """Check the identifier until it answers: after a load the FPGA starts (PLL lock, reset release)
    while the host is already asking. The last error after `timeout_s`."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            board.check_identifier()
            return
        except BoardError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
