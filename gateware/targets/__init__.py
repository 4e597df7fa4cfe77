"""What gets built: the simulated board (sim.py), the simulated bench pair (sim_pair.py) and the
ECP5 bitstream (ecp5.py), each run as `python -m sailbench.gateware.targets.<target>`. Each
target's *_options module names its build inputs and directory without importing LiteX, so
the host computes a build directory cheaply; sim_sgmii.py is the simulated board's SGMII host link."""
