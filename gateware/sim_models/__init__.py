"""Simulation-only models, kept apart from the synthesizable cores and PHYs.

- serdes_model.py: two SerDes word interfaces joined by a cable, with knobs
  for bit errors, cuts and late lock (the simulated pair's inter-card lanes,
  the SGMII simulations).
- sgmii_phy_side.py: the other end of an SGMII link (the 88E1512's role).
- lane_faults.py: LaneFaults, CSRs for the fault knobs of the model lane a
  simulated board receives.

Nothing in a bitstream imports these (the ECP5 build hash does not cover them).
"""
