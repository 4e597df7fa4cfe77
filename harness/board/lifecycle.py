"""A board's lifecycle: the states it goes through on the way to being measured.

Like labgrid's strategies, a `BoardStrategy` moves one board through ordered
states, each reached by one step with its own error (and that error's hint):

    CONFIGURED   lab.yaml's entry, nothing touched
    CABLE_FOUND  hardware: the serial port exists and the JTAG cable shows the profile's FPGA
                 (`CableError`); looked for before anything is built, so a board that is not
                 there fails in seconds. A board in a labgrid place: its port read from the place.
    BUILT        the simulation or the bitstream, from the build cache or built now (`BuildError`,
                 `TimingFailedError` unless lab.yaml allows a failing clock)
    LOADED       hardware: the FPGA runs this build (loaded with openFPGALoader unless it already
                 answers with this build's identifier: `LoadError`); sim: the simulator started
                 (`SimulatorError`)
    IDENTIFIED   connected, and the identifier read back is this build's
                 (`IdentifierMismatchError`, `BoardSilentError`)
    DRAM_READY   hardware with DRAM: initialised from the host, read leveling included
                 (`DramInitError`, `LevelingError`); nothing to do elsewhere

`strategy.transition(state)` runs the missing steps in order; a caller asks for
the state it needs (bring-up walks them one stage at a time, `open_board` goes
to DRAM_READY). `open(state)` is `transition` that closes the board on failure
and returns it.
"""
from __future__ import annotations

import time
from enum import IntEnum
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from sailbench.harness.board.board import Board, connect_hardware, connect_sim, connect_uart, wait_identifier
from sailbench.harness.build.manifest import BuildManifest, read_build_manifest
from sailbench.harness.config import BoardConfig
from sailbench.harness.errors import (BoardError, BoardSilentError, CableError, LabgridError, LoadError,
                                      SailbenchError, SimulatorError)
from sailbench.harness.sim.simulator import SimBoard
from sailbench.harness.steps import layer_logger, step

if TYPE_CHECKING:
    from sailbench.harness.build.bitstream import Bitstream

logger = layer_logger("board")

Progress = Callable[[str], None]


class BoardState(IntEnum):
    CONFIGURED = 0
    CABLE_FOUND = 1
    BUILT = 2
    LOADED = 3
    IDENTIFIED = 4
    DRAM_READY = 5

    @property
    def label(self) -> str:
        return self.name.lower().replace("_", " ")


class BoardStrategy:
    """Moves one board through its states. Subclasses give one method per state (`_cable_found`,
    `_built`, `_loaded`, `_identified`, `_dram_ready`)."""

    def __init__(self, config: BoardConfig, progress: Progress = print):
        self.config = config
        self.progress = progress
        self.state = BoardState.CONFIGURED
        self.build_dir: Path | None = None
        self.manifest: BuildManifest | None = None
        self.board: Board | None = None
        self.detected = ""                   # what the cable showed (CABLE_FOUND on hardware)
        self.timings: dict[str, float] = {}

    def transition(self, target: BoardState) -> Board | None:
        """Run each step from the current state up to `target`; the board once connected.
        A step that fails leaves the state at the last one reached (and raises)."""
        for state in BoardState:
            if self.state < state <= target:
                t0 = time.monotonic()
                with step(logger, f"board '{self.config.name}': {state.label}"):
                    getattr(self, f"_{state.name.lower()}")()
                self.timings[f"{state.name.lower()}_s"] = round(time.monotonic() - t0, 2)
                self.state = state
        if self.board is not None:
            self.board.timings = dict(self.timings)
        return self.board

    def open(self, target: BoardState = BoardState.DRAM_READY) -> Board:
        """`transition(target)` for a caller that wants the connected board (IDENTIFIED or later);
        on failure everything this strategy started is stopped."""
        if target < BoardState.IDENTIFIED:
            raise ValueError(f"a board is connected from state {BoardState.IDENTIFIED.label} on, not {target.label}")
        with step(logger, f"open board '{self.config.name}'"):
            try:
                board = self.transition(target)
            except BaseException:
                self.close()
                raise
        assert board is not None
        return board

    def close(self) -> None:
        """Close the board's links and stop what this strategy started; the build stays, so asking
        for a later state again connects (and, for a simulated board, starts) anew."""
        if self.board is not None:
            self.board.close()
            self.board = None
        self.state = min(self.state, BoardState.BUILT)

    def _need_build(self) -> tuple[Path, BuildManifest]:
        assert self.build_dir is not None and self.manifest is not None, "BUILT comes before this state"
        return self.build_dir, self.manifest

    def _need_board(self) -> Board:
        assert self.board is not None, "the board is connected by an earlier state"
        return self.board

    def _cable_found(self) -> None:
        pass

    def _built(self) -> None:
        """The simulated board's build (cached by input hash); a real board's strategy builds its bitstream."""
        from sailbench.harness.build.cache import ensure_board_sim_build
        self.build_dir = ensure_board_sim_build(self.config, self.progress)
        self.manifest = read_build_manifest(self.build_dir)

    def _loaded(self) -> None:
        pass

    def _identified(self) -> None:
        self._need_board().check_identifier()

    def _dram_ready(self) -> None:
        pass


