"""sailbench gateware: CPU-less LiteX probe SoCs built from board profiles."""
