"""The SGMII host link (the sail card rev-A's: 88E1512 in SGMII over an ECP5 SerDes channel)
built into the probe SoC on the LFE5UM5G-45F with the open toolchain, as a build option of the
ECP5 target (`--host-link sgmii`). Rev-A then needs only its pins: this proves the PHY, the
PCS, the 32-bit sys-side UDP/IP stack and its clocking place, route and close timing.

Run by name (`pytest tests/bitstream/test_sgmii_bitstream.py`), not by plain `pytest`: the developer
suite's 25-minute budget on 2 cores holds the Versa probe and the 4-lane LFE5UM5G-85F bitstreams, and
this variant's place and route (about 8 minutes alone) does not fit beside them."""
import json

import pytest

from sailbench.gateware.build.pnr_report import BuildReport

pytestmark = [pytest.mark.named_only, pytest.mark.timeout(3600)]


def test_sgmii_build_has_the_pcs_and_the_host_link_probes(sgmii_bitstream):
    assert sgmii_bitstream.path.read_bytes()[:64].find(b"Part: LFE5UM5G-45F-8CABGA381") >= 0
    regs = json.loads((sgmii_bitstream.build_dir / "csr.json").read_text())["csr_registers"]
    for name in ("ethphy_status", "ethphy_restarts", "etherbone_writes_count", "hostlink_tx_start",
                 "hostlink_rx_packets", "hostlink_phy_rx_frames", "sdram_generator_start"):
        assert name in regs, name
    m = sgmii_bitstream.manifest
    assert m.options["host_link"] == "sgmii" and m.host_link.phy == "sgmii"
    assert m.lanes == 0                     # the SMA channel carries SGMII in this build


def test_sgmii_build_fits_and_each_clock_has_a_verdict(sgmii_bitstream):
    """Every clock's verdict is reported and agrees with its figures (routed, seed 1: sys 92.8 MHz,
    eth_rx 190.7, eth_tx 145.4 against 75/125/125); test_sgmii_every_clock_passes says whether
    every clock closes."""
    report = BuildReport.from_dict(json.loads((sgmii_bitstream.build_dir / "report.json").read_text()))
    assert report.fits
    u = {x.resource: x for x in report.utilisation}
    assert u["DCUA"].used == 1 and u["PLL"].used >= 3         # CRG + the SGMII TX and RX PLLs
    clocks = sgmii_bitstream.report_summary.clocks
    assert {"sys", "eth_tx", "eth_rx"} <= set(clocks), clocks
    for domain, c in clocks.items():
        assert c.achieved_mhz > 0 and c.required_mhz > 0
        assert c.passed == (c.achieved_mhz >= c.required_mhz), domain
    assert clocks["eth_tx"].required_mhz == clocks["eth_rx"].required_mhz == 125.0
    print("\n" + sgmii_bitstream.report_text)


def test_sgmii_every_clock_passes(sgmii_bitstream):
    """Issue 10's acceptance for the SGMII build option: every clock closes."""
    assert sgmii_bitstream.timing_passed, sgmii_bitstream.failing_summary()
