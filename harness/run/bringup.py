"""Bring-up: staged checks that stop at the first failing stage and say what to check next.

Stages, in order: tool present, cable detects, load, identifier, scratch,
DRAM leveling (the host's read-leveling scan per byte lane), DRAM lines
(data, mask, address and bank lines named by ball and net:
harness/probes/dram_lines.py), DRAM BIST small, DRAM BIST full (only with
`full`: the whole memory), Ethernet link, SerDes lock. Each ends `passed`, `failed`
(with a diagnosis), `not applicable` (e.g. no cable on the simulated board),
`unavailable` (sailbench cannot check it in this checkout, said plainly),
`skipped` (the build has no such part) or `not run` (after a failure).
Real-board cable detection and loading come from harness/board/loader.py.
A passing bring-up is recorded in the history database and clears
the board's quarantine.
"""
from __future__ import annotations

import re
import shutil
import time
from dataclasses import dataclass, field
from typing import Callable

from sailbench.harness.board import loader
from sailbench.harness.board.board import Board, open_board
from sailbench.harness.config.lab import BoardConfig, JudgementConfig, Lab
from sailbench.harness.errors import (BoardBusyError, BoardGarbageError, ConfigError, BoardSilentError, BuildError,
                            IdentifierMismatchError, ProbeError, SailbenchError, SimulatorError, ToolError)
from sailbench.harness.board.health import scratch_round_trip
from sailbench.harness.record.history import open_history
from sailbench.harness.board.place_lock import lock_for_board
from sailbench.harness.units import mb_per_s

PASSED, FAILED, NOT_APPLICABLE, UNAVAILABLE, SKIPPED, NOT_RUN = (
    "passed", "failed", "not applicable", "unavailable", "skipped", "not run")
STAGES = ("tool present", "cable detects", "load", "identifier", "scratch", "DRAM leveling", "DRAM lines",
          "DRAM BIST small", "DRAM BIST full", "Ethernet link", "SerDes lock")
FULL_ONLY = ("DRAM BIST full",)
DRAM_LENGTH = 64 << 10
SIM_TOOLS = ("verilator", "make", "g++")
LOADER_TOOL = "openFPGALoader"


class StageFailed(Exception):
    """A stage's check failed: `detail` what happened, `next_step` what to check next."""

    def __init__(self, detail: str, next_step: str):
        super().__init__(detail)
        self.detail, self.next_step = detail, next_step


@dataclass
class Stage:
    name: str
    status: str = NOT_RUN
    detail: str = ""
    next_step: str = ""
    seconds: float = 0.0


@dataclass
class BringupReport:
    board: str
    kind: str
    stages: list[Stage] = field(default_factory=list)
    quarantine_cleared: bool = False
    records: list[dict] = field(default_factory=list)     # dram_init (leveling scan), dram_lines, ...
    files: list[str] = field(default_factory=list)        # results JSON and HTML written

    @property
    def failed(self) -> Stage | None:
        return next((s for s in self.stages if s.status == FAILED), None)

    @property
    def passed(self) -> bool:
        return self.failed is None

    @property
    def exit_code(self) -> int:
        return 0 if self.passed else 1


