"""Gateware tests: migen simulations and elaboration to Verilog, no toolchain,
no board. Make the repo importable even when the editable install predates
the packages (its finder mapping is then empty)."""
import sys
from pathlib import Path

ROOT = str(Path(__file__).resolve().parents[2])
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)


import pytest


@pytest.fixture(autouse=True)
def _in_tmp_dir(tmp_path, monkeypatch):
    """migen's simulator writes memory init files (mem_*.init) into the working directory."""
    monkeypatch.chdir(tmp_path)
