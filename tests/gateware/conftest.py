"""Gateware tests: migen simulations and elaboration to Verilog, no toolchain,
no board. Make the repo importable even when the editable install predates
the packages (its finder mapping is then empty)."""
import sys
from pathlib import Path

ROOT = str(Path(__file__).resolve().parents[2])
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)
