"""Build: turning gateware into something runnable, cached by input hash. Simulation
builds and ECP5 bitstreams run in a child Python (`python -m sailbench.gateware...`), so
host code never imports migen or LiteX at run time; the typed build manifest is how
gateware tells the harness what it built. Imports: config and the roots (and, like
every layer, only the LiteX-free modules of gateware: profiles, options, build_info)."""
