"""gateware/targets/ecp5_pins.py: the pins-only design `sailbench board check` packs. Which way each
pin goes by its LiteX name, and the Versa-ECP5's design: every user-I/O pin of its platform located
with the build's I/O standard, the DDR pins through ECP5DDRPHY, the SerDes pads left out. Generating
it takes about a second (LiteX, no toolchain); tests/bitstream/test_board_check_pack.py packs it."""
import json
import re

import pytest

from sailbench.gateware.profiles import BOARDS_DIR, get_profile
from sailbench.gateware.profiles.ecp5_package import balls
from sailbench.gateware.targets.ecp5_pins import generate, is_pseudo_differential, pin_direction


@pytest.mark.parametrize("resource, sub, io, direction", [
    ("serial", "rx", "LVCMOS33", "in"),
    ("serial", "tx", "LVCMOS33", "out"),
    ("eth_clocks", "rx", "LVCMOS25", "in"),
    ("eth_clocks", "tx", "LVCMOS25", "out"),
    ("eth", "rx_data", "LVCMOS25", "in"),
    ("eth", "tx_ctl", "LVCMOS25", "out"),
    ("eth", "mdio", "LVCMOS25", "inout"),
    ("spiflash", "miso", "LVCMOS33", "in"),
    ("spiflash", "cs_n", "LVCMOS33", "out"),
    ("user_led", None, "LVCMOS25", "out"),
    ("user_dip_btn", None, "LVCMOS15", "in"),
    ("clk100", None, "LVDS", "in"),
    ("rst_n", None, "LVCMOS33", "in"),
    ("refclk_en", None, "LVCMOS33", "out"),
    ("gpio", None, "LVCMOS33", "inout"),
    ("gpio", None, "LVDS", "in"),                 # true differential: an input anywhere
    ("gpio", None, "LVCMOS33D", "out"),           # pseudo-differential: outputs only
    ("ddram", "dq", "SSTL135_I", "inout"),
])
def test_each_pin_goes_the_way_its_name_says(resource, sub, io, direction):
    assert pin_direction(resource, sub, io) == direction


def test_pseudo_differential_standards_are_told_from_true_ones():
    assert [is_pseudo_differential(s) for s in ("SSTL135D_I", "LVCMOS33D", "LVDS", "SSTL135_I", None)] == \
        [True, True, False, False, False]


@pytest.fixture(scope="module")
def versa_design(tmp_path_factory):
    gw = generate(get_profile(str(BOARDS_DIR / "versa-ecp5.yaml")), tmp_path_factory.mktemp("versa-pins"))
    return gw, (gw / "top.lpf").read_text(), (gw / "top.v").read_text(), json.loads((gw / "pins.json").read_text())


def test_every_user_io_pin_of_the_versa_is_located_with_its_standard(versa_design):
    from litex_boards.platforms.lattice_versa_ecp5 import _io
    from sailbench.gateware.profiles.platform_pins import platform_pins
    _, lpf, _, pins = versa_design
    located = dict(re.findall(r'LOCATE COMP "([^"]+)" SITE "([^"]+)";', lpf))
    user_io = balls("LFE5UM5G-45F", "CABGA381")
    skipped = {(s["resource"], s["index"]) for s in pins["skipped"]}
    expected = {p["ball"] for p in platform_pins("litex_boards.platforms.lattice_versa_ecp5")
                if (p["resource"], p["index"]) not in skipped}
    assert _io and expected and expected <= set(located.values())
    dedicated = {name: ball for name, ball in located.items() if ball not in user_io}
    assert dedicated == {"sma_tx_p": "W8", "sma_tx_n": "W9", "sma_rx_p": "Y7", "sma_rx_n": "Y8",   # the DCUA's
                         "pcie_x1_tx0_tx_p": "W4", "pcie_x1_tx0_tx_n": "W5",      # the optional lane: its pairs
                         "pcie_x1_rx0_rx_p": "Y5", "pcie_x1_rx0_rx_n": "Y6",      # alone, not the connector's clock
                         "refclk1_p": "Y19", "refclk1_n": "W20"}                 # the EXTREFB's
    assert 'IOBUF PORT "ddram_dq[0]" IO_TYPE=SSTL135_I' in lpf          # as the build writes it
    assert 'IOBUF PORT "clk100" IO_TYPE=LVDS' in lpf


def test_the_flash_twice_and_an_unused_refclk_are_left_out_with_the_reason(versa_design):
    _, _, _, pins = versa_design
    why = {(s["resource"], s["index"]): s["why"] for s in pins["skipped"]}
    assert why == {("spiflash4x", 0): "balls already taken: R2 W2 V2 Y2 W1",
                   ("refclk", 0): "not user I/O balls: Y11 Y12",
                   ("pcie_x1", 0): "not user I/O balls: Y11 Y12 Y5 Y6 W4 W5"}      # the optional lane's


def test_each_lane_channel_is_a_dcua_channel_on_its_pads(versa_design):
    _, lpf, top, pins = versa_design
    assert pins["directions"]["lane0"] == "DCU0 CH1 (sma_tx -> sma_rx)"
    assert pins["directions"]["lane1"] == "DCU0 CH0 (pcie_x1:tx -> pcie_x1:rx)"     # optional, on the board
    assert len(re.findall(r"^DCUA\b", top, re.M)) == 1 and len(re.findall(r"^EXTREFB\b", top, re.M)) == 1
    assert 'LOCATE COMP "sma_tx_p" SITE "W8";' in lpf


def test_the_ddr_pins_go_through_ecp5ddrphy_one_dqsbufm_per_byte_lane(versa_design):
    _, _, top, pins = versa_design
    assert pins["directions"]["ddram"] == "ECP5DDRPHY"
    assert len(re.findall(r"^DQSBUFM\b", top, re.M)) == 2                # x16: two DQS groups
    assert re.search(r"^IDDRX2DQA\b", top, re.M) and re.search(r"^ODDRX2DQA\b", top, re.M)


def test_ports_have_the_directions_the_design_gives_them(versa_design):
    _, _, top, pins = versa_design
    d = pins["directions"]
    assert (d["serial0_rx"], d["serial0_tx"], d["eth0_mdio"], d["user_led0"]) == ("in", "out", "inout", "out")
    assert re.search(r"^\s*input\s+wire\s+serial0_rx,", top, re.M)
    assert re.search(r"^\s*output\s+reg\s+serial0_tx,", top, re.M)
    # an inout is a bidirectional TRELLIS_IO (Migen declares the port `input`, as in the probe build)
    assert re.search(r'\.DIR \("BIDIR"\)\n\) TRELLIS_IO_\d+ \(\n\t// Inputs.\n\t\.B \(eth0_mdio\)', top)
    assert len(re.findall(r"\.B \(ddram_dq\[\d+\]\)", top)) == 16