class _Bringup:
    def __init__(self, config: BoardConfig, progress: Callable[[str], None], *,
                 clock_tolerance: float = JudgementConfig.clock_tolerance, full: bool = False):
        self.config = config
        self.progress = progress
        self.clock_tolerance = clock_tolerance           # lab.yaml judgement.clock_tolerance
        self.full = full
        self.records: list[dict] = []
        self.board: Board | None = None
        self.sim = config.kind == "sim"
        from sailbench.gateware.profiles import ProfileError, get_profile
        try:
            self.profile = get_profile(config.profile)
        except ProfileError as e:
            raise ConfigError(f"boards.{config.name}.profile: {e}") from None

    # -- stages: each returns (status, detail) or raises StageFailed / a harness error ---------
    def tool_present(self) -> tuple[str, str]:
        tools = SIM_TOOLS if self.sim else (LOADER_TOOL,)
        missing = [t for t in tools if shutil.which(t) is None]
        if missing:
            how = ("run scripts/setup.sh (Debian verilator, build-essential)" if self.sim
                   else "install the Debian package openfpgaloader (apt-get install openfpgaloader)")
            raise StageFailed(f"not found on PATH: {', '.join(missing)}", how)
        return PASSED, f"found {', '.join(shutil.which(t) or t for t in tools)}"

    def cable_detects(self) -> tuple[str, str]:
        if self.sim:
            return NOT_APPLICABLE, "not applicable (simulated): the simulated board has no cable"
        by_hand = f"check by hand: openFPGALoader --cable {self.config.cable or 'CABLE'} --detect"
        try:
            return PASSED, loader.detect(self.config)
        except SailbenchError as e:
            raise self._loader_failed(e, by_hand) from e

    def load(self) -> tuple[str, str]:
        if self.sim:
            return NOT_APPLICABLE, ("not applicable (simulated): nothing to load, the simulator runs the build "
                                    "directly (built in the identifier stage if needed)")
        try:
            result = loader.load(self.config, progress=self.progress)
        except SailbenchError as e:
            raise self._loader_failed(e, "load the probe bitstream by hand, then run bring-up again") from e
        record = result.to_record()
        return PASSED, f"{record['bitstream']} into {record['mode']} in {record['seconds']} s"

    def _loader_failed(self, error: SailbenchError, by_hand: str) -> StageFailed:
        return StageFailed(str(error), f"check the USB cable and power, and boards.{self.config.name}.cable in "
                                       f"lab.yaml; {by_hand}")

    def identifier(self) -> tuple[str, str]:
        from sailbench.harness.board.dram_init import LevelingError
        try:
            self.board = open_board(self.config, progress=self.progress)
        except LevelingError as e:          # keep the scan for the report, then fail the stage
            self.records.append({"probe": "dram_init", "board": self.config.name,
                                 "leveling": [m.to_dict() for m in e.leveling]})
            raise
        return PASSED, f"'{self.board.identifier}' on {self.board.port} (build {self.board.build_dir.name})"

    def scratch(self) -> tuple[str, str]:
        links = scratch_round_trip(self.board, "uart" if "uart" in self.board.clients() else None)
        return PASSED, f"4 patterns written and read back over {', '.join(links)}"

    def _dram_missing(self) -> tuple[str, str] | None:
        if self.profile.dram is None:
            return SKIPPED, f"profile '{self.profile.name}' has no DRAM"
        if not self.board.manifest.dram:
            fix = (f"set boards.{self.config.name}.sim.dram: true in lab.yaml" if self.sim
                   else "rebuild the bitstream with DRAM and load it")
            raise StageFailed(f"profile '{self.profile.name}' has {self.profile.dram.memtype} but this build "
                              f"({self.board.build_dir.name}) has no DRAM controller", fix)
        return None

    def dram_leveling(self) -> tuple[str, str]:
        from sailbench.harness.board.dram_init import lane_diagnosis
        missing = self._dram_missing()
        if missing:
            return missing
        phy = self.board.manifest.dram.phy
        if self.board.dram_init is None or not self.board.dram_init.leveling:
            why = ("the simulated DRAM model needs no read leveling" if self.sim
                   else f"the {phy.phytype} has no host read leveling")
            return NOT_APPLICABLE, f"not applicable{' (simulated)' if self.sim else ''}: {why}"
        init = self.board.dram_init
        self.records.append(init.to_record(self.config.name))
        return PASSED, "; ".join(lane_diagnosis(m) for m in init.leveling)

    def dram_lines(self) -> tuple[str, str]:
        from sailbench.harness.probes.dram_lines import DramWiring, run_line_tests
        missing = self._dram_missing()
        if missing:
            return missing
        wiring = DramWiring.from_build(self.board.build_dir, self.board.manifest.dram)
        result = run_line_tests(self.board.csr, wiring, link="uart" if "uart" in self.board.clients() else "")
        self.records.append(result.to_record(self.config.name))
        if not result.passed:
            raise StageFailed(result.summary(),
                              "check the named ball's solder joint and its net to the DRAM (continuity, and no "
                              "short to its neighbours), then run bring-up again")
        return PASSED, result.summary()

    def dram_full(self) -> tuple[str, str]:
        from sailbench.harness.probes.clock import rate_clock_hz
        from sailbench.harness.probes.ddr import DdrProbe
        from sailbench.harness.probes.dram_full import full_bist
        missing = self._dram_missing()
        if missing:
            return missing
        clock = rate_clock_hz(self.board, self.clock_tolerance, duration_s=1.0)
        probe = DdrProbe(self.board, sys_clk_hz=clock.used_hz, timeout_s=120.0)
        result = full_bist(probe, progress=self.progress)
        self.records.append(result.to_record(self.config.name))
        if result.errors:
            raise StageFailed(result.summary(), "the lines pass but cells fail: check the module's supply and "
                                                "refresh, and the listed regions")
        return PASSED, result.summary()

    def dram(self) -> tuple[str, str]:
        from sailbench.harness.probes.clock import rate_clock_hz
        from sailbench.harness.probes.ddr import DdrProbe
        missing = self._dram_missing()
        if missing:
            return missing
        clock = rate_clock_hz(self.board, self.clock_tolerance, duration_s=1.0)
        if not clock.within_tolerance:
            self.progress(f"WARNING: board '{self.config.name}' {clock.message}; rates below use the measured clock")
        probe = DdrProbe(self.board, sys_clk_hz=clock.used_hz, timeout_s=20.0)
        w, r = probe.write_read(DRAM_LENGTH, 0, "sequential", raise_on_errors=False)
        rates = (f"{DRAM_LENGTH // 1024} KiB write {mb_per_s(w.rate_bytes_per_s)} MB/s, "
                 f"read {mb_per_s(r.rate_bytes_per_s)} MB/s")
        if r.errors:
            raise StageFailed(f"{rates}; the checker found {r.errors} bad words",
                              "DRAM data is wrong: check DRAM initialisation and read leveling, the module's "
                              "seating and its supply, then run `sailbench bench` for the full picture")
        return PASSED, f"{rates}, 0 errors"

    def ethernet(self) -> tuple[str, str]:
        """The Etherbone round trip; when it fails, the PHY's own view (MDIO over the UART) is added."""
        try:
            return self._ethernet()
        except StageFailed as e:
            raise StageFailed(self._with_phy_view(e.detail), e.next_step) from None
        except BoardBusyError:
            raise
        except SailbenchError as e:
            raise StageFailed(self._with_phy_view(str(e)), self.diagnose("Ethernet link", e)) from e

    def _with_phy_view(self, detail: str) -> str:
        from sailbench.harness.probes.phy_mdio import PhyView, read_phy_view
        if self.board is None:
            return detail
        try:
            view = read_phy_view(self.board)
        except SailbenchError as e:
            view = PhyView(False, f"the MDIO read failed: {e}")
        self.records.append(view.to_record(self.config.name))
        return f"{detail}\n      PHY: " + "\n      PHY: ".join(view.lines())

    def _ethernet(self) -> tuple[str, str]:
        if not self.profile.has_ethernet:
            return SKIPPED, f"profile '{self.profile.name}' has no host Ethernet"
        if self.board.etherbone is None:
            fix = (f"set boards.{self.config.name}.sim.ethernet: true in lab.yaml" if self.sim
                   else f"add boards.{self.config.name}.etherbone (ip, host_ip) to lab.yaml and build with Ethernet")
            raise StageFailed(f"profile '{self.profile.name}' has {self.profile.host_phy} Ethernet but board "
                              f"'{self.config.name}' has no Etherbone link", fix)
        scratch_round_trip(self.board, "etherbone")
        ident = self.board.etherbone.read_identifier()
        if ident != self.board.identifier:
            raise BoardGarbageError(f"identifier over Etherbone is '{ident[:60]}', over UART "
                                    f"'{self.board.identifier}'", board=self.config.name,
                                    port=self.board.etherbone.transport.name)
        return PASSED, f"Etherbone at {self.board.etherbone.transport.name}: identifier and scratch round trip OK"

    def serdes(self) -> tuple[str, str]:
        from sailbench.harness.probes.lanes import Lanes, lane_indexes
        if lane_indexes(self.board.regmap):
            return self._serdes_lanes(Lanes.of(self.board))
        names = [n for n in self.board.regmap.names() if re.search(r"serdes\w*_(ready|locked?)$", n)]
        if not names and not self.board.manifest.lanes:
            return SKIPPED, "no SerDes in this build"
        if not names:
            return UNAVAILABLE, "unavailable: the build has SerDes but no ready/lock register sailbench knows"
        values = self.board.csr.read_many(names)
        unlocked = [n for n, v in values.items() if not v]
        if unlocked:
            raise StageFailed(f"not locked: {', '.join(unlocked)}",
                              "check the SerDes reference clock (125 MHz), the lane's cabling or loopback, "
                              "and the PLL configuration")
        return PASSED, f"locked: {', '.join(names)}"

    def _serdes_lanes(self, lanes) -> tuple[str, str]:
        """Per lane: lock, alignment, a short PRBS with its bound (a loopback cable on this board)."""
        from sailbench.harness.probes.lane_check import check_lanes
        lane_info = self.board.manifest.lane
        sys_hz = None
        if not self.sim:                      # the simulated pair's sys clock is nominal: nothing to measure
            from sailbench.harness.probes.clock import rate_clock_hz
            sys_hz = rate_clock_hz(self.board, self.clock_tolerance, duration_s=1.0).used_hz
        checks = check_lanes(lanes, lanes, self.profile.name, channels=lane_info.channels if lane_info else None,
                             sys_clk_hz=sys_hz or self.board.manifest.sys_clk_hz,
                             clock_tolerance=self.clock_tolerance)
        self.records.append({"probe": "lane_check", "board": self.config.name, "lanes": [c.to_dict() for c in checks]})
        text = "; ".join(c.text() for c in checks)
        bad = [c for c in checks if not c.passed]
        if bad:
            raise StageFailed(text, f"lane(s) {', '.join(str(c.lane) for c in bad)} failed, the others pass: check "
                                    "that lane's cable, connector and loopback, then its channel's settings")
        return PASSED, text

    # -- diagnosis of harness errors per stage ------------------------------------------------
    def diagnose(self, stage: str, error: BaseException) -> str:
        name = self.config.name
        e = _most_specific(error)
        if isinstance(e, ToolError):
            return "install the missing tool (scripts/setup.sh installs what the bench needs)"
        if isinstance(e, BuildError):
            return "the build failed: read the build log named above; a clean rebuild is `rm -rf` of that build dir"
        if isinstance(e, SimulatorError):
            return ("the simulator did not start or died: read its output above; the simulated board needs root "
                    "(network namespaces) and Verilator")
        if type(e).__name__ == "LevelingError":
            return ("a byte lane never reads back: check that lane's DQS pair and its termination, the DQ "
                    "lines of the lane and the module's seating; the scan is in the bring-up report")
        if isinstance(e, IdentifierMismatchError):
            return f"the board runs another build: load this one (sailbench load --board {name})"
        if isinstance(e, BoardSilentError):
            if stage == "Ethernet link":
                return (f"check the Ethernet cable and link LEDs, boards.{name}.etherbone (ip, host_ip) in lab.yaml, "
                        f"the PC's address on that interface (ip addr), then `ping` the board")
            if self.sim:
                return "the simulated board started but does not answer: read the simulator output (vsim.log)"
            return (f"check boards.{name}.serial and baudrate in lab.yaml, the USB cable, the board's power, and that "
                    "the probe bitstream is loaded (stage load)")
        if isinstance(e, BoardGarbageError):
            return "something answers but not as the probe SoC: check the port, the baud rate and the bitstream"
        if isinstance(e, ProbeError):
            return "the probe did not finish: DRAM not initialised or calibrated? check the DRAM init and the clock"
        return f"see the message; `sailbench bringup --board {name}` again once fixed"


