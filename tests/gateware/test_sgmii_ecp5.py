"""SGMIIPHYECP5 with the real SerDesECP5 (DCUA) elaborates to Verilog inside ProbeSoC with
Etherbone (LiteEthUDPIPCore). No toolchain run. The sail card has no pin map yet, so the
Versa-ECP5's SMA pair (DCU0 channel 1) and its 156.25 MHz SerDes reference clock stand in,
as in liteiclink's Versa-ECP5 SerDes bench."""
import re

import pytest
from migen import ClockDomain

from litex.gen import LiteXModule

from sailbench.gateware.phy.sgmii_ecp5 import SGMIIPHYECP5, SerDesECP5RefClk
from sailbench.gateware.profiles import get_profile
from sailbench.gateware.soc.probe_soc import ProbeSoC

versa = pytest.importorskip("litex_boards.platforms.lattice_versa_ecp5")


class _CRG(LiteXModule):
    def __init__(self, platform):
        self.cd_sys = ClockDomain()
        self.comb += self.cd_sys.clk.eq(platform.request("clk100"))


class SGMIIProbeSoC(ProbeSoC):
    def __init__(self):
        platform = versa.Platform(toolchain="trellis")
        self.crg = _CRG(platform)
        ProbeSoC.__init__(self, platform, get_profile("sail-reva"), "sgmii-elaboration", "0", "0" * 12,
                          75_000_000)
        self.comb += [platform.request("refclk_en").eq(1), platform.request("refclk_rst_n").eq(1)]
        self.refclk = SerDesECP5RefClk(platform.request("refclk", 1))
        self.ethphy = SGMIIPHYECP5(tx_pads=platform.request("sma_tx"), rx_pads=platform.request("sma_rx"),
                                   refclk=self.refclk.refclk, refclk_freq=156.25e6, channel=1)
        self.ethphy.add_timing_constraints(platform)
        self.add_probe_etherbone(self.ethphy, ip_address="192.168.1.50", mac_address=0x10e2d5000003)


def instances(verilog: str, name: str) -> int:
    return len(re.findall(rf"^\s*{name}\s", verilog, re.M))


def test_sgmii_phy_ecp5_elaborates_in_probe_soc():
    soc = SGMIIProbeSoC()
    verilog = str(soc.platform.get_verilog(soc))

    assert instances(verilog, "DCUA") == 1
    assert instances(verilog, "EXTREFB") == 1
    assert instances(verilog, "EHXPLLL") == 2             # eth_tx/_half and eth_rx/_half
    assert instances(verilog, "DCCA") == 2                # txoutclk, rxoutclk onto the global network
    # The DCU's fabric words come from / go to the PCS gearbox, not SerDesECP5's own coder.
    dcu = verilog[re.search(r"^\s*DCUA\s", verilog, re.M).start():]
    dcu = dcu[:dcu.index(");")]
    assert re.search(r"\.CH1_ENC_BYPASS\s*\(\"0b1\"\)", dcu)
    assert re.search(r"\.CH1_FF_TXI_CLK\s*\(eth_tx_half_clk\)", dcu)
    assert re.search(r"\.CH1_FF_RXI_CLK\s*\(eth_rx_half_clk\)", dcu)
    assert re.search(r"\.CH1_FFC_SIGNAL_DETECT\s*\(\w*signal_detect\)", dcu)   # synchronised here
    tx_net = re.search(r"\.CH1_FF_TX_D_0\s*\((\w+)\[0\]\)", dcu).group(1)
    rx_net = re.search(r"\.CH1_FF_RX_D_0\s*\((\w+)\[0\]\)", dcu).group(1)
    assert re.search(rf"{tx_net}\[9:0\] <= \w*core_tx_data\w*\[9:0\]", verilog)
    assert re.search(rf"assign \w*core_rx_data\w* = {{{rx_net}\[21:12\], {rx_net}\[9:0\]}}", verilog)
    # The PHY's CSRs are on the bus next to Etherbone.
    assert {"status", "restarts", "lp_config", "reset"} <= {
        csr.name.removeprefix("ethphy_") for csr in soc.csr_regions["ethphy"].obj}


def test_sgmii_phy_ecp5_rejects_a_serdes_at_another_rate():
    from liteiclink.serdes.serdes_ecp5 import SerDesECP5, SerDesECP5PLL
    from migen import Record, Signal

    pads = [Record([("p", 1), ("n", 1)]) for _ in range(2)]
    pll = SerDesECP5PLL(Signal(), refclk_freq=125e6, linerate=2.5e9)
    with pytest.raises(ValueError, match="1.25 Gbaud"):
        SGMIIPHYECP5(SerDesECP5(pll, pads[0], pads[1]))
    with pytest.raises(ValueError, match="serdes= or tx_pads="):
        SGMIIPHYECP5()
