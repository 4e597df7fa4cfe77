"""Board: one board ready to measure. Its lifecycle (cable found, built, loaded or started,
identified, DRAM ready; one strategy per kind), the factory that locks and opens it
(`open_locked_board`), the loader and host DRAM init of a real board, the simulated pair's
boards, board and place locks across processes, and the health check. Imports: config,
transport, build, sim and the roots."""
