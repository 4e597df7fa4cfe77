"""Real ECP5 boards: the probe SoC on the board's platform, built to a bitstream.

Same ProbeSoC, cores and CSR names as the simulated board, so the harness
works unchanged; only the physical layer differs: the board's platform
(litex-boards, or gateware/platforms/ for boards it lacks), a CRG modelled
on litex-boards' `targets/lattice_versa_ecp5.py` (sys 75 MHz, sys2x 150 MHz
through ECLKSYNCB/CLKDIVF for the ECP5DDRPHY), the ECP5DDRPHY with the
profile's DRAM module, UARTBone on the UART pins, Etherbone over RGMII (or
SGMII on a SerDes channel, `--host-link sgmii`) with LiteEth's UDP/IP stack
32 bits wide in sys, and a lane probe per inter-card SerDes channel of the
profile (gateware/soc/ecp5_serdes.py).

The bitstream comes from yosys, nextpnr-ecp5 and ecppack installed from PyPI
(YoWASP, gateware/build/yowasp.py). nextpnr's report becomes report.json and
report.txt beside the bitstream (gateware/build/pnr_report.py); `sailbench.json`
is written last and records the timing verdict. Whether a failing clock
fails the build is the harness's call (`--allow-timing-fail`).

Run as a module (the harness does, in a subprocess):

    python -m sailbench.gateware.targets.ecp5 --profile versa-ecp5 --build-root build
"""
from __future__ import annotations

import argparse
import dataclasses
import importlib
import json
import shutil
import sys
import time
from pathlib import Path

from migen import ClockDomain, If, Instance, Signal
from migen.genlib.resetsync import AsyncResetSynchronizer

from litex.gen import LiteXModule
from litex.soc.cores import uart
from litex.soc.cores.clock import ECP5PLL
from litex.soc.integration.builder import Builder

from sailbench.gateware.soc.dram_settings import dram_module
from litedram.phy import ECP5DDRPHY
from liteeth.phy.ecp5rgmii import LiteEthPHYRGMII

from sailbench.gateware.build import pnr_report
from sailbench.gateware.build.build_info import package_versions, project_version
from sailbench.gateware.build.csr_export import lane_csr_fields
from sailbench.gateware.soc.dram_info import dram_manifest
from sailbench.gateware.soc.dram_pins import write_dram_pins
from sailbench.gateware.build.build_once import build_once
from sailbench.gateware.build.manifest import (GBE, BuildManifest, EtherboneInfo, HostLinkInfo, LaneChannel, LaneInfo,
                                               UartInfo)
from sailbench.gateware.targets.ecp5_options import BUILD_NAME, TARGET, Ecp5Options, ecp5_build_dir, mac_int, tool_versions
from sailbench.gateware.soc.ecp5_serdes import add_lanes, add_sgmii_phy, check_lane_rate, lane_channels
from sailbench.gateware.profiles.lane_rates import LINE_RATES_GBPS
from sailbench.gateware.cores.lane_probe import BYTES_PER_WORD, WORD_BITS
from sailbench.gateware.profiles import BoardProfile, ProfileError, buildable_profile, with_sys_clk
from sailbench.gateware.soc.probe_soc import HOSTLINK_GEN_PORT, HOSTLINK_SINK_PORT, ProbeSoC
from sailbench.gateware.build.yowasp import (ToolchainError, YowaspTrellisToolchain, nextpnr_device, run_steps, steps,
                                             write_script)

ETHERBONE_PORT = 1234
INIT_CLK_HZ = 25_000_000          # ECP5DDRPHYInit's clock domain (litex-boards uses 25 MHz)