class SimStrategy(BoardStrategy):
    """The simulated board: built with Verilator (cached), started in its own network namespace,
    reached over UARTBone (and Etherbone) inside it. Its DRAM model starts ready."""

    def __init__(self, config: BoardConfig, progress: Progress = print):
        super().__init__(config, progress)
        self.sim: SimBoard | None = None

    def _loaded(self) -> None:
        build_dir, manifest = self._need_build()
        self.sim = SimBoard(build_dir, manifest, board=self.config.name).start()

    def _identified(self) -> None:
        assert self.sim is not None, "LOADED starts the simulator"
        build_dir, manifest = self._need_build()
        try:
            self.board = connect_sim(self.config, build_dir, manifest, self.sim)
            self.board.check_identifier()
        except SailbenchError as e:
            if self.sim.proc is not None and self.sim.proc.poll() is not None:
                raise SimulatorError(f"simulator died ({e}); its output:\n{self.sim.log_tail()}",
                                     board=self.config.name) from e
            if isinstance(e, BoardSilentError):
                e.hint = (f"the simulated board started but does not answer: read the simulator output "
                          f"({self.sim.log_path})")
            raise

    def close(self) -> None:
        super().close()                    # the board stops the simulator it holds
        if self.sim is not None:
            self.sim.stop()
            self.sim = None


class PlacedSimStrategy(BoardStrategy):
    """A simulated board another process runs, reached through its labgrid place's serial port
    (UART only; its Ethernet stays in the simulator's namespace): the same build, the URL read
    from the place when the port is looked for."""

    url: str = ""

    def _cable_found(self) -> None:
        from sailbench.harness.board.place_resolve import resolve_board
        self.url = resolve_board(self.config, self.config.labgrid.address).serial

    def _identified(self) -> None:
        build_dir, manifest = self._need_build()
        self.board = connect_uart(self.config, self.url, build_dir, manifest)
        self.board.check_identifier()


