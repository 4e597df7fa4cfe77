"""Board: one board ready to measure. Opening a simulated board (build, start) or a
real one (bitstream, timing verdict, openFPGALoader, identifier, DRAM init), the simulated
pair's boards, board locks across processes, and the health check. Imports: config,
transport, build, sim and the roots."""
