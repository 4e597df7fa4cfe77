"""What the targets write into the build manifest, from the gateware itself: the lane probe's CSR
field layout (the harness decodes lane<i>_control/status with it) and each target's manifest keys."""
from pathlib import Path

from sailbench.gateware.cores.lane_probe import LaneProbe
from sailbench.gateware.build.csr_export import csr_field_layout, lane_csr_fields
from sailbench.gateware.build.manifest import BuildManifest, CsrField, UartInfo
from sailbench.harness.probes.lanes import FIELDS

DATA = Path(__file__).resolve().parents[1] / "unit" / "data"
SINGLE_BOARD_KEYS = {"target", "profile", "hash", "identifier", "version", "packages", "sys_clk_hz", "options",
                     "csr_json", "uart", "etherbone", "dram", "host_link", "csr_fields", "schema"}


def test_exported_lane_layout_is_the_one_laneprobe_declares():
    probe = LaneProbe()
    exported = lane_csr_fields([probe])["lane"]
    for register in ("control", "status"):
        declared = {f.name: CsrField(f.offset, f.size) for f in getattr(probe, register).fields.fields}
        assert exported[register] == declared
    offset = 0
    for f in probe.status.fields.fields:            # packed in declaration order, no gaps
        assert exported["status"][f.name] == CsrField(offset, f.size)
        offset += f.size
    for register, names in FIELDS.items():            # every field the harness decodes is exported
        assert set(names) <= set(exported[register])
    assert set(csr_field_layout(probe)) == {"control", "status"}   # plain CSRs carry no layout
    assert lane_csr_fields([]) == {}


def test_sim_manifest_keys(tmp_path):
    from sailbench.gateware.profiles import get_profile
    from sailbench.gateware.targets.sim import SimProbeSoC, host_manifest
    from sailbench.gateware.targets.sim_options import SimOptions
    profile, options = get_profile("versa-ecp5"), SimOptions()
    soc = SimProbeSoC(profile, options, "0123456789ab")
    m = host_manifest(soc, profile, options, "0123456789ab", build_seconds=1.0)
    assert set(m.to_dict()) == SINGLE_BOARD_KEYS | {"vsim", "modules_dir", "build_seconds"}
    assert m.dram.phy.nphases == 2 and len(m.dram.init_sequence) > 5 and m.etherbone.host_ip == "192.168.1.100"
    assert m.uart == UartInfo(kind="serial2tcp", rx_fifo_bytes=1024)
    assert BuildManifest.from_dict(m.to_dict()) == m


def test_ecp5_manifest_keys(tmp_path):
    from sailbench.gateware.build import pnr_report
    from sailbench.gateware.targets.ecp5 import generate, host_manifest
    from sailbench.gateware.targets.ecp5_options import Ecp5Options
    from sailbench.gateware.profiles import get_profile
    profile, options = get_profile("versa-ecp5"), Ecp5Options()
    soc = generate(profile, options, tmp_path / "out", "0123456789ab")
    report = pnr_report.parse_log((DATA / "nextpnr_versa_ecp5.log").read_text(), profile.name, profile.fpga,
                                  soc.clock_domains_mhz())
    m = host_manifest(soc, profile, options, "0123456789ab", report)
    assert set(m.to_dict()) == SINGLE_BOARD_KEYS | {"fpga", "jtag_idcode", "bitstream", "report",
                                                    "clocks_mhz", "lanes", "lane"}
    assert m.lanes == 1 and m.lane.channels[0].serdes == "DCU0 CH1" and set(m.csr_fields) == {"lane"}
    assert m.lane.channels[0].pins == {"tx": "W8/W9", "rx": "Y7/Y8"}     # litex-boards: sma_tx, sma_rx
    assert m.clocks_mhz["sys"] == 75.0 and m.clocks_mhz["lane0_rx"] == 62.5
    assert m.report == report.summary("report.json", "report.txt")
    assert BuildManifest.from_dict(m.to_dict()) == m           # the typed manifest survives its JSON
    assert (m.uart.kind, m.uart.baudrate, m.etherbone.host_ip) == ("rs232", 115200, None)
    assert m.uart.rx_fifo_bytes == 1024          # the host may pipeline reads (cores/uartbone_fifo.py)
    assert m.dram.phy.read_leveling and m.dram.phy.phytype == "ECP5DDRPHY"
    # The lanes are started and latched together (one hardware window, as in the simulated pair).
    import json
    regs = json.loads((tmp_path / "out" / "csr.json").read_text())["csr_registers"]
    assert {"lane_group_start", "lane_group_latch", "lane_group_latch_cycle", "lane_group_mask"} <= set(regs)