class Ecp5CRG(LiteXModule):
    """Clocks for the probe SoC on an ECP5 board (after litex-boards' Versa-ECP5 _CRG).

    Board oscillator -> PLL -> sys2x (2 x sys) through ECLKSYNCB (stoppable by
    the DDR PHY's init) -> CLKDIVF /2 -> sys. init (25 MHz) runs the DDR PHY's
    DDRDLLA/DQSBUFM start-up. A power-on counter holds the PLL in reset."""

    def __init__(self, platform, sys_clk_hz: int, clk_in: str):
        self.rst = Signal()
        self.stop = Signal()      # from the DDR PHY init: stop ECLK while it aligns
        self.reset = Signal()     # from the DDR PHY init: reset CLKDIVF
        self.cd_init = ClockDomain()
        self.cd_por = ClockDomain()
        self.cd_sys = ClockDomain()
        self.cd_sys2x = ClockDomain()
        self.cd_sys2x_i = ClockDomain()

        clk = platform.request(clk_in)
        rst_n = platform.request("rst_n")
        clk_hz = 1e9 / platform.default_clk_period

        por_count = Signal(16, reset=2**16 - 1)
        por_done = Signal()
        self.comb += [self.cd_por.clk.eq(clk), por_done.eq(por_count == 0)]
        self.sync.por += If(~por_done, por_count.eq(por_count - 1))

        self.pll = pll = ECP5PLL()
        self.comb += pll.reset.eq(~por_done | ~rst_n | self.rst)
        pll.register_clkin(clk, clk_hz)
        pll.create_clkout(self.cd_sys2x_i, 2 * sys_clk_hz)
        pll.create_clkout(self.cd_init, INIT_CLK_HZ)
        self.specials += [
            Instance("ECLKSYNCB", i_ECLKI=self.cd_sys2x_i.clk, i_STOP=self.stop, o_ECLKO=self.cd_sys2x.clk),
            Instance("CLKDIVF", p_DIV="2.0", i_ALIGNWD=0, i_CLKI=self.cd_sys2x.clk, i_RST=self.reset,
                     o_CDIVX=self.cd_sys.clk),
            AsyncResetSynchronizer(self.cd_sys, ~pll.locked | self.reset),
        ]


def board_platform(profile: BoardProfile):
    """The profile's LiteX platform with sailbench's YoWASP toolchain, checked against the profile."""
    if profile.platform is None and profile.pin_table:        # pins from the profile file (docs/boards.md)
        from sailbench.gateware.platforms.pin_table import pin_table_platform
        platform = pin_table_platform(profile)
        platform.toolchain = YowaspTrellisToolchain()
        return platform
    try:
        module = importlib.import_module(profile.platform)
    except ImportError as e:
        raise ProfileError(f"profile '{profile.name}': platform module '{profile.platform}' does not import "
                           f"({e}); install litex-boards or add gateware/platforms/<board>.py") from e
    kwargs = {"toolchain": "trellis"}
    if profile.platform_device is not None:
        kwargs["device"] = profile.platform_device
    platform = module.Platform(**kwargs)
    if platform.device.upper() != profile.fpga.upper():
        raise ProfileError(f"profile '{profile.name}': fpga is {profile.fpga} but platform {profile.platform} "
                           f"is for {platform.device}; fix the profile's fpga or platform_device")
    platform.toolchain = YowaspTrellisToolchain()
    return platform


class Ecp5ProbeSoC(ProbeSoC):
    def __init__(self, profile: BoardProfile, options: Ecp5Options, build_hash: str):
        platform = board_platform(profile)
        sys_clk_hz = profile.sys_clk_hz
        self.crg = Ecp5CRG(platform, sys_clk_hz, profile.clk_in)
        ProbeSoC.__init__(self, platform, profile, TARGET, project_version(), build_hash, sys_clk_hz)
        self.add_probe_uartbone(uart.RS232PHY(platform.request("serial"), clk_freq=sys_clk_hz,
                                              baudrate=options.uart_baudrate))
        if options.with_dram and profile.dram is not None:
            d = profile.dram
            module = dram_module(d, sys_clk_hz)   # JEDEC timings by density and speed bin (dram_settings.py)
            # The CSRs are named ddrphy_* as on every LiteX board (the BIOS's leveling uses them).
            self.ddrphy = ECP5DDRPHY(platform.request("ddram"), sys_clk_freq=sys_clk_hz)
            self.comb += [self.crg.stop.eq(self.ddrphy.init.stop), self.crg.reset.eq(self.ddrphy.init.reset)]
            self.add_probe_dram(self.ddrphy, module)
        self.host_phy = options.host_phy(profile)
        if self.host_phy == "rgmii":
            self.ethphy = LiteEthPHYRGMII(
                clock_pads=platform.request("eth_clocks", profile.eth_phy),
                pads=platform.request("eth", profile.eth_phy),
                tx_delay=profile.rgmii_tx_delay_ns * 1e-9,
                rx_delay=profile.rgmii_rx_delay_ns * 1e-9)
        elif self.host_phy == "sgmii":
            if profile.sgmii_channel is None or profile.serdes_refclk is None:
                raise ProfileError(f"profile '{profile.name}': no sgmii_channel/serdes_refclk for an SGMII host link")
            self.ethphy = add_sgmii_phy(self, profile)
        if self.host_phy is not None:
            self.add_probe_etherbone(self.ethphy, ip_address=options.eth_ip,
                                     mac_address=mac_int(options.mac_address(profile)))
            self.add_probe_hostlink(self.ethphy)
        self.lanes = (add_lanes(self, profile, lane_channels(profile, self.host_phy), options.line_rate_gbps)
                      if options.with_lanes else [])

    def clock_domains_mhz(self) -> dict[str, float]:
        """Nominal frequency of each clock the CRG makes (names nextpnr's clock nets in the report)."""
        sys_mhz = self.profile.sys_clk_hz / 1e6
        clocks = {"sys": sys_mhz, "sys2x": 2 * sys_mhz, "init": INIT_CLK_HZ / 1e6,
                  self.profile.clk_in: 1e3 / self.platform.default_clk_period}
        if self.host_phy == "sgmii":
            clocks |= {"eth_tx": 125.0, "eth_rx": 125.0, "eth_tx_half": 62.5, "eth_rx_half": 62.5,
                       "sgmii_tx": 62.5, "sgmii_rx": 62.5}
        for lane in self.lanes:
            clocks |= {lane["tx_clock_domain"]: lane["word_clk_hz"] / 1e6, lane["rx_clock_domain"]: lane["word_clk_hz"] / 1e6}
        return clocks


