"""Host-link and lane PHYs built from LiteX parts.

- sgmii_ecp5.py: SGMII PHY for the sail card (liteeth PCS on liteiclink's
  SerDesECP5), and SGMIIWordPHY, the same PCS + gearbox on a plain SerDes word
  interface for simulation.
- sgmii_phy_side.py: the other end of an SGMII link (the 88E1512's role), a
  simulation model.
- serdes_model.py: a model of two SerDes word interfaces joined by a cable,
  with knobs for bit errors, cuts and late lock (reused by the inter-card lanes).
"""
