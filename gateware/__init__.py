"""sailbench gateware: CPU-less LiteX probe SoCs built from board profiles.

Its folders, from what is built down to the data it is built from:

- targets/: what gets built, each a module run as `python -m sailbench.gateware.targets.<name>`:
  sim (the simulated board under Verilator), sim_pair (two boards in one simulation, lanes
  crossed), ecp5 (a bitstream for a real board); each with an `*_options` module that names its
  inputs and build directory without importing LiteX.
- build/: build tools the targets share, none of them a circuit: inputs hash, the typed manifest
  written last, CSR layouts for it, the Verilator compile, the YoWASP toolchain, nextpnr's report.
- soc/: the probe SoC every target builds (ProbeSoC, its UDP/IP core, its DRAM settings and
  what the host learns of them, the ECP5 SerDes side of a bitstream).
- cores/: small LiteX cores with CSRs (counters, traffic, the lane probe); phy/: host-link and
  lane PHYs (synthesizable); platforms/: LiteX platforms sailbench makes itself.
- sim_models/: migen models that stand in for hardware in simulations only (a SerDes cable,
  the far end of an SGMII link, lane fault knobs).
- sim_c_modules/: C modules the Verilator simulator loads (LiteX's "sim modules"): sbuart.
- profiles/: board profile records and the data they are checked against (JEDEC timings, ECP5
  packages, pin maps, lane rates); LiteX-free, so the host imports them. boards/: the profile
  files themselves (YAML).

Nothing here imports the harness; the harness imports only the LiteX-free modules
(tests/unit/test_layers.py lists them).
"""