class HardwareStrategy(BoardStrategy):
    """An ECP5 board: cable and port first, then the bitstream (cached), loaded unless the board
    already runs it, then the DRAM brought up from the host (there is no CPU to do it).
    `reload` loads even a board that already runs this build (bring-up's load stage)."""

    def __init__(self, config: BoardConfig, progress: Progress = print, reload: bool = False):
        super().__init__(config, progress)
        self.reload = reload
        self.bitstream: Bitstream | None = None          # once BUILT

    def _cable_found(self) -> None:
        if self.config.labgrid is not None:      # serial port (and the NIC's host) read from the place now
            from sailbench.harness.board.place_resolve import resolve_board
            self.config = resolve_board(self.config, self.config.labgrid.address)
        if self.config.cable is not None or self.config.labgrid is not None:
            self._detect()                       # no cable in lab.yaml: a board that must be loaded fails at LOADED
        check_serial_port(self.config)

    def _detect(self) -> None:
        from sailbench.harness.board import loader
        cable = loader.cable_for(self.config)
        try:
            match = loader.detect_fpga(cable, *loader.expected_fpga(self.config))
        except BoardError as e:
            if isinstance(e, (CableError, LabgridError)):
                raise
            raise CableError(e.detail, board=e.board or self.config.name, port=e.port,
                             hint=f"check the USB cable and power, and boards.{self.config.name}.cable in lab.yaml; "
                                  f"{cable.detect_hint}") from e
        family = " (family and size: this openFPGALoader masks the version nibble)" if match.family_only else ""
        self.detected = f"{match.model} (IDCODE 0x{match.idcode:08x}){family} on {cable.label}"

    def _built(self) -> None:
        from sailbench.harness.build.bitstream import ensure_bitstream, judge_timing
        bitstream = ensure_bitstream(self.config, self.progress)
        judge_timing(bitstream, self.config.allow_timing_fail)
        if not bitstream.timing_passed:
            self.progress(f"WARNING: board '{self.config.name}' runs a bitstream that FAILS timing "
                          f"({bitstream.failing_summary()}); allowed by lab.yaml; report: {bitstream.report_path}")
        self.bitstream = bitstream
        self.build_dir, self.manifest = bitstream.build_dir, bitstream.manifest

    def _loaded(self) -> None:
        from sailbench.harness.board import loader
        build_dir, manifest = self._need_build()
        if not self.reload and self._runs_build():
            return
        self.close()
        try:
            assert self.bitstream is not None
            load = loader.load_bitstream(loader.cable_for(self.config), self.bitstream.path,
                                         *loader.expected_fpga(self.config), progress=self.progress)
        except BoardError as e:
            if isinstance(e, (CableError, LoadError, LabgridError)):
                raise
            raise LoadError(e.detail, board=e.board or self.config.name, port=e.port) from e
        self.board = connect_hardware(self.config, build_dir, manifest)
        self.board.load = load
        wait_identifier(self.board)

    def _runs_build(self) -> bool:
        """Connect; True if the board already answers with this build's identifier."""
        build_dir, manifest = self._need_build()
        try:
            self.board = connect_hardware(self.config, build_dir, manifest)
            self.board.check_identifier()
            return True
        except BoardError:
            return False

    def _dram_ready(self) -> None:
        from sailbench.harness.board.dram_init import bring_up_dram
        board = self._need_board()
        if board.manifest.dram and self.config.kind.inits_dram_from_host:
            board.dram_init = bring_up_dram(board, progress=self.progress)


def check_serial_port(config: BoardConfig) -> None:
    """A serial port named by a device path must exist (a URL, e.g. rfc2217://, is tried when connecting)."""
    if config.serial and config.serial.startswith("/") and not Path(config.serial).exists():
        raise CableError(f"serial port {config.serial} does not exist", board=config.name, port=config.serial,
                         hint=f"check the USB cable and power, and boards.{config.name}.serial in lab.yaml; "
                              "`ls /dev/serial/by-id/` lists the serial ports")


def strategy_for(config: BoardConfig, progress: Progress = print, reload: bool = False) -> BoardStrategy:
    """The strategy of the board's kind (and of a simulated board served through a labgrid place)."""
    if config.kind.simulated:
        return PlacedSimStrategy(config, progress) if config.labgrid is not None else SimStrategy(config, progress)
    return HardwareStrategy(config, progress, reload=reload)


def open_board(config: BoardConfig, progress: Progress = print,
               upto: BoardState = BoardState.DRAM_READY) -> Board:
    """The board of `config`, moved to `upto` (default: identified with its DRAM ready). No lock is
    taken: harness/board/factory.py's `open_locked_board` is the one that holds the board too."""
    return strategy_for(config, progress).open(upto)
