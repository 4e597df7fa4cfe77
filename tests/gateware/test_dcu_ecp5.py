"""Both channels of one ECP5 DCU (gateware/phy/dcu_ecp5.py): one DCUA instance per DCU with each
channel's CHx_ parameters and the shared D_ parameters once, and a lane probe per channel.

Elaborates the `sail-lanes` profile (4 lanes on the LFE5UM5G-85F's 2 DCUs) to Verilog as
`python -m sailbench.gateware.targets.ecp5 --no-compile` does; no toolchain run (about 5 s)."""
import json
import re

import pytest
from migen import ClockDomain, Signal

from litex.gen import LiteXModule

from sailbench.gateware.phy.dcu_ecp5 import SerDesECP5Channel, SerDesECP5DCU


@pytest.fixture(scope="module")
def sail_lanes(tmp_path_factory):
    from sailbench.gateware.targets.ecp5 import generate
    from sailbench.gateware.targets.ecp5_options import Ecp5Options
    from sailbench.gateware.profiles import buildable_profile
    out = tmp_path_factory.mktemp("sail-lanes") / "generated"
    soc = generate(buildable_profile("sail-lanes"), Ecp5Options(), out, "0" * 12)
    return soc, (out / "gateware" / "top.v").read_text(), json.loads((out / "csr.json").read_text())


def dcua_instances(verilog: str) -> list[tuple[str, str]]:
    """(attributes, text of the instance) of each DCUA in the Verilog."""
    out = []
    for m in re.finditer(r"(\(\*[^)]*\*\)\s*)?(?://[^\n]*\n\s*)*DCUA #\(", verilog):
        body = verilog[m.start():]
        out.append((m.group(1) or "", body[:body.index(");")]))
    return out


def port(inst: str, name: str) -> str:
    m = re.search(rf"\.{name}\s*\((.*?)\),?\n", inst)
    assert m, name
    return m.group(1).strip()


def test_one_dcua_per_dcu_with_both_channels(sail_lanes):
    soc, v, _ = sail_lanes
    dcus = dcua_instances(v)
    assert len(dcus) == 2
    assert [re.search(r'LOC = "(DCU\d)"', a).group(1) for a, _ in dcus] == ["DCU0", "DCU1"]
    for d, (attrs, inst) in enumerate(dcus):
        assert "CHAN" not in attrs                     # both channels: no single-channel hint
        for ch in (0, 1):
            lane = 2 * d + ch
            assert port(inst, f"CH{ch}_PROTOCOL") == '"10BSER"'
            assert port(inst, f"CH{ch}_FF_TXI_CLK") == f"lane{lane}_tx_clk"
            assert port(inst, f"CH{ch}_FF_RXI_CLK") == f"lane{lane}_rx_clk"
            assert port(inst, f"CH{ch}_FF_TX_PCLK") == f"lane{lane}_txoutclk"
            assert port(inst, f"CH{ch}_FF_RX_PCLK") == f"lane{lane}_rxoutclk"
            assert port(inst, f"CH{ch}_HDOUTP") == f"dcu{d}_ch{ch}_tx_p"
            assert port(inst, f"CH{ch}_HDINN") == f"dcu{d}_ch{ch}_rx_n"
            assert port(inst, f"CH{ch}_INVERT_TX") == '"0b0"'
            assert "CHX_" not in inst
        # The dual's parameters and ports once: TX PLL 156.25 MHz x16 = 2.5 GHz, /2 = 1.25 Gb/s.
        for name in ("D_REFCK_MODE", "D_TX_VCO_CK_DIV", "D_MACROPDB", "D_FFC_TRST", "D_FFS_PLOL", "D_REFCLKI"):
            assert len(re.findall(rf"\.{name}\s*\(", inst)) == 1, name
        assert port(inst, "D_REFCK_MODE") == '"0b010"' and port(inst, "D_TX_VCO_CK_DIV") == '"0b010"'
        # TX PLL reset while both channels' reset sequencers ask for it.
        trst = port(inst, "D_FFC_TRST")
        assert " & " in trst and len(re.findall(r"init_tx_rst", trst)) == 2
        assert "SCI" not in inst                       # no shared SCI bus: polarity is CHx_INVERT_TX/RX


def test_each_dcu_has_its_own_reference_clock(sail_lanes):
    _, v, _ = sail_lanes
    assert '(* LOC = "EXTREF0" *)' in v and '(* LOC = "EXTREF1" *)' in v
    assert v.count('.REFCK_RTERM ("0b1")') == 2               # the profile's termination_ohm: 100, on chip
    d0, d1 = (port(inst, "D_REFCLKI") for _, inst in dcua_instances(v))
    assert d0 != d1