def host_manifest(soc: Ecp5ProbeSoC, profile: BoardProfile, options: Ecp5Options, h: str,
                  report: pnr_report.BuildReport) -> BuildManifest:
    """Everything the host needs to load the bitstream, talk to the board and judge its clocks."""
    eth = getattr(soc, "ethphy", None) is not None
    return BuildManifest(
        target=TARGET, profile=profile.name, hash=h, identifier=soc.ident, version=project_version(),
        packages=package_versions() | tool_versions(), sys_clk_hz=profile.sys_clk_hz,
        fpga=profile.fpga, jtag_idcode=profile.jtag_idcode, options=options.to_dict(),
        csr_json="csr.json", bitstream=f"{BUILD_NAME}.bit",
        report=report.summary("report.json", "report.txt"),
        uart=UartInfo(kind="rs232", baudrate=options.uart_baudrate, rx_fifo_bytes=soc.uartbone_rx_fifo_bytes),
        dram=dram_manifest(soc, profile) if getattr(soc, "ddrphy", None) is not None else None,
        etherbone=EtherboneInfo(soc_ip=options.eth_ip, port=ETHERBONE_PORT, mac=options.mac_address(profile))
        if eth else None,
        host_link=HostLinkInfo(phy=soc.host_phy, **dataclasses.asdict(GBE),     # a frame on the copper
                               gen_port=HOSTLINK_GEN_PORT, sink_port=HOSTLINK_SINK_PORT) if eth else None,
        clocks_mhz=soc.clock_domains_mhz(),
        # Same records as the simulated pair's manifest (gateware/targets/sim_pair.py), plus where each lane is.
        lanes=len(soc.lanes),
        lane=LaneInfo(word_clk_hz=options.line_rate_gbps * 1e9 / WORD_BITS, bytes_per_word=BYTES_PER_WORD,
                      line_rate_baud=options.line_rate_gbps * 1e9,
                      ceiling_bytes_per_s=options.line_rate_gbps * 1e9 / WORD_BITS * BYTES_PER_WORD,
                      # laneN_clock: word clocks counted over one window of sys cycles (cores/clock_meter.py):
                      # f = laneN_clock_{tx,rx}_cycles / laneN_clock_window x f_sys (measured).
                      clock_meter="laneN_clock_window/start/done/start_cycle/tx_cycles/rx_cycles",
                      channels=tuple(LaneChannel(**lane) for lane in soc.lanes)),
        csr_fields=lane_csr_fields(getattr(soc, "lane_probes", [])),
    )


def generate(profile: BoardProfile, options: Ecp5Options, out: Path, h: str) -> Ecp5ProbeSoC:
    """Verilog, LPF constraints, the Yosys script and csr.json in `out` (from scratch); no toolchain run."""
    if out.exists():
        shutil.rmtree(out)
    soc = Ecp5ProbeSoC(profile, options, h)
    builder = Builder(soc, output_dir=str(out), compile_software=False, compile_gateware=False,
                      csr_json=str(out / "csr.json"), csr_csv=str(out / "csr.csv"))
    builder.build(build_name=BUILD_NAME, run=False)
    return soc