def _most_specific(error: BaseException) -> BaseException:
    """The deepest harness error in the `raise ... from` chain (a wrapper adds context, the cause says why)."""
    chain, e = [], error
    while e is not None and e not in chain:
        chain.append(e)
        e = e.__cause__
    return next((x for x in reversed(chain) if isinstance(x, SailbenchError)), error)


def run_bringup(lab: Lab, name: str, progress: Callable[[str], None] = print,
                lock_wait_s: float | None = None, full: bool = False,
                write_files: bool = True) -> BringupReport:
    config = lab.board(name)
    report = BringupReport(name, config.kind)
    stages = [s for s in STAGES if full or s not in FULL_ONLY]
    with lock_for_board(lab, name, progress, lock_wait_s):
        runner = _Bringup(config, progress, clock_tolerance=lab.judgement.clock_tolerance, full=full)
        report.records = runner.records
        by_name = {"tool present": runner.tool_present, "cable detects": runner.cable_detects, "load": runner.load,
                   "identifier": runner.identifier, "scratch": runner.scratch, "DRAM leveling": runner.dram_leveling,
                   "DRAM lines": runner.dram_lines, "DRAM BIST small": runner.dram, "DRAM BIST full": runner.dram_full,
                   "Ethernet link": runner.ethernet, "SerDes lock": runner.serdes}
        steps = [by_name[s] for s in stages]
        try:
            for i, (stage_name, step) in enumerate(zip(stages, steps), 1):
                stage = Stage(stage_name)
                report.stages.append(stage)
                progress(f"[{i}/{len(stages)}] {stage_name} ...")
                t0 = time.monotonic()
                try:
                    stage.status, stage.detail = step()
                except StageFailed as e:
                    stage.status, stage.detail, stage.next_step = FAILED, e.detail, e.next_step
                except BoardBusyError:
                    raise
                except SailbenchError as e:
                    stage.status, stage.detail = FAILED, str(e)
                    stage.next_step = runner.diagnose(stage_name, e)
                stage.seconds = round(time.monotonic() - t0, 2)
                progress(f"      {stage.status}: {stage.detail}")
                if stage.status == FAILED:
                    progress(f"      next: {stage.next_step}")
                    report.stages += [Stage(n) for n in stages[i:]]
                    break
        finally:
            if runner.board is not None:
                runner.board.close()
    with open_history(lab) as history:
        failed = report.failed
        history.add_health(name, source="bringup", passed=failed is None, stage=failed.name if failed else None,
                           category=None if failed is None else "bringup",
                           message=failed.detail if failed else "bring-up passed")
        if failed is None:
            report.quarantine_cleared = history.clear_quarantine(name)
    if write_files:
        from sailbench.harness.report.bringup_page import write_bringup_files
        report.files = [str(p) for p in write_bringup_files(report, lab.results_dir)]
    return report


def render_bringup(report: BringupReport) -> str:
    width = max(len(s) for s in STAGES)
    lines = [f"bring-up of board '{report.board}' ({report.kind}):"]
    for s in report.stages:
        took = f" ({s.seconds:.1f} s)" if s.status not in (NOT_RUN,) and s.seconds >= 0.05 else ""
        lines.append(f"  {s.name:{width}}  {s.status.upper() if s.status == FAILED else s.status}"
                     f"{': ' + s.detail if s.detail and s.status != NOT_RUN else ''}{took}")
    failed = report.failed
    if failed:
        lines.append(f"stopped at '{failed.name}': {failed.detail}")
        lines.append(f"check next: {failed.next_step}")
    else:
        unavailable = [s.name for s in report.stages if s.status == UNAVAILABLE]
        lines.append("bring-up passed" + (f" (not checked here: {', '.join(unavailable)})" if unavailable else ""))
        if report.quarantine_cleared:
            lines.append(f"board '{report.board}' was quarantined; the quarantine is cleared")
    for path in report.files:
        lines.append(f"report: {path}")
    return "\n".join(lines)
