"""The simulated bench pair: two probe SoCs in one Verilator simulation, their
SerDes lanes crossed through a model of the SerDes word interface.

Each SoC is a whole board to the harness: its own UART (serial2tcp on its own
TCP port), its own identifier (role upstream or downstream), its own CSRs
(csr-upstream.json, csr-downstream.json). Faults are injected on the
receiving side of each lane, through the receiving board's CSRs: bit errors
(every N words or at word index K), a cut lane, a delayed lock.

    python -m sailbench.gateware.targets.sim_pair --profile versa-ecp5 --lanes 4 --line-rate 2.5 --coding 64b66b \
        --build-root build

The line rate sets the word clock (rate / 20: 62.5 MHz at 1.25 Gb/s, 125 MHz at 2.5) against the
board's sys clock; the coding chooses the lane probe's line code (8b/10b or 64b/66b).
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from migen import ClockDomain

from litex.build.generic_platform import Pins
from litex.build.sim import SimPlatform
from litex.build.sim.config import SimConfig
from litex.gen import LiteXModule
from litex.soc.cores import uart
from litex.soc.integration.export import get_csr_json

from sailbench.gateware.build.build_once import build_once
from sailbench.gateware.build.build_info import compile_jobs, package_versions, project_version
from sailbench.gateware.build.csr_export import lane_csr_fields
from sailbench.gateware.build.manifest import BuildManifest, LaneInfo, PairBoard
from sailbench.gateware.profiles import BoardProfile, get_profile
from sailbench.gateware.targets.sim import SIM_IO_CLOCKER_HZ, SIM_SYS_CLOCKER_HZ, stream_pads
from sailbench.gateware.targets.sim_pair_options import DEFAULT_RATE, ROLES, TARGET, pair_build_dir
from sailbench.gateware.cores.clock_meter import ClockMeter
from sailbench.gateware.cores.lane_group import LaneGroup
from sailbench.gateware.cores.lane_probe import LaneProbe
from sailbench.gateware.profiles.lane_rates import CODINGS, LINE_RATES_GBPS, LineRate
from sailbench.gateware.sim_models.lane_faults import LaneFaults
from sailbench.gateware.sim_models.serdes_model import SerDesLinkModel
from sailbench.gateware.soc.probe_soc import ProbeSoC
from sailbench.gateware.build.verilator import MODULES_DIR, VSIM, compile_vsim



def sim_word_clocker_hz(rate: LineRate, sys_clk_hz: float) -> int:
    """The simulator's clocker for the SerDes word clock: the word clock (rate / 20) in the same ratio to
    the sys clocker (1 000 000 ps = the board's sys clock) as on the board: 1.25 Gb/s against 75 MHz sys
    is 1 200 000 ps (833 333 Hz), 2.5 Gb/s 600 000 ps, 3.125 Gb/s 480 000 ps, 5 Gb/s 300 000 ps.
    The clocker's period is 1e12 // freq ps, which must be whole and even (the simulator's timebase)."""
    period_ps = round(1e12 / SIM_SYS_CLOCKER_HZ * sys_clk_hz / rate.word_clk_hz)
    freq = int(1e12 // period_ps)
    if period_ps % 2 or int(1e12 // freq) != period_ps:
        raise ValueError(f"word clock {rate.word_clk_hz / 1e6:g} MHz against sys {sys_clk_hz / 1e6:g} MHz has no "
                         f"whole even period in the simulator ({1e12 / SIM_SYS_CLOCKER_HZ * sys_clk_hz / rate.word_clk_hz} ps)")
    return freq

SIM_MODULES_DIR = Path(__file__).resolve().parents[1] / "sim_c_modules"   # sailbench's own sim modules (C)


_io = [
    ("sys_clk", 0, Pins(1)),
    ("core_clk", 0, Pins(1)),
    ("word_clk", 0, Pins(1)),
    ("sys_rst", 0, Pins(1)),
    stream_pads("serial", 0),
    stream_pads("serial", 1),
]


class _PairCRG(LiteXModule):
    """One sys and one I/O clock for both boards (the model has no clock offset between ends)."""

    def __init__(self, platform):
        self.cd_sys = ClockDomain()
        self.cd_io = ClockDomain()
        self.cd_word = ClockDomain()
        rst = platform.request("sys_rst")
        self.comb += [
            self.cd_sys.clk.eq(platform.request("core_clk")), self.cd_sys.rst.eq(rst),
            self.cd_io.clk.eq(platform.request("sys_clk")), self.cd_io.rst.eq(rst),
            self.cd_word.clk.eq(platform.request("word_clk")), self.cd_word.rst.eq(rst),
        ]


class PairBoardSoC(ProbeSoC):
    """One board of the pair: identifier, UARTBone, cycle counter, lane probes."""

    def __init__(self, platform, profile: BoardProfile, role: str, index: int, build_hash: str):
        ProbeSoC.__init__(self, platform, profile, f"{TARGET}-{role}", project_version(), build_hash,
                          profile.sys_clk_hz)
        self.role = role
        # explicit index: the sim names pad structs name+index, two bare "serial" would clash
        self.add_probe_uartbone(uart.RS232PHYModel(platform.request("serial", index)), cd="io")
        self.lane_probes: list[LaneProbe] = []

    def add_lane(self, i: int, endpoint, received_lane, rate: LineRate = DEFAULT_RATE) -> None:
        """Lane probe `lane{i}` on a model endpoint, and `lane{i}_faults` on the lane it receives."""
        probe = LaneProbe(tx_cd="word", rx_cd="word", word_clk_hz=rate.word_clk_hz, coding=rate.coding)
        setattr(self, f"lane{i}", probe)
        setattr(self, f"lane{i}_faults", LaneFaults(received_lane))
        # As on hardware (gateware/soc/ecp5_serdes.py): the word clocks counted in a sys window.
        setattr(self, f"lane{i}_clock", ClockMeter({"tx": "word", "rx": "word"}, cycles=self.cycles.count))
        self.comb += [
            endpoint.tx_data.eq(probe.tx_data),
            probe.rx_data.eq(endpoint.rx_data),
            probe.rx_ready.eq(endpoint.rx_ready),
            probe.rx_idle.eq(received_lane.cut),
        ]
        self.lane_probes.append(probe)


class SimPairTop(LiteXModule):
    def __init__(self, profile: BoardProfile, lanes: int, build_hash: str, rate: LineRate = DEFAULT_RATE):
        self.platform = platform = SimPlatform("SIM", _io)
        self.crg = _PairCRG(platform)
        self.boards = {role: PairBoardSoC(platform, profile, role, i, build_hash) for i, role in enumerate(ROLES)}
        self.upstream = up = self.boards["upstream"]
        self.downstream = down = self.boards["downstream"]
        self.lanes = lanes
        for i in range(lanes):
            link = SerDesLinkModel(data_width=20, clock_domain="word")
            setattr(self, f"link{i}", link)
            up.add_lane(i, link.a, link.b_to_a, rate)       # upstream receives b->a
            down.add_lane(i, link.b, link.a_to_b, rate)     # downstream receives a->b
        for soc in self.boards.values():              # all lanes started and latched at once (lane_group_*)
            soc.lane_group = LaneGroup(soc.lane_probes, soc.cycles.count)


def _config(ports: dict[str, int], word_clocker_hz: int) -> SimConfig:
    cfg = SimConfig()
    cfg.add_clocker("sys_clk", freq_hz=SIM_IO_CLOCKER_HZ)
    cfg.add_clocker("core_clk", freq_hz=SIM_SYS_CLOCKER_HZ)
    cfg.add_clocker("word_clk", freq_hz=word_clocker_hz)
    for i, role in enumerate(ROLES):
        cfg.add_module("sbuart", ("serial", i), args={"port": ports[role]})
    return cfg


def build(profile: BoardProfile, lanes: int, build_root: Path, log=print, rate: LineRate = DEFAULT_RATE) -> Path:
    out, h = pair_build_dir(build_root, profile, lanes, rate)
    word_clocker_hz = sim_word_clocker_hz(rate, profile.sys_clk_hz)

    def make(out: Path) -> BuildManifest:
        t0 = time.monotonic()
        top = SimPairTop(profile, lanes, h, rate)
        gw = out / "gateware"
        gw.mkdir(parents=True)
        top.platform.build(top, build_dir=str(gw), build_name="sim", run=False, opt_level="O3", interactive=False,
                           jobs=compile_jobs(),
                           sim_config=_config({"upstream": 1, "downstream": 2}, word_clocker_hz),
                           extra_mods=["sbuart"], extra_mods_path=str(SIM_MODULES_DIR))
        for role, soc in top.boards.items():
            (out / f"csr-{role}.json").write_text(get_csr_json(soc.csr_regions, soc.constants, soc.mem_regions))
        log(f"[pair build] Verilog generated in {time.monotonic() - t0:.1f} s; compiling with Verilator")
        compile_vsim(out)
        return BuildManifest(
            target=TARGET, profile=profile.name, hash=h, version=project_version(),
            packages=package_versions(), sys_clk_hz=profile.sys_clk_hz, lanes=lanes,
            lane=LaneInfo(word_clk_hz=rate.word_clk_hz, bytes_per_word=2, line_rate_baud=rate.baud,
                          ceiling_bytes_per_s=rate.ceiling_bytes_per_s, coding=rate.coding,
                          faults="receiving side, laneN_faults_*",
                          clock_meter="laneN_clock_window/start/done/start_cycle/tx_cycles/rx_cycles"),
            vsim=VSIM, modules_dir=MODULES_DIR,
            boards={role: PairBoard(identifier=soc.ident, csr_json=f"csr-{role}.json", serial_index=i)
                    for i, (role, soc) in enumerate(top.boards.items())},
            csr_fields=lane_csr_fields(top.upstream.lane_probes),
        )

    return build_once(out, make, log, "pair build")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="Build the simulated bench pair (two probe SoCs, one Verilator sim).")
    p.add_argument("--profile", default="versa-ecp5")
    p.add_argument("--lanes", type=int, default=4)
    p.add_argument("--line-rate", type=float, default=DEFAULT_RATE.line_rate_gbps, choices=LINE_RATES_GBPS,
                   help="lane line rate in Gb/s (the word clock is rate / 20)")
    p.add_argument("--coding", default=DEFAULT_RATE.coding, choices=CODINGS, help="the lane probe's line code")
    p.add_argument("--build-root", default="build")
    p.add_argument("--print-dir", action="store_true")
    a = p.parse_args(argv)
    profile = get_profile(a.profile)
    rate = LineRate(a.line_rate, a.coding)
    root = Path(a.build_root).resolve()
    if a.print_dir:
        print(pair_build_dir(root, profile, a.lanes, rate)[0])
        return 0
    out = build(profile, a.lanes, root, rate=rate)
    print(json.dumps({"build_dir": str(out)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