def build(profile: BoardProfile, options: Ecp5Options, build_root: Path, log=print) -> Path:
    """The bitstream's build directory, built unless complete (gateware/build/build_once.py)."""
    out, h = ecp5_build_dir(build_root, profile, options)
    return build_once(out, lambda out: bitstream(profile, options, out, h, log), log, "ecp5 build")


def bitstream(profile: BoardProfile, options: Ecp5Options, out: Path, h: str, log=print) -> BuildManifest:
    """Generate the design in `out`, run yosys/nextpnr/ecppack, write the report; returns the manifest."""
    t0 = time.monotonic()
    soc = generate(profile, options, out, h)
    device = nextpnr_device(soc.platform)
    gw = out / "gateware"
    t_gen = time.monotonic() - t0
    log(f"[ecp5 build] design generated in {t_gen:.1f} s ({device.architecture}, {device.package}, "
        f"speed {device.speed_grade})")
    todo = steps(BUILD_NAME, device, options.seed)
    write_script(gw, todo)
    seconds = {"generate": round(t_gen, 1), **run_steps(gw, todo, log)}
    report = pnr_report.from_files(gw / "nextpnr-report.json", gw / "nextpnr.log", profile=profile.name,
                                   device=profile.fpga, known=soc.clock_domains_mhz())
    (out / "report.json").write_text(json.dumps(report.to_dict(), indent=2) + "\n")
    (out / "report.txt").write_text(report.render() + "\n")
    shutil.copyfile(gw / f"{BUILD_NAME}.bit", out / f"{BUILD_NAME}.bit")
    write_dram_pins(out, profile)
    log(report.render())
    return dataclasses.replace(host_manifest(soc, profile, options, h, report), step_seconds=seconds)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="Build the sailbench probe SoC bitstream for an ECP5 board (YoWASP).")
    p.add_argument("--profile", default="versa-ecp5")
    p.add_argument("--build-root", default="build")
    p.add_argument("--no-dram", action="store_true")
    p.add_argument("--no-ethernet", action="store_true")
    p.add_argument("--eth-ip", default=Ecp5Options.eth_ip)
    p.add_argument("--mac", default=None, help="the board's MAC address (default: the profile's host_link.mac)")
    p.add_argument("--uart-baudrate", type=int, default=Ecp5Options.uart_baudrate)
    p.add_argument("--seed", type=int, default=Ecp5Options.seed)
    p.add_argument("--host-link", choices=("rgmii", "sgmii"), default=None,
                   help="host-link PHY (default: the profile's); sgmii goes on the profile's sgmii_channel")
    p.add_argument("--no-lanes", action="store_true", help="no lane probes on the profile's SerDes channels")
    p.add_argument("--line-rate", type=float, default=Ecp5Options.line_rate_gbps, choices=LINE_RATES_GBPS,
                   help="lane line rate in Gb/s (5 only on an ECP5-5G): the DCU PLL, CDR and word clocks follow")
    p.add_argument("--print-dir", action="store_true", help="only print the build directory for these inputs")
    p.add_argument("--no-compile", action="store_true",
                   help="only generate the design (Verilog, LPF, scripts, csr.json) into <build-root>/ecp5-<profile>-"
                        "generated, as litex-boards' target tests do; no toolchain run")
    p.add_argument("--sys-clk-hz", type=int, help="sys clock instead of the profile's (the DDR clock follows it)")
    a = p.parse_args(argv)
    try:
        profile = with_sys_clk(buildable_profile(a.profile), a.sys_clk_hz)
    except ProfileError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    options = Ecp5Options(with_dram=not a.no_dram, with_ethernet=not a.no_ethernet, eth_ip=a.eth_ip,
                          uart_baudrate=a.uart_baudrate, seed=a.seed, host_link=a.host_link, mac=a.mac,
                          with_lanes=not a.no_lanes, line_rate_gbps=a.line_rate)
    try:
        check_lane_rate(profile, options)
    except ProfileError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    root = Path(a.build_root).resolve()
    if a.print_dir:
        print(ecp5_build_dir(root, profile, options)[0])
        return 0
    if a.no_compile:
        out = root / f"{TARGET}-{profile.name}-generated"
        generate(profile, options, out, ecp5_build_dir(root, profile, options)[1])
        print(json.dumps({"generated": str(out)}))
        return 0
    try:
        out = build(profile, options, root)
    except (ToolchainError, ProfileError, pnr_report.ReportError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    print(json.dumps({"build_dir": str(out)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
