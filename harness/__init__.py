"""sailbench harness: build, start or load, talk to and measure ECP5 boards.

Layers, each a subpackage, each importing only the layers named in its own docstring
(tests/unit/test_layers.py enforces it):

    config     lab.yaml -> typed configuration
    judge      constants, ceilings, verdicts, regression, pair judgement (pure)
    transport  bus transports (UARTBone, Etherbone), register maps, host UDP/raw endpoints
    build      build cache, simulations and bitstreams, the build manifest
    sim        network namespaces and the Verilator simulator process
    board      a board: open/connect, load, DRAM init, locks, health
    probes     measurements on an open board (clock, DDR, host link, lanes)
    record     results files, provenance, history
    report     what people read: text tables, HTML, JUnit, SVG
    run        runners: bench, nightly, bring-up, build command, bench pairs
    cli        the `sailbench` command on top

Roots any layer may import: errors, exit_codes, units, timestamps, paths, atomic_file, steps (they import
nothing from harness but errors). Any layer may import the LiteX-free modules of gateware
(profiles, options, build_info, pnr_report), never one that imports migen or LiteX.
"""

__version__ = "0.1.0"
