"""The lane probe on a real ECP5 SerDes channel (a DCU channel of gateware/phy/dcu_ecp5.py, or
liteiclink's SerDesECP5 on its own DCU)."""
from __future__ import annotations

from migen import Cat, Signal

from sailbench.gateware.cores.lane_probe.probe import LaneProbe


def attach_serdes_ecp5(probe: LaneProbe, serdes) -> None:
    """Put `probe` on an ECP5 SerDes channel at 20-bit words in place of SerDesECP5's fabric
    coder and PRBS, as gateware/phy/sgmii_ecp5.py does for the PCS.

    `serdes` is a SerDesECP5Channel (its `tx_data`/`rx_data` words, one DCUA per DCU) or a
    liteiclink SerDesECP5 with data_width=20 (then the DCU's FF_TX_D/FF_RX_D carry the probe's
    words directly, bits 10-11 and 22-23 unused). The probe's tx_cd/rx_cd must be the SerDes's
    tx/rx clock domains (as named after any renaming). The DCU's K28.5 word aligner stays on in
    8b/10b mode and is held off while the probe checks PRBS (it would slip on false commas), as
    SerDesECP5 does for its own checker. Call before the SerDes is finalized."""
    if getattr(serdes, "nwords", None) != 2:
        raise ValueError("attach_serdes_ecp5: needs a SerDesECP5 with data_width=20")
    probe.comb += [
        probe.rx_ready.eq(serdes.rx_ready),
        probe.tx_ready.eq(serdes.tx_ready),
        probe.rx_idle.eq(serdes.rx_idle),
        serdes.rx_align.eq(probe.control.fields.rx_prbs == 0),
    ]
    if hasattr(serdes, "tx_data") and hasattr(serdes, "rx_data"):      # SerDesECP5Channel
        probe.comb += [serdes.tx_data.eq(probe.tx_data), probe.rx_data.eq(serdes.rx_data)]
        return
    tx_bus, rx_bus = Signal(24), Signal(24)
    probe.comb += [
        tx_bus[0:10].eq(probe.tx_data[0:10]),
        tx_bus[12:22].eq(probe.tx_data[10:20]),
        probe.rx_data.eq(Cat(rx_bus[0:10], rx_bus[12:22])),
    ]
    serdes.serdes_params.update(
        **{f"i_CHX_FF_TX_D_{n}": tx_bus[n] for n in range(24)},
        **{f"o_CHX_FF_RX_D_{n}": rx_bus[n] for n in range(24)},
    )
