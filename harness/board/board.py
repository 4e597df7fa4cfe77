"""A board the harness talks to: its build, its transports, its identity.

`open_board(config)` returns a connected `Board` for any kind in lab.yaml:
- sim: build the simulated board if needed (cached by input hash), start it
  in its own network namespace, connect UARTBone (and Etherbone) inside it;
- hardware: build the bitstream if needed (cached by input hash; a clock
  failing timing stops here unless lab.yaml allows it), load it with
  openFPGALoader unless the board already runs it, connect to the serial URL /
  Etherbone address in lab.yaml, and initialise the DRAM from the host.
Either way the identifier is read and checked against the build: a board
running another build is an error, never measured.
"""
from __future__ import annotations

import socket
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from sailbench.harness.build.cache import ensure_board_sim_build
from sailbench.harness.build.manifest import BuildManifest, read_build_manifest
from sailbench.harness.config import BoardConfig
from sailbench.harness.transport.client import CsrClient
from sailbench.harness.transport.etherbone import EtherboneLink
from sailbench.harness.transport.regmap import RegisterMap
from sailbench.harness.transport.uartbone import UartBone
from sailbench.harness.errors import SimulatorError, BoardError, IdentifierMismatchError, SailbenchError
from sailbench.harness.sim.simulator import SimBoard
from sailbench.harness.steps import layer_logger, step

logger = layer_logger("board")

SIM_UART_BURST = 255
WRITE_COUNTER = "etherbone_writes_count"   # serial2tcp has no baud rate: bursts are only limited by the protocol


@dataclass
class Board:
    name: str
    config: BoardConfig
    build_dir: Path
    manifest: BuildManifest
    regmap: RegisterMap
    csr: CsrClient                       # primary link (UARTBone)
    etherbone: CsrClient | None = None   # Etherbone link when the profile has Ethernet
    sim: SimBoard | None = None
    identifier: str = ""
    timings: dict[str, float] = field(default_factory=dict)
    load: object | None = None           # sailbench.harness.board.loader.LoadResult when this open loaded the bitstream
    dram_init: object | None = None      # sailbench.harness.board.dram_init.DramInitResult on real boards

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
        return self.config.kind == "sim"

    @property
    def port(self) -> str:
        return self.csr.transport.name

    def check_identifier(self) -> str:
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
        out = {"uart": self.csr}
        if self.etherbone is not None:
            out["etherbone"] = self.etherbone
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


def open_board(config: BoardConfig, progress: Callable[[str], None] = print) -> Board:
    with step(logger, f"open board '{config.name}'"):
        if config.kind == "sim":
            if config.labgrid is not None:
                return _open_sim_through_place(config, progress)
            return _open_sim(config, progress)
        if config.labgrid is not None:      # serial port (and the NIC's host) read from the place now, never cached
            from sailbench.harness.board.place_resolve import resolve_board
            config = resolve_board(config, config.labgrid.address)
        return _open_hardware(config, progress)


def _open_sim(config: BoardConfig, progress: Callable[[str], None]) -> Board:
    t0 = time.monotonic()
    build_dir = ensure_board_sim_build(config, progress)
    t_build = time.monotonic() - t0
    manifest = read_build_manifest(build_dir)
    regmap = RegisterMap.from_json(build_dir / manifest.csr_json)
    sim = SimBoard(build_dir, manifest, board=config.name).start()
    board = None
    try:
        scratch = regmap.register("ctrl_scratch").addr
        uart = sim.netns.run_inside(lambda: UartBone(sim.uart_url, timeout_s=config.timeout_s, board=config.name,
                                                     ack_addr=scratch, max_burst=SIM_UART_BURST))
        board = Board(config.name, config, build_dir, manifest, regmap, CsrClient(uart, regmap, config.name), sim=sim)
        eb = manifest.etherbone
        if eb:
            sock = sim.netns.run_inside(lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM))
            link = EtherboneLink(eb.soc_ip, eb.port, timeout_s=min(config.timeout_s, 0.5), board=config.name,
                                 sock=sock, ack_addr=scratch, write_counter_addr=_write_counter(regmap))
            board.etherbone = CsrClient(link, regmap, config.name)
        board.check_identifier()
        board.timings = {"build_s": round(t_build, 2), "start_s": round(time.monotonic() - t0 - t_build, 2)}
        return board
    except BaseException as e:
        died = sim.proc is not None and sim.proc.poll() is not None   # before stop() ends it anyway
        tail = sim.log_tail() if died else ""
        if board is not None:
            board.close()
        else:
            sim.stop()
        if isinstance(e, SailbenchError) and died:
            raise SimulatorError(f"simulator died ({e}); its output:\n{tail}", board=config.name) from e
        raise


