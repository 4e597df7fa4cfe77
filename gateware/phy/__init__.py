"""Host-link and lane PHYs built from LiteX parts (synthesizable).

- sgmii_ecp5.py: SGMII PHY for the sail card (liteeth PCS on liteiclink's
  SerDesECP5), and SGMIIWordPHY, the same PCS + gearbox on a plain SerDes word
  interface for simulation.

Their simulation counterparts (the SGMII PHY side, the SerDes cable model)
are in gateware/sim_models/.
"""
