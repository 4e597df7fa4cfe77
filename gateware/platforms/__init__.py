"""LiteX platforms sailbench makes itself: from a profile's pin table (`pins.map` or an LPF)."""
