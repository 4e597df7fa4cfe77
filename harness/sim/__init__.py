"""Simulation processes: network namespaces (create, remove, run inside) and the
Verilator simulator process of a simulated board or pair, with its UART relays and its
lifetime tied to the harness. Knows processes and namespaces, not registers. Imports: config,
build and the roots."""
