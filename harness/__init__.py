"""sailbench harness: build, start or load, talk to and measure ECP5 boards."""

__version__ = "0.1.0"
