"""The simulated board: the probe SoC under Verilator (LiteX sim platform).

It stands for a Versa-ECP5: same ProbeSoC, same cores, DRAM model of the
profile's module with the profile's width and the ECP5DDRPHY's 1:2 ratio and
latencies, UARTBone on a stream UART (serial2tcp at run time), Etherbone on
the sim Ethernet PHY (TAP at run time). Only the physical PHYs differ.

Run as a module to build (the harness does this in a subprocess so LiteX's
chdir and output stay out of the caller):

    python -m sailbench.gateware.targets.sim --profile versa-ecp5 --build-root build
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import asdict, replace
from math import gcd
from pathlib import Path

from migen import ClockDomain, ClockSignal, ResetSignal, Signal

from litex.build.generic_platform import Pins, Subsignal
from litex.build.sim import SimPlatform
from litex.build.sim.config import SimConfig
from litex.gen import LiteXModule
from litex.soc.cores import uart
from litex.soc.integration.builder import Builder

from litedram.common import PhySettings, get_default_cl, get_default_cwl, get_sys_latency, get_sys_phase
from litedram.phy.model import SDRAMPHYModel
from liteeth.common import eth_phy_description
from litex.soc.interconnect import stream

from sailbench.gateware.build.build_info import compile_jobs, package_versions, project_version
from sailbench.gateware.build.csr_export import lane_csr_fields
from sailbench.gateware.cores.dfi_faults import DfiFaultInjector
from sailbench.gateware.soc.dram_info import dram_manifest
from sailbench.gateware.soc.dram_pins import write_dram_pins
from sailbench.gateware.soc.dram_settings import dram_module
from sailbench.gateware.build.build_once import build_once
from sailbench.gateware.build.manifest import GBE, BuildManifest, EtherboneInfo, HostLinkInfo, UartInfo
from sailbench.gateware.profiles import BoardProfile, get_profile
from sailbench.gateware.targets.sim_options import HOST_LINKS, TARGET, SimOptions, sim_build_dir
from sailbench.gateware.targets.sim_sgmii import SimSGMIIPHY
from sailbench.gateware.soc.probe_soc import HOSTLINK_GEN_PORT, HOSTLINK_SINK_PORT, ProbeSoC
from sailbench.gateware.build.verilator import MODULES_DIR, VSIM, compile_vsim

# Two clocks, in the board's ratio: the SoC's sys clock (75 MHz nominal on the
# Versa-ECP5, or lab.yaml's sim.sys_clk_hz) and the Ethernet/UART I/O clock
# (125 MHz nominal, one byte per cycle on the simulated wire = GbE). LiteX's sim
# modules (ethernet, serial2tcp) tick on the pad named "sys_clk", so that pad
# carries the I/O clock and the SoC's sys clock comes from "core_clk". The
# clockers run scaled down and need integer frequencies whose picosecond
# periods (1e12 // Hz) are exactly in the nominal ratio, with integer half
# periods (LiteX's timebase): at 75 MHz, 600 000 ps and 1 000 000 ps are
# exactly 5:3 = 125:75 (sim_clockers_hz finds such a pair for any sys clock).
# Simulated time is never used for rates (cycles x the nominal clocks are).
SIM_IO_CLOCKER_HZ = 1_666_666     # period 600 000 ps
SIM_SYS_CLOCKER_HZ = 1_000_000    # period 1 000 000 ps (75 MHz)
IO_CLK_NOMINAL_HZ = 125_000_000


def _clocker_hz(period_ps: int) -> int | None:
    """An integer frequency whose clocker period (1e12 // Hz, as LiteX's clocker computes it) is
    `period_ps`, or None."""
    f = 10**12 // period_ps
    for hz in (f, f + 1):
        if hz and 10**12 // hz == period_ps:
            return hz
    return None


def sim_clockers_hz(sys_clk_hz: int) -> tuple[int, int]:
    """(I/O clocker Hz, sys clocker Hz) with periods exactly in the ratio sys_clk_hz : 125 MHz:
    (1 666 666, 1 000 000) at 75 MHz. Periods P_io = B*m, P_sys = A*m for A/B = 125 MHz / sys
    in lowest terms, m even (integer half periods) and near the 600 000 ps I/O period."""
    g = gcd(IO_CLK_NOMINAL_HZ, sys_clk_hz)
    a, b = IO_CLK_NOMINAL_HZ // g, sys_clk_hz // g
    m0 = max(2, round(600_000 / b / 2) * 2)
    for step in range(0, 200_000, 2):
        for m in (m0 + step, m0 - step):
            if m < 2:
                continue
            io_hz, sys_hz = _clocker_hz(b * m), _clocker_hz(a * m)
            if io_hz and sys_hz:
                return io_hz, sys_hz
    raise ValueError(f"no integer clocker frequencies for a {sys_clk_hz} Hz sys clock")
SOC_IP = "192.168.1.50"          # the simulated board's Etherbone address (inside the harness's netns)
HOST_IP = "192.168.1.100"        # the TAP's address (inside the same netns)
SOC_MAC = 0x10e2d5000001
ETHERBONE_PORT = 1234


def stream_pads(name: str, index: int = 0) -> tuple:
    """Pads that carry a byte stream each way between the SoC and a simulator host module
    (serial2tcp, ethernet): source_* towards the host, sink_* from it, each valid/ready/data."""
    return (name, index, *[Subsignal(f"{side}_{sig}", Pins(width))
                           for side in ("source", "sink") for sig, width in (("valid", 1), ("ready", 1), ("data", 8))])


_io = [
    ("sys_clk", 0, Pins(1)),     # I/O clock (see above)
    ("core_clk", 0, Pins(1)),    # SoC sys clock
    ("sys_rst", 0, Pins(1)),
    stream_pads("serial"),
    stream_pads("eth"),
]


class _SimCRG(LiteXModule):
    def __init__(self, platform):
        self.cd_sys = ClockDomain()
        self.cd_io = ClockDomain()
        rst = platform.request("sys_rst")
        self.comb += [
            self.cd_sys.clk.eq(platform.request("core_clk")),
            self.cd_sys.rst.eq(rst),
            self.cd_io.clk.eq(platform.request("sys_clk")),
            self.cd_io.rst.eq(rst),
        ]


class SimGbePHY(LiteXModule):
    """The sim's Ethernet pads as a LiteEth PHY clocked by the I/O clock (one byte per
    cycle at 125 MHz nominal). Same behaviour as liteeth's LiteEthPHYModel, whose
    clocks are tied to sys: frames go to the TAP without preamble or FCS."""
    dw = 8
    with_preamble_crc = False
    model = True   # no timing constraints for a simulated PHY (litex add_etherbone)
    tx_clk_freq = rx_clk_freq = IO_CLK_NOMINAL_HZ

    def __init__(self, pads):
        self.crg = LiteXModule()
        self.crg.cd_eth_rx = ClockDomain()
        self.crg.cd_eth_tx = ClockDomain()
        self.crg.comb += [
            self.crg.cd_eth_rx.clk.eq(ClockSignal("io")), self.crg.cd_eth_rx.rst.eq(ResetSignal("io")),
            self.crg.cd_eth_tx.clk.eq(ClockSignal("io")), self.crg.cd_eth_tx.rst.eq(ResetSignal("io")),
        ]
        self.sink = sink = stream.Endpoint(eth_phy_description(8))
        self.source = source = stream.Endpoint(eth_phy_description(8))
        self.comb += [
            pads.source_valid.eq(sink.valid),
            pads.source_data.eq(sink.data),
            sink.ready.eq(1),
            source.last.eq(~pads.sink_valid & source.valid),
        ]
        self.sync.io += [
            source.valid.eq(pads.sink_valid),
            source.data.eq(pads.sink_data),
        ]


def ecp5ddrphy_like_settings(databits: int, sys_clk_hz: int) -> PhySettings:
    """PHY settings of LiteDRAM's ECP5DDRPHY (1:2, DDR3) for the DRAM model.

    LiteX's stock sim uses 4 phases for DDR3; the Versa-ECP5 runs 1:2, which
    changes command spacing (tCCD = 2 sys cycles) and so the throughput the
    controller can reach. Same formulas as litedram/phy/ecp5ddrphy.py."""
    nphases = 2
    tck = 2 / (2 * nphases * sys_clk_hz)
    cl, cwl = get_default_cl("DDR3", tck), get_default_cwl("DDR3", tck)
    cl_sys_latency, cwl_sys_latency = get_sys_latency(nphases, cl), get_sys_latency(nphases, cwl)
    return PhySettings(
        phytype="SDRAMPHYModel",
        memtype="DDR3",
        databits=databits,
        dfi_databits=4 * databits,
        nranks=1,
        nphases=nphases,
        rdphase=get_sys_phase(nphases, cl_sys_latency, cl),
        wrphase=get_sys_phase(nphases, cwl_sys_latency, cwl),
        cl=cl,
        cwl=cwl,
        read_latency=cl_sys_latency + 10,
        write_latency=cwl_sys_latency,
    )


class SimProbeSoC(ProbeSoC):
    def __init__(self, profile: BoardProfile, options: SimOptions, build_hash: str):
        platform = SimPlatform("SIM", _io)
        self.crg = _SimCRG(platform)
        self.sys_clk_hz = sys_clk_hz = options.sys_clk_of(profile)
        ProbeSoC.__init__(self, platform, profile, TARGET, project_version(), build_hash, sys_clk_hz)
        self.add_probe_uartbone(uart.RS232PHYModel(platform.request("serial")), cd="io")
        if options.with_dram and profile.dram is not None:
            d = profile.dram
            module = dram_module(d, sys_clk_hz)   # JEDEC timings by density and speed bin (dram_settings.py)
            phy = SDRAMPHYModel(module=module, settings=ecp5ddrphy_like_settings(d.data_width, sys_clk_hz),
                                clk_freq=sys_clk_hz)
            self.sdrphy = phy
            self.dfi_faults = DfiFaultInjector(phy)      # broken wiring on demand (DRAM line tests)
            self.add_probe_dram(self.dfi_faults, module)
        if options.with_ethernet and profile.has_ethernet:
            pads = platform.request("eth", 0)
            self.ethphy = SimSGMIIPHY(pads) if options.host_link == "sgmii" else SimGbePHY(pads)
            self.add_probe_etherbone(self.ethphy, ip_address=SOC_IP, mac_address=SOC_MAC)
            self.add_probe_hostlink(self.ethphy)


def sim_config(profile: BoardProfile, options: SimOptions) -> SimConfig:
    """The build's sim_config.js: clocks and which host modules serve the pads. Each run copies
    it with its own UART port (harness/sim/simulator.py)."""
    cfg = SimConfig()
    io_hz, sys_hz = sim_clockers_hz(options.sys_clk_of(profile))
    cfg.add_clocker("sys_clk", freq_hz=io_hz)
    cfg.add_clocker("core_clk", freq_hz=sys_hz)
    cfg.add_module("serial2tcp", "serial", args={"port": 1})
    if options.with_ethernet and profile.has_ethernet:
        cfg.add_module("ethernet", "eth", args={"interface": "tap0", "ip": HOST_IP})
    return cfg


def build(profile: BoardProfile, options: SimOptions, build_root: Path, log=print) -> Path:
    """The simulated board's build directory, built unless complete (gateware/build/build_once.py)."""
    options = options.for_profile(profile)
    out, h = sim_build_dir(build_root, profile, options)
    return build_once(out, lambda out: simulator(profile, options, out, h, log), log, "sim build")