def test_a_lane_probe_and_clock_meter_per_channel(sail_lanes):
    soc, v, csr = sail_lanes
    regs = csr["csr_registers"]
    for lane in range(4):
        for name in ("status", "word_clk_hz", "latch", "tx_cycles", "clock_tx_cycles", "clock_rx_cycles"):
            assert f"lane{lane}_{name}" in regs, (lane, name)
    assert "lane4_status" not in regs and not any("sci_reconfig" in r for r in regs)
    assert [(l["dual"], l["channel"]) for l in soc.lanes] == [(0, 0), (0, 1), (1, 0), (1, 1)]
    assert set(soc.clock_domains_mhz()) >= {f"lane{i}_{d}" for i in range(4) for d in ("tx", "rx")}
    # The probe's 20-bit words reach the DCU's 24-bit FF_TX_D (bits 10-11, 22-23 unused).
    inst = dcua_instances(v)[1][1]
    tx_net = re.fullmatch(r"(\w+)\[0\]", port(inst, "CH1_FF_TX_D_0")).group(1)
    assert port(inst, "CH1_FF_TX_D_12") == f"{tx_net}[12]"
    word = re.search(rf"{tx_net}\[21:12\] <= (\w+)\[19:10\];", v).group(1)
    assert re.search(rf"assign {word} = \w*laneprobe3_tx_data;", v)


class _Pair:
    def __init__(self):
        self.p, self.n = Signal(), Signal()


def _channel(refclk, dual=0, channel=0, refclk_hz=156.25e6, pads=None, **kw):
    from liteiclink.serdes.serdes_ecp5 import SerDesECP5PLL
    pll = SerDesECP5PLL(refclk, refclk_freq=refclk_hz, linerate=1.25e9)
    tx, rx = pads or (_Pair(), _Pair())
    return SerDesECP5Channel(pll, tx, rx, dual=dual, channel=channel, **kw)


def test_dcu_refuses_channels_that_cannot_share_it():
    refclk = Signal()
    with pytest.raises(ValueError, match="two channels on DCU0 CH1"):
        SerDesECP5DCU([_channel(refclk, channel=1), _channel(refclk, channel=1)])
    with pytest.raises(ValueError, match="channel in DCU1 given to DCU0"):
        SerDesECP5DCU([_channel(refclk), _channel(refclk, dual=1, channel=1)])
    with pytest.raises(ValueError, match="one reference clock"):
        SerDesECP5DCU([_channel(refclk), _channel(refclk, channel=1, refclk_hz=125e6)])
    with pytest.raises(ValueError, match="1 or 2 channels"):
        SerDesECP5DCU([])


def test_one_channel_dcu_keeps_liteiclink_placement_and_polarity_is_a_parameter():
    from sailbench.gateware.platforms.ecp5_lanes_platform import Platform
    platform = Platform()

    class Top(LiteXModule):
        def __init__(self):
            self.cd_sys = ClockDomain()
            self.comb += self.cd_sys.clk.eq(platform.request("clk100"))
            pads = platform.request("dcu0_ch1_tx"), platform.request("dcu0_ch1_rx")
            self.dcu = SerDesECP5DCU([_channel(Signal(), channel=1, tx_polarity=1, pads=pads)])
    v = str(platform.get_verilog(Top()))
    (attrs, inst), = dcua_instances(v)
    assert 'CHAN = "CH1"' in attrs and 'LOC = "DCU0"' in attrs
    assert port(inst, "CH1_INVERT_TX") == '"0b1"' and port(inst, "CH1_INVERT_RX") == '"0b0"'
    assert "CH0_" not in inst


def test_lane_pads_name_their_balls():
    """Bring-up names a lane by its balls: a p/n resource, or a pair inside litex-boards' ECPIX-5
    `sata` resource ("sata:tx" is its tx_p/tx_n)."""
    from sailbench.gateware.soc.ecp5_serdes import pad_balls
    assert pad_balls("litex_boards.platforms.lambdaconcept_ecpix5", "sata:tx") == "AD16/AD17"
    assert pad_balls("litex_boards.platforms.lambdaconcept_ecpix5", "sata:rx") == "AF15/AF16"
    assert pad_balls("sailbench.gateware.platforms.ecp5_lanes_platform", "dcu1_ch1_tx") == "W17/W18"
    assert pad_balls("litex_boards.platforms.lattice_versa_ecp5", "sma_rx") == "Y7/Y8"


