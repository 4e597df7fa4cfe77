"""The simulated board: the probe SoC under Verilator (LiteX sim platform).

It stands for a Versa-ECP5: same ProbeSoC, same cores, DRAM model of the
profile's module with the profile's width and the ECP5DDRPHY's 1:2 ratio and
latencies, UARTBone on a stream UART (serial2tcp at run time), Etherbone on
the sim Ethernet PHY (TAP at run time). Only the physical PHYs differ.

Run as a module to build (the harness does this in a subprocess so LiteX's
chdir and output stay out of the caller):

    python -m sailbench.gateware.sim --profile versa-ecp5 --build-root build
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from migen import ClockDomain, ClockSignal, ResetSignal, Signal

from litex.build.generic_platform import Pins, Subsignal
from litex.build.sim import SimPlatform
from litex.build.sim.config import SimConfig
from litex.gen import LiteXModule
from litex.soc.cores import uart
from litex.soc.integration.builder import Builder

from litedram import modules as litedram_modules
from litedram.common import PhySettings, get_default_cl, get_default_cwl, get_sys_latency, get_sys_phase
from litedram.phy.model import SDRAMPHYModel
from liteeth.common import eth_phy_description
from litex.soc.interconnect import stream

from sailbench.gateware.build_info import compile_jobs, build_hash, package_versions, project_version, write_manifest, read_manifest
from sailbench.gateware.dram_info import dram_manifest
from sailbench.gateware.dram_settings import dram_module
from sailbench.gateware.profiles import BoardProfile, get_profile, with_sys_clk
from sailbench.gateware.sim_options import TARGET, SimOptions, sim_build_dir
from sailbench.gateware.soc import ProbeSoC

# The Verilator clocker needs an integer picosecond period, which 75 MHz is
# not. Simulated time is never used for rates (cycles x the profile's nominal
# clock are), so the clocker runs at a round 1 MHz.
# Two clocks, in the Versa-ECP5's ratio: the SoC's sys clock (75 MHz nominal)
# and the Ethernet/UART I/O clock (125 MHz nominal, one byte per cycle on the
# simulated wire = GbE). LiteX's sim modules (ethernet, serial2tcp) tick on the
# pad named "sys_clk", so that pad carries the I/O clock and the SoC's sys
# clock comes from "core_clk". The clockers need integer picosecond periods:
# 600 000 ps and 1 000 000 ps are exactly 5:3 = 125:75. Simulated time is never
# used for rates (cycles x the nominal clocks are).
SIM_IO_CLOCKER_HZ = 1_666_666     # period 600 000 ps
SIM_SYS_CLOCKER_HZ = 1_000_000    # period 1 000 000 ps
IO_CLK_NOMINAL_HZ = 125_000_000
SOC_IP = "192.168.1.50"          # the simulated board's Etherbone address (inside the harness's netns)
HOST_IP = "192.168.1.100"        # the TAP's address (inside the same netns)
SOC_MAC = 0x10e2d5000001
ETHERBONE_PORT = 1234

_io = [
    ("sys_clk", 0, Pins(1)),     # I/O clock (see above)
    ("core_clk", 0, Pins(1)),    # SoC sys clock
    ("sys_rst", 0, Pins(1)),
    ("serial", 0,
        Subsignal("source_valid", Pins(1)),
        Subsignal("source_ready", Pins(1)),
        Subsignal("source_data",  Pins(8)),
        Subsignal("sink_valid",   Pins(1)),
        Subsignal("sink_ready",   Pins(1)),
        Subsignal("sink_data",    Pins(8)),
    ),
    ("eth", 0,
        Subsignal("source_valid", Pins(1)),
        Subsignal("source_ready", Pins(1)),
        Subsignal("source_data",  Pins(8)),
        Subsignal("sink_valid",   Pins(1)),
        Subsignal("sink_ready",   Pins(1)),
        Subsignal("sink_data",    Pins(8)),
    ),
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
        ProbeSoC.__init__(self, platform, profile, TARGET, project_version(), build_hash, profile.sys_clk_hz)
        self.add_probe_uartbone(uart.RS232PHYModel(platform.request("serial")), cd="io")
        if options.with_dram and profile.dram is not None:
            d = profile.dram
            module = dram_module(d.module, profile.sys_clk_hz, d.ratio)
            phy = SDRAMPHYModel(module=module, settings=ecp5ddrphy_like_settings(d.data_width, profile.sys_clk_hz),
                                clk_freq=profile.sys_clk_hz)
            self.sdrphy = phy
            self.add_probe_dram(phy, module)
        if options.with_ethernet and profile.has_ethernet:
            self.ethphy = SimGbePHY(platform.request("eth", 0))
            self.add_probe_etherbone(self.ethphy, ip_address=SOC_IP, mac_address=SOC_MAC)
            self.add_probe_hostlink(self.ethphy)


def sim_config_json(uart_port: int, with_ethernet: bool, tap: str = "tap0") -> str:
    """The run-time sim_config.js: clocks and which host modules serve the pads."""
    cfg = SimConfig()
    cfg.add_clocker("sys_clk", freq_hz=SIM_IO_CLOCKER_HZ)
    cfg.add_clocker("core_clk", freq_hz=SIM_SYS_CLOCKER_HZ)
    cfg.add_module("serial2tcp", "serial", args={"port": uart_port})
    if with_ethernet:
        cfg.add_module("ethernet", "eth", args={"interface": tap, "ip": HOST_IP})
    return cfg.get_json()


def _placeholder_config(profile: BoardProfile, options: SimOptions) -> SimConfig:
    """Written at build time only because LiteX insists; each run writes its own sim_config.js."""
    cfg = SimConfig()
    cfg.add_clocker("sys_clk", freq_hz=SIM_IO_CLOCKER_HZ)
    cfg.add_clocker("core_clk", freq_hz=SIM_SYS_CLOCKER_HZ)
    cfg.add_module("serial2tcp", "serial", args={"port": 1})
    if options.with_ethernet and profile.has_ethernet:
        cfg.add_module("ethernet", "eth", args={"interface": "tap0", "ip": HOST_IP})
    return cfg


def build(profile: BoardProfile, options: SimOptions, build_root: Path, log=print) -> Path:
    """Generate the Verilog and compile Vsim. Returns the build directory.

    The manifest is written last; a directory without one is incomplete and
    is rebuilt from scratch."""
    out, h = sim_build_dir(build_root, profile, options)
    if read_manifest(out) is not None:
        return out
    if out.exists():
        shutil.rmtree(out)
    t0 = time.monotonic()
    soc = SimProbeSoC(profile, options, h)
    builder = Builder(soc, output_dir=str(out), compile_software=False, compile_gateware=False,
                      csr_json=str(out / "csr.json"), csr_csv=str(out / "csr.csv"))
    # run=False: generate sources and the build script only; the compile runs below.
    builder.build(sim_config=_placeholder_config(profile, options), run=False, build=True, opt_level="O3", interactive=False,
                  jobs=compile_jobs())
    gw = out / "gateware"
    log(f"[sim build] Verilog generated in {time.monotonic() - t0:.1f} s; compiling with Verilator")
    with open(out / "verilator.log", "w") as f:
        r = subprocess.run(["bash", "build_sim.sh"], cwd=gw, stdout=f, stderr=subprocess.STDOUT)
    if r.returncode != 0 or not (gw / "obj_dir" / "Vsim").is_file():
        tail = (out / "verilator.log").read_text().splitlines()[-15:]
        raise RuntimeError("Verilator build failed (see {}):\n{}".format(out / "verilator.log", "\n".join(tail)))
    manifest = host_manifest(soc, profile, options, h)
    manifest["build_seconds"] = round(time.monotonic() - t0, 1)
    write_manifest(out, manifest)
    log(f"[sim build] done in {time.monotonic() - t0:.1f} s: {out}")
    return out


def host_manifest(soc: ProbeSoC, profile: BoardProfile, options: SimOptions, h: str) -> dict:
    """Everything the host needs to turn cycles into rates and judge them."""
    m = {
        "target": TARGET,
        "profile": profile.name,
        "hash": h,
        "identifier": soc.ident,
        "version": project_version(),
        "packages": package_versions(),
        "sys_clk_hz": profile.sys_clk_hz,
        "options": options.to_dict(),
        "csr_json": "csr.json",
        "vsim": "gateware/obj_dir/Vsim",
        "modules_dir": "gateware/modules",
        "uart": {"kind": "serial2tcp"},
        "etherbone": None,
        "dram": None,
    }
    if getattr(soc, "sdrphy", None) is not None:
        m["dram"] = dram_manifest(soc, profile)
    if getattr(soc, "ethphy", None) is not None:
        m["etherbone"] = {"soc_ip": SOC_IP, "host_ip": HOST_IP, "port": ETHERBONE_PORT}
        m["host_link"] = {
            "phy": "sim (TAP)",
            "line_rate_bytes_per_s": IO_CLK_NOMINAL_HZ,   # one byte per I/O cycle
            # What one frame costs on this wire beyond the UDP payload. The TAP carries
            # frames without preamble and FCS; LiteEth's MAC still pads to 60 bytes and
            # inserts a 12-byte gap on transmit; the sim feeds received frames with a
            # 1-cycle gap.
            "preamble_bytes": 0, "fcs_bytes": 0, "header_bytes": 42, "min_frame_bytes": 60,
            "tx_gap_bytes": 12, "rx_gap_bytes": 1,
            "gen_port": 6000, "sink_port": 6001,
        }
    return m


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="Build the simulated sailbench probe SoC (Verilator).")
    p.add_argument("--profile", default="versa-ecp5")
    p.add_argument("--build-root", default="build")
    p.add_argument("--no-dram", action="store_true")
    p.add_argument("--no-ethernet", action="store_true")
    p.add_argument("--print-dir", action="store_true", help="only print the build directory for these inputs")
    p.add_argument("--sys-clk-hz", type=int, help="sys clock instead of the profile's (lab.yaml sim.sys_clk_hz)")
    a = p.parse_args(argv)
    profile = with_sys_clk(get_profile(a.profile), a.sys_clk_hz)
    options = SimOptions(with_dram=not a.no_dram, with_ethernet=not a.no_ethernet)
    root = Path(a.build_root).resolve()
    if a.print_dir:
        print(sim_build_dir(root, profile, options)[0])
        return 0
    out = build(profile, options, root)
    print(json.dumps({"build_dir": str(out)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
