"""A lanes-only platform for the sail card's FPGA (LFE5UM5G-85F, CABGA381): the 4 SerDes
channels of its 2 DCUs, their reference clocks, and the few pins a probe needs.

The sail card has no pin map yet, but SerDes pins are dedicated: a DCU's channels and its
reference-clock pads are fixed balls of the package, and nextpnr places them with the DCU.
So a build of the 4 inter-card lanes needs nothing from the board. The DCU balls are the
CABGA381 ones (DCU0 as on the Versa-ECP5, litex-boards: CH0 = its PCIe edge, CH1 = its SMA
pair, REFCLK_D0 Y11/Y12; DCU1 mirrored); the 100 MHz oscillator, reset and UART take the
Versa-ECP5's balls (same package; the 45F and 85F are pin-compatible) so that the probe's
CSRs stay reachable (UARTBone) and its logic is not optimised away. Used by the `sail-lanes`
profile (gateware/boards/sail-lanes.yaml) and tests/bitstream/test_lanes_85f_bitstream.py.
"""
from __future__ import annotations

from litex.build.generic_platform import IOStandard, Pins, Subsignal
from litex.build.lattice import LatticeECP5Platform

DEVICE = "LFE5UM5G-85F-8BG381C"


def _pair(name: str, index: int, p: str, n: str) -> tuple:
    return (name, index, Subsignal("p", Pins(p)), Subsignal("n", Pins(n)))


_io = [
    ("clk100", 0, Pins("P3"), IOStandard("LVDS")),
    ("rst_n", 0, Pins("T1"), IOStandard("LVCMOS33")),
    ("serial", 0, Subsignal("rx", Pins("C11"), IOStandard("LVCMOS33")),
     Subsignal("tx", Pins("A11"), IOStandard("LVCMOS33"))),
    # SerDes reference clocks (EXTREF of DCU0 and DCU1) and channels: dedicated balls.
    _pair("refclk", 0, "Y11", "Y12"),
    _pair("refclk", 1, "Y19", "W20"),
    _pair("dcu0_ch0_tx", 0, "W4", "W5"), _pair("dcu0_ch0_rx", 0, "Y5", "Y6"),
    _pair("dcu0_ch1_tx", 0, "W8", "W9"), _pair("dcu0_ch1_rx", 0, "Y7", "Y8"),
    _pair("dcu1_ch0_tx", 0, "W13", "W14"), _pair("dcu1_ch0_rx", 0, "Y14", "Y15"),
    _pair("dcu1_ch1_tx", 0, "W17", "W18"), _pair("dcu1_ch1_rx", 0, "Y16", "Y17"),
]


class Platform(LatticeECP5Platform):
    default_clk_name = "clk100"
    default_clk_period = 1e9 / 100e6

    def __init__(self, device: str | None = None, toolchain: str = "trellis", **kwargs):
        if device not in (None, DEVICE):
            raise ValueError(f"the lanes-only platform is for {DEVICE}, not {device}")
        LatticeECP5Platform.__init__(self, DEVICE, _io, toolchain=toolchain, **kwargs)

    def do_finalize(self, fragment):
        LatticeECP5Platform.do_finalize(self, fragment)
        self.add_period_constraint(self.lookup_request("clk100", loose=True), 1e9 / 100e6)