@pytest.fixture(scope="module")
def sail_lanes_3g125(tmp_path_factory):
    """The same 4-lane build at 3.125 Gb/s (the fastest lane clock, 156.25 MHz): generate only, about 5 s."""
    from sailbench.gateware.targets.ecp5 import generate
    from sailbench.gateware.targets.ecp5_options import Ecp5Options
    from sailbench.gateware.profiles import buildable_profile
    out = tmp_path_factory.mktemp("sail-lanes-3g125") / "generated"
    soc = generate(buildable_profile("sail-lanes"), Ecp5Options(line_rate_gbps=3.125), out, "0" * 12)
    return soc, (out / "gateware" / "top.v").read_text(), (out / "gateware" / "top.lpf").read_text()


def test_the_dcu_pll_cdr_and_word_clock_constraints_follow_the_line_rate(sail_lanes, sail_lanes_3g125):
    """1.25 Gb/s from 156.25 MHz is x16 / 2; 3.125 Gb/s is x20 / 1 (gateware/soc/dcu_pll.py), the CDR divides
    as the TX PLL does, MAX_RATE says the rate, and the lane clocks are constrained at rate / 20."""
    for (soc, v, *_), rate, mode, div, mhz in ((sail_lanes, "1.25", "0b010", "0b010", 62.5),
                                              (sail_lanes_3g125, "3.125", "0b000", "0b000", 156.25)):
        for _, inst in dcua_instances(v):
            assert (port(inst, "D_REFCK_MODE"), port(inst, "D_TX_VCO_CK_DIV")) == (f'"{mode}"', f'"{div}"'), rate
            assert port(inst, "D_TX_MAX_RATE") == f'"{rate}"'
            for ch in (0, 1):
                assert port(inst, f"CH{ch}_RX_DCO_CK_DIV") == f'"{div}"'
                assert port(inst, f"CH{ch}_CDR_MAX_RATE") == f'"{rate}"'
        assert {soc.clock_domains_mhz()[f"lane{i}_{d}"] for i in range(4) for d in ("tx", "rx")} == {mhz}
        assert [l["pll"]["vco_freq"] / l["pll"]["d"] for l in soc.lanes] == [float(rate) * 1e9] * 4
    lpf = sail_lanes_3g125[2]
    for i in range(4):
        assert f'FREQUENCY PORT "lane{i}_txoutclk" 156.25 MHz;' in lpf
        assert f'FREQUENCY PORT "lane{i}_rxoutclk" 156.25 MHz;' in lpf


def test_a_rate_the_reference_clock_cannot_make_is_refused_before_the_build(tmp_path):
    """The ECPIX-5's SATA lane has a 100 MHz reference clock: no x8..x25 / 2^n makes 3.125 Gb/s from it."""
    import subprocess
    import sys
    r = subprocess.run([sys.executable, "-m", "sailbench.gateware.targets.ecp5", "--profile", "ecpix5", "--line-rate", "3.125",
                        "--build-root", str(tmp_path), "--print-dir"], capture_output=True, text=True, timeout=120)
    assert r.returncode == 2 and r.stderr.count("\n") == 1, r.stderr
    assert "profile 'ecpix5' lane 0 (DCU1 CH0" in r.stderr and "from a 100 MHz reference clock" in r.stderr
    assert "reference clocks that can: 125, 156.25" in r.stderr


def test_the_manifest_of_a_build_at_another_rate_says_its_word_clock(sail_lanes_3g125):
    """The typed manifest takes the lane block of a 3.125 Gb/s build (the pnr report here is a stored log's)."""
    from pathlib import Path

    from sailbench.gateware.build import pnr_report
    from sailbench.gateware.targets.ecp5 import host_manifest
    from sailbench.gateware.targets.ecp5_options import Ecp5Options
    from sailbench.gateware.profiles import buildable_profile
    soc = sail_lanes_3g125[0]
    profile, options = buildable_profile("sail-lanes"), Ecp5Options(line_rate_gbps=3.125)
    log = Path(__file__).resolve().parents[1] / "unit" / "data" / "nextpnr_versa_ecp5.log"
    report = pnr_report.parse_log(log.read_text(), profile.name, profile.fpga, soc.clock_domains_mhz())
    m = host_manifest(soc, profile, options, "0" * 12, report)
    assert (m.lane.line_rate_baud, m.lane.word_clk_hz) == (3.125e9, 156.25e6)
    assert m.lane.ceiling_bytes_per_s == 312.5e6 and len(m.lane.channels) == 4
    assert m.options["line_rate_gbps"] == 3.125 and m.clocks_mhz["lane3_rx"] == 156.25
