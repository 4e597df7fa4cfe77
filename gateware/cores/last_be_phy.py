"""A LiteEth PHY seen through a shim that marks the last byte of each received frame.

LiteEth's MAC with an 8-bit datapath checks a frame's FCS only on a beat
whose `last_be` is set; LiteEthPHYRGMII (and liteeth's sim model) never set
it, so frames with a bad FCS would be delivered unflagged. For 8-bit PHYs
`last_be` is simply `last`. Everything else passes straight through (no
logic on the TX side, no extra clock domain).
"""
from types import SimpleNamespace

from litex.gen import LiteXModule
from litex.soc.interconnect import stream

from liteeth.common import eth_phy_description

_FORWARDED = ("dw", "tx_clk_freq", "rx_clk_freq", "with_preamble_crc", "with_padding", "model",
              "integrated_ifg_inserter")


class LastBePHY(LiteXModule):
    def __init__(self, phy):
        assert getattr(phy, "dw", 8) == 8, "LastBePHY is for 8-bit PHYs"
        # No reference to the PHY or its CRG modules is kept: they already belong to the
        # SoC, and LiteX's CSR gathering would find them again through this shim and
        # rename their CSRs. The stack only needs the CRG's clock domains.
        self.crg = SimpleNamespace(cd_eth_rx=phy.crg.cd_eth_rx, cd_eth_tx=phy.crg.cd_eth_tx)
        for name in _FORWARDED:
            if hasattr(phy, name):
                setattr(self, name, getattr(phy, name))
        self.sink = phy.sink
        self.source = source = stream.Endpoint(eth_phy_description(8))
        self.comb += [
            phy.source.connect(source, omit={"last_be"}),
            source.last_be.eq(phy.source.last),
        ]
