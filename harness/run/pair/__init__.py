"""Bench pairs: placement (preferred/strict), the atomic two-board reservation, the
phase machine, the pair session, the pair runner, the bench pod worker (one process per
board) and the runner's client side of a pod, and what `sailbench pair` prints."""
