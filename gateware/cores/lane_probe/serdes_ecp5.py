"""The lane probe on a real ECP5 SerDes channel (liteiclink SerDesECP5)."""
from __future__ import annotations

from migen import Cat, Signal

from sailbench.gateware.cores.lane_probe.probe import LaneProbe


def attach_serdes_ecp5(probe: LaneProbe, serdes) -> None:
    """Put `probe` on a liteiclink SerDesECP5 (data_width=20, 1.25 Gbaud) in place of its fabric
    coder and PRBS, as gateware/phy/sgmii_ecp5.py does for the PCS: the DCU's FF_TX_D/FF_RX_D carry
    the probe's words (bits 10-11 and 22-23 unused). The probe's tx_cd/rx_cd must be the SerDes's
    tx/rx clock domains (as named after any renaming). The DCU's K28.5 word aligner stays on in
    8b/10b mode and is held off while the probe checks PRBS (it would slip on false commas), as
    SerDesECP5 does for its own checker. Call before the SerDesECP5 is finalized."""
    if getattr(serdes, "nwords", None) != 2:
        raise ValueError("attach_serdes_ecp5: needs a SerDesECP5 with data_width=20")
    tx_bus, rx_bus = Signal(24), Signal(24)
    probe.comb += [
        tx_bus[0:10].eq(probe.tx_data[0:10]),
        tx_bus[12:22].eq(probe.tx_data[10:20]),
        probe.rx_data.eq(Cat(rx_bus[0:10], rx_bus[12:22])),
        probe.rx_ready.eq(serdes.rx_ready),
        probe.tx_ready.eq(serdes.tx_ready),
        probe.rx_idle.eq(serdes.rx_idle),
        serdes.rx_align.eq(probe.control.fields.rx_prbs == 0),
    ]
    serdes.serdes_params.update(
        **{f"i_CHX_FF_TX_D_{n}": tx_bus[n] for n in range(24)},
        **{f"o_CHX_FF_RX_D_{n}": rx_bus[n] for n in range(24)},
    )