def simulator(profile: BoardProfile, options: SimOptions, out: Path, h: str, log=print) -> BuildManifest:
    """Generate the Verilog in `out` and compile Vsim; returns the manifest."""
    t0 = time.monotonic()
    soc = SimProbeSoC(profile, options, h)
    builder = Builder(soc, output_dir=str(out), compile_software=False, compile_gateware=False,
                      csr_json=str(out / "csr.json"), csr_csv=str(out / "csr.csv"))
    # run=False: generate sources and the build script only; the compile runs below.
    builder.build(sim_config=sim_config(profile, options), run=False, build=True, opt_level="O3", interactive=False,
                  jobs=compile_jobs())
    log(f"[sim build] Verilog generated in {time.monotonic() - t0:.1f} s; compiling with Verilator")
    compile_vsim(out)
    write_dram_pins(out, profile, simulated=True)
    return host_manifest(soc, profile, options, h)


def host_link_wire(host_link: str) -> dict:
    """The manifest's description of the simulated host link's wire (HostLinkInfo fields without
    the ports): what one frame costs beyond its UDP payload, from which the ceiling is computed."""
    if host_link == "sgmii":
        # SGMII at 1.25 Gbaud: one 8b/10b code group (one byte) per 125 MHz cycle, and GbE's
        # framing on the wire: preamble (/S/ + 7), FCS, a 12-byte gap each way (the MAC's gap
        # on transmit, the PHY-side feed's gap towards the board; gateware/targets/sim_sgmii.py).
        return dict(phy="sgmii (liteeth PCS, SerDes word model, SGMII PHY-side model; TAP)",
                    **asdict(replace(GBE, line_rate_bytes_per_s=IO_CLK_NOMINAL_HZ)))
    # The TAP carries frames without preamble and FCS; LiteEth's MAC still pads to 60 bytes
    # and inserts a 12-byte gap on transmit; the sim feeds received frames with a 1-cycle gap.
    return dict(phy="sim (TAP)", **asdict(replace(GBE, line_rate_bytes_per_s=IO_CLK_NOMINAL_HZ,  # a byte a cycle
                                                  preamble_bytes=0, fcs_bytes=0, rx_gap_bytes=1)))


