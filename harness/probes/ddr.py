"""DDR throughput probe: LiteDRAM BIST generator (write) and checker (read).

Each pass writes `length` bytes from `base` with the BIST generator, then
reads them back with the checker. Cycles come from the probe SoC's window
timers (start strobe to done, including the DMA drain) and turn into
seconds with the board's sys clock: the nominal one on the simulated board,
the measured one on hardware. Nothing here uses host time for a rate.
"""
from __future__ import annotations

import time
from dataclasses import asdict, dataclass

from sailbench.gateware.profiles.dram_jedec import timings_record
from sailbench.harness.board.board import Board
from sailbench.harness.errors import ConfigError, MeasurementError, ProbeError
from sailbench.harness.probes.bist_model import expected_alias_errors, unique_words
from sailbench.harness.probes.ddr_accounting import DdrBreakdown, read_breakdown
from sailbench.harness.steps import layer_logger, step

logger = layer_logger("probes")

PATTERNS = ("sequential", "random")


@dataclass
class DdrResult:
    board: str
    probe: str
    direction: str           # "write" or "read"
    pattern: str             # "sequential" or "random"
    base: int
    bytes: int
    cycles: int
    bist_ticks: int
    sys_clk_hz: float
    rate_bytes_per_s: float
    peak_bytes_per_s: float
    efficiency: float
    errors: int              # checker errors beyond the expected address aliasing (read only)
    raw_errors: int          # what the checker counted
    expected_alias_errors: int
    unique_bytes: int
    wall_s: float
    breakdown: DdrBreakdown | None = None   # where the window went (builds with DFI accounting)
    # the build's DRAM timings: each one's sys cycles, value and source (jedec / datasheet), and the basis
    # (part, speed bin, density): what the figure was measured with (dram_jedec.timings_record)
    dram_timings: dict | None = None

    def to_record(self) -> dict:
        rec = asdict(self)
        rec["breakdown"] = self.breakdown.to_record() if self.breakdown else None
        return rec


class DdrProbe:
    def __init__(self, board: Board, sys_clk_hz: float | None = None, timeout_s: float = 60.0):
        dram = board.manifest.dram
        if not dram:
            raise ConfigError(f"board '{board.name}' build has no DRAM (build {board.build_dir.name}); "
                              "the DDR probe needs a profile with DRAM", )
        self.board = board
        self.csr = board.csr
        self.dram = dram
        self.word_bytes = int(dram.bist_word_bytes)
        self.size = int(dram.size_bytes)
        self.peak = float(dram.peak_bytes_per_s)
        self.sys_clk_hz = float(sys_clk_hz or board.nominal_sys_clk_hz)
        # Peak follows the clock: a board whose clock runs 1 % slow has a 1 % lower ceiling.
        self.peak = self.peak * self.sys_clk_hz / board.nominal_sys_clk_hz
        self.timeout_s = timeout_s
        self.last_breakdown: DdrBreakdown | None = None

    # -- parameters ------------------------------------------------------------------------------
    def check_region(self, base: int, length: int) -> None:
        wb = self.word_bytes
        words = length // wb
        if length <= 0 or length % wb:
            raise ConfigError(f"DDR length {length} must be a positive multiple of the {wb}-byte BIST word")
        if words & (words - 1):
            raise ConfigError(f"DDR length {length} B must be a power of two number of {wb}-byte words "
                              "(the BIST masks addresses to the region)")
        if base % length:
            raise ConfigError(f"DDR base 0x{base:x} must be aligned to the length {length}")
        if base + length > self.size:
            raise ConfigError(f"DDR region 0x{base:x}+{length} exceeds the {self.size} B of DRAM")

    def _setup(self, engine: str, base: int, length: int, pattern: str) -> None:
        if pattern not in PATTERNS:
            raise ConfigError(f"unknown DDR pattern '{pattern}'; use one of {', '.join(PATTERNS)}")
        self.check_region(base, length)
        words = length // self.word_bytes
        c = self.csr
        c.write(f"sdram_{engine}_reset", 1)
        c.write(f"sdram_{engine}_base", base)
        # The BIST applies (end - base) - 1 as a mask on *word* addresses.
        c.write(f"sdram_{engine}_end", base + words)
        c.write(f"sdram_{engine}_length", length)
        c.write(f"sdram_{engine}_random", 0b01 | (0b10 if pattern == "random" else 0))  # data: PRBS31

    def _run(self, engine: str, timer: str, length: int) -> tuple[int, int, float]:
        c = self.csr
        t0 = time.monotonic()
        c.write(f"sdram_{engine}_start", 1)
        deadline = t0 + self.timeout_s
        while not c.read(f"sdram_{engine}_done"):
            if time.monotonic() > deadline:
                raise ProbeError(f"board '{self.board.name}': DDR {engine} of {length} B not done after "
                                 f"{self.timeout_s:.0f} s; is the DRAM initialised and calibrated?")
            time.sleep(0.002)
        wall = time.monotonic() - t0
        v = c.read_many([f"{timer}_cycles", f"sdram_{engine}_ticks"])
        self.last_breakdown = read_breakdown(c, self.dram, v[f"{timer}_cycles"])
        return v[f"{timer}_cycles"], v[f"sdram_{engine}_ticks"], wall

    def _result(self, direction: str, pattern: str, base: int, length: int, cycles: int, ticks: int,
                wall: float, raw_errors: int = 0) -> DdrResult:
        words = length // self.word_bytes
        random_addr = pattern == "random"
        alias = expected_alias_errors(words, random_addr, words - 1) if direction == "read" else 0
        unique = unique_words(words, random_addr, words - 1) * self.word_bytes
        rate = length * self.sys_clk_hz / cycles if cycles else 0.0
        return DdrResult(
            board=self.board.name, probe="ddr", direction=direction, pattern=pattern, base=base,
            bytes=length, cycles=cycles, bist_ticks=ticks, sys_clk_hz=self.sys_clk_hz,
            rate_bytes_per_s=rate, peak_bytes_per_s=self.peak, efficiency=rate / self.peak if self.peak else 0.0,
            errors=max(0, raw_errors - alias), raw_errors=raw_errors, expected_alias_errors=alias,
            unique_bytes=unique, wall_s=round(wall, 4), breakdown=self.last_breakdown,
            dram_timings=timings_record(self.dram.timings))

    # -- public ----------------------------------------------------------------------------------
    @step(logger, "DDR write probe")
    def write(self, length: int, base: int = 0, pattern: str = "sequential") -> DdrResult:
        self._setup("generator", base, length, pattern)
        cycles, ticks, wall = self._run("generator", "ddr_write_timer", length)
        return self._result("write", pattern, base, length, cycles, ticks, wall)

    @step(logger, "DDR read probe")
    def read(self, length: int, base: int = 0, pattern: str = "sequential") -> DdrResult:
        self._setup("checker", base, length, pattern)
        cycles, ticks, wall = self._run("checker", "ddr_read_timer", length)
        raw = self.csr.read("sdram_checker_errors")
        return self._result("read", pattern, base, length, cycles, ticks, wall, raw_errors=raw)

    def write_read(self, length: int, base: int = 0, pattern: str = "sequential",
                   raise_on_errors: bool = True) -> tuple[DdrResult, DdrResult]:
        w = self.write(length, base, pattern)
        r = self.read(length, base, pattern)
        if raise_on_errors and r.errors:
            raise MeasurementError(f"board '{self.board.name}': DDR checker found {r.errors} bad "
                                   f"{self.word_bytes}-byte words in {length} B at 0x{base:x} ({pattern})")
        return w, r
