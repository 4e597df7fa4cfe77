"""Gateware tests: migen simulations and elaboration to Verilog, no toolchain, no board."""
import pytest


@pytest.fixture(autouse=True)
def _in_tmp_dir(tmp_path, monkeypatch):
    """migen's simulator writes memory init files (mem_*.init) into the working directory."""
    monkeypatch.chdir(tmp_path)