def host_manifest(soc: ProbeSoC, profile: BoardProfile, options: SimOptions, h: str,
                  build_seconds: float | None = None) -> BuildManifest:
    """Everything the host needs to turn cycles into rates and judge them."""
    eth = getattr(soc, "ethphy", None) is not None
    return BuildManifest(
        target=TARGET, profile=profile.name, hash=h, identifier=soc.ident, version=project_version(),
        packages=package_versions(), sys_clk_hz=soc.sys_clk_hz, options=options.to_dict(),
        csr_json="csr.json", vsim=VSIM, modules_dir=MODULES_DIR, uart=UartInfo(kind="serial2tcp", rx_fifo_bytes=soc.uartbone_rx_fifo_bytes),
        dram=dram_manifest(soc, profile, soc.sys_clk_hz) if getattr(soc, "sdrphy", None) is not None else None,
        etherbone=EtherboneInfo(soc_ip=SOC_IP, host_ip=HOST_IP, port=ETHERBONE_PORT) if eth else None,
        host_link=HostLinkInfo(**host_link_wire(options.host_link), gen_port=HOSTLINK_GEN_PORT, sink_port=HOSTLINK_SINK_PORT) if eth else None,
        csr_fields=lane_csr_fields(getattr(soc, "lane_probes", [])),
        build_seconds=build_seconds,
    )


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="Build the simulated sailbench probe SoC (Verilator).")
    p.add_argument("--profile", default="versa-ecp5")
    p.add_argument("--build-root", default="build")
    p.add_argument("--no-dram", action="store_true")
    p.add_argument("--no-ethernet", action="store_true")
    p.add_argument("--sys-clk-hz", type=int, default=None, help="the sys clock (default: the profile's)")
    p.add_argument("--host-link", choices=HOST_LINKS, default="tap",
                   help="what carries the Ethernet to the TAP (default: the plain sim wire)")
    p.add_argument("--print-dir", action="store_true", help="only print the build directory for these inputs")
    a = p.parse_args(argv)
    profile = get_profile(a.profile)
    options = SimOptions(with_dram=not a.no_dram, with_ethernet=not a.no_ethernet, sys_clk_hz=a.sys_clk_hz,
                         host_link=a.host_link)
    root = Path(a.build_root).resolve()
    if a.print_dir:
        print(sim_build_dir(root, profile, options)[0])
        return 0
    out = build(profile, options, root)
    print(json.dumps({"build_dir": str(out)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