def _open_sim_through_place(config: BoardConfig, progress: Callable[[str], None]) -> Board:
    """A simulated board another process runs, reached through its labgrid place's serial port (UART only;
    its Ethernet stays in the simulator's namespace): the same build, the URL read from the place now."""
    from sailbench.harness.board.place_resolve import resolve_board
    url = resolve_board(config, config.labgrid.address).serial
    t0 = time.monotonic()
    build_dir = ensure_board_sim_build(config, progress)
    manifest = read_build_manifest(build_dir)
    regmap = RegisterMap.from_json(build_dir / manifest.csr_json)
    uart = UartBone(url, timeout_s=config.timeout_s, board=config.name, ack_addr=regmap.register("ctrl_scratch").addr,
                    max_burst=SIM_UART_BURST)
    board = Board(config.name, config, build_dir, manifest, regmap, CsrClient(uart, regmap, config.name))
    try:
        board.check_identifier()
    except BaseException:
        board.close()
        raise
    board.timings = {"build_s": round(time.monotonic() - t0, 2)}
    return board


def _write_counter(regmap: RegisterMap) -> int | None:
    """The SoC's Etherbone words-written counter (exactly-once writes), if the build has one."""
    return regmap.register(WRITE_COUNTER).addr if WRITE_COUNTER in regmap else None


def _open_hardware(config: BoardConfig, progress: Callable[[str], None]) -> Board:
    """Build the bitstream (cached), load it unless the board already runs it, check the
    identifier, then bring the DRAM up from the host (there is no CPU to do it)."""
    from sailbench.harness.board import loader
    from sailbench.harness.build.bitstream import ensure_bitstream, judge_timing
    from sailbench.harness.board.dram_init import init_dram
    t0 = time.monotonic()
    bitstream = ensure_bitstream(config, progress)
    judge_timing(bitstream, config.allow_timing_fail)
    if not bitstream.timing_passed:
        progress(f"WARNING: board '{config.name}' runs a bitstream that FAILS timing "
                 f"({bitstream.failing_summary()}); allowed by lab.yaml; report: {bitstream.report_path}")
    t_build = time.monotonic() - t0
    board = None
    try:
        board = connect_hardware(config, bitstream.build_dir, bitstream.manifest)
        runs_it = _runs_build(board)
    except BoardError:
        runs_it = False
    try:
        if not runs_it:
            if board is not None:
                board.close()
                board = None
            load = loader.load_bitstream(loader.cable_for(config), bitstream.path, *loader.expected_fpga(config),
                                         progress=progress)
            board = connect_hardware(config, bitstream.build_dir, bitstream.manifest)
            board.load = load
            wait_identifier(board)
        t_load = time.monotonic() - t0 - t_build
        board.check_identifier()
        if board.manifest.dram:
            board.dram_init = init_dram(config.name, board.csr, board.manifest.dram, progress=progress)
        board.timings = {"build_s": round(t_build, 2), "load_s": round(t_load, 2),
                         "start_s": round(time.monotonic() - t0 - t_build, 2)}
        return board
    except BaseException:
        if board is not None:
            board.close()
        raise


def _runs_build(board: Board) -> bool:
    """True if the board already answers with this build's identifier."""
    try:
        board.check_identifier()
        return True
    except BoardError:
        return False


def wait_identifier(board: Board, timeout_s: float = 3.0) -> None:
    """After a load the FPGA starts (PLL lock, reset release) while the host is already asking."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            board.check_identifier()
            return
        except BoardError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def connect_hardware(config: BoardConfig, build_dir: Path, manifest: BuildManifest) -> Board:
    regmap = RegisterMap.from_json(build_dir / manifest.csr_json)
    scratch = regmap.register("ctrl_scratch").addr
    primary = None
    ether = None
    if config.serial:
        primary = CsrClient(UartBone(config.serial, baudrate=config.baudrate, timeout_s=config.timeout_s,
                                     board=config.name, ack_addr=scratch), regmap, config.name)
    if config.etherbone:
        e = config.etherbone
        try:
            ether = CsrClient(EtherboneLink(e.ip, e.port, timeout_s=min(config.timeout_s, 0.5), board=config.name,
                                            ack_addr=scratch, write_counter_addr=_write_counter(regmap),
                                            interface=e.interface),
                              regmap, config.name)
        except BaseException:
            if primary is not None:
                primary.close()
            raise
    return Board(config.name, config, build_dir, manifest, regmap, primary or ether, etherbone=ether)
