"""Both channels of an ECP5 DCU: one DCUA instance per DCU, driven by one or two channels.

liteiclink's SerDesECP5 instantiates a whole DCUA for its one channel, so a
second channel of the same DCU cannot be built beside it (nextpnr has one DCUA
bel per DCU). Here each channel is a `SerDesECP5Channel` (SerDesECP5's reset
sequencer, clocking and CHX_ parameters, without its own DCUA) and
`SerDesECP5DCU` merges one or two channels into the DCU's single DCUA:

- CHx_ parameters and ports: each channel's own (CHX_ renamed CH0_/CH1_).
- D_ parameters (the dual's TX PLL, bias, FIFO marks): set once; the channels'
  values must agree (same reference clock, same PLL settings).
- D_FFC_TRST (TX PLL reset): asserted while every channel's reset sequencer
  asks for it, so one channel that loses its RX lock and restarts its sequence
  does not reset the other channel's transmitter; a real PLL loss of lock
  restarts both sequencers together, and then the PLL is reset.
- D_FFS_PLOL (TX PLL loss of lock): fanned out to both sequencers.
- The SCI (register access) is not used: polarity is set by the static
  CHx_INVERT_TX/RX parameters, and the probe never uses SerDesECP5's runtime
  loopback, TX idle or CDR hold, which need the SCI bus the two channels
  would share.

Each channel's fabric interface is a plain 20-bit word per direction
(`tx_data`, `rx_data`: two 10-bit symbols, first symbol in bits 0-9) in its
`tx`/`rx` clock domains (DCU's FF_TX_PCLK / FF_RX_PCLK, line rate / 20),
plus `tx_ready`, `rx_ready`, `rx_idle` and `rx_align` (DCU comma aligner on).
"""
from __future__ import annotations

from migen import Cat, ClockSignal, Instance, Signal
from migen.fhdl.structure import _Operator

from litex.gen import LiteXModule

from liteiclink.serdes.serdes_ecp5 import SerDesECP5

# SerDesECP5's SCI bus (SerDesECP5SCI): shared by a DCU's two channels, not used here.
_SCI_PREFIXES = ("i_D_SCI", "o_D_SCI", "i_CHX_SCI")


class SerDesECP5Channel(SerDesECP5):
    """One channel of a DCU, for `SerDesECP5DCU` (which owns the DCUA instance).

    Same arguments as SerDesECP5 (data_width=20 only). Exposes `tx_data`/`rx_data`,
    20-bit words in the channel's tx/rx clock domains, with the DCU's 24-bit
    FF_TX_D/FF_RX_D (bits 10-11 and 22-23 unused) behind them."""

    def __init__(self, pll, tx_pads, rx_pads, dual: int = 0, channel: int = 0,
                 tx_polarity: int = 0, rx_polarity: int = 0):
        SerDesECP5.__init__(self, pll, tx_pads, rx_pads, dual=dual, channel=channel, data_width=20)
        self.pll_config = dict(pll.config)
        self.refclk = pll.refclk
        # No SCI: drop its ports and its reconfiguration FSM (and that FSM's CSRs).
        for key in [k for k in self.serdes_params if k.startswith(_SCI_PREFIXES)]:
            del self.serdes_params[key]
        self._submodules[:] = [(n, m) for n, m in self._submodules if m is not self.sci_reconfig]
        object.__setattr__(self, "sci_reconfig", None)

        self.tx_data = Signal(20)
        self.rx_data = Signal(20)
        tx_bus, rx_bus = Signal(24), Signal(24)
        self.comb += [
            tx_bus[0:10].eq(self.tx_data[0:10]),
            tx_bus[12:22].eq(self.tx_data[10:20]),
            self.rx_data.eq(Cat(rx_bus[0:10], rx_bus[12:22])),
        ]
        self.serdes_params.update(
            p_CHX_INVERT_TX="0b1" if tx_polarity else "0b0",
            p_CHX_INVERT_RX="0b1" if rx_polarity else "0b0",
            **{f"i_CHX_FF_TX_D_{n}": tx_bus[n] for n in range(24)},
            **{f"o_CHX_FF_RX_D_{n}": rx_bus[n] for n in range(24)},
        )
        self.dcu_params: dict | None = None

    def do_finalize(self):
        """The channel's DCUA connections, CHX_ renamed to this channel; no instance (the DCU makes it).

        The word clocks are this channel's tx/rx domains: the DCUA sits outside this module,
        out of reach of a ClockDomainsRenamer applied to it, so they are passed as signals."""
        ch = f"CH{self.channel}"
        clocks = {"tx": self.cd_tx.clk, "rx": self.cd_rx.clk}
        params = {}
        for k, v in self.serdes_params.items():
            if isinstance(v, ClockSignal) and v.cd in clocks:
                v = clocks[v.cd]
            params[k.replace("CHX", ch)] = v
        self.dcu_params = params


class SerDesECP5DCU(LiteXModule):
    """The DCUA of one DCU with its one or two `SerDesECP5Channel`s (submodules `ch0`/`ch1`
    by channel number). The channels must be in this DCU, on different channels, and share
    the reference clock and PLL settings (the TX PLL is the dual's)."""

    def __init__(self, channels: list[SerDesECP5Channel]):
        if not 1 <= len(channels) <= 2:
            raise ValueError(f"SerDesECP5DCU: a DCU has 1 or 2 channels, not {len(channels)}")
        self.dual = channels[0].dual
        for c in channels:
            if c.dual != self.dual:
                raise ValueError(f"SerDesECP5DCU: channel in DCU{c.dual} given to DCU{self.dual}")
            if c.refclk is not channels[0].refclk or c.pll_config != channels[0].pll_config:
                raise ValueError(f"SerDesECP5DCU: DCU{self.dual}'s channels need one reference clock and "
                                 f"PLL setting (the TX PLL is the dual's): {channels[0].pll_config} vs {c.pll_config}")
        if len({c.channel for c in channels}) != len(channels):
            raise ValueError(f"SerDesECP5DCU: two channels on DCU{self.dual} CH{channels[0].channel}")
        self.channels = sorted(channels, key=lambda c: c.channel)
        for c in self.channels:
            setattr(self, f"ch{c.channel}", c)
        self.pll_lol = Signal()       # the dual's TX PLL loss of lock, to every channel's sequencer

    def do_finalize(self):
        params = dict(dcu_params(self.channels, self.pll_lol))
        for c in self.channels:
            self.comb += c.serdes_params["o_D_FFS_PLOL"].eq(self.pll_lol)
        self.specials.dcua = Instance("DCUA", **params)
        self.dcua.attr.add(("LOC", f"DCU{self.dual}"))
        if len(self.channels) == 1:
            self.dcua.attr.add(("CHAN", f"CH{self.channels[0].channel}"))


def dcu_params(channels: list[SerDesECP5Channel], pll_lol: Signal) -> dict:
    """The one DCUA's parameters and ports from its channels' (finalized) connections."""
    merged: dict = {}
    for c in channels:
        c.finalize()
        for k, v in c.dcu_params.items():
            if "_D_" not in k[:4]:          # CHx_: this channel's own
                merged[k] = v
            elif k == "o_D_FFS_PLOL":
                merged[k] = pll_lol
            elif k == "i_D_FFC_TRST":        # TX PLL reset: while every channel's sequencer asks
                merged[k] = v if k not in merged else _Operator("&", [merged[k], v])
            elif k.startswith("p_") and k in merged and merged[k] != v:
                raise ValueError(f"DCU{c.dual}: {k[2:]} is {merged[k]} for one channel and {v} for the other")
            else:
                merged.setdefault(k, v)
    return merged
