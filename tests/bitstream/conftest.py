"""Bitstream tests: the Versa-ECP5 probe SoC through yosys, nextpnr and ecppack (YoWASP).

Marked `toolchain` (minutes, once per change of the gateware: the build
directory is cached by its input hash) and run by plain `pytest`, as CI does.
The bitstream is built once per session for the repository lab.yaml's
`versa-ecp5` board, the same inputs `sailbench build --board versa-ecp5` uses.
"""
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/bitstream/" in str(item.fspath):
            item.add_marker(pytest.mark.toolchain)


@pytest.fixture(scope="session")
def versa_config():
    from sailbench.harness.config.lab import load_lab
    return load_lab(ROOT / "lab.yaml").board("versa-ecp5")


@pytest.fixture(scope="session")
def versa_bitstream(versa_config):
    from sailbench.harness.build.bitstream import ensure_bitstream
    from sailbench.harness.errors import SailbenchError
    try:
        return ensure_bitstream(versa_config, progress=lambda m: print(m, flush=True))
    except SailbenchError as e:
        pytest.fail(f"sailbench: {e}", pytrace=False)
