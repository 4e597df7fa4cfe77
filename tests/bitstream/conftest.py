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


@pytest.fixture(scope="session")
def sgmii_bitstream(versa_config):
    """The Versa-ECP5 probe SoC built with the SGMII host link (`--host-link sgmii`, the sail card
    rev-A's PHY) on the SMA SerDes channel: same LFE5UM5G-45F, built once per change as above."""
    from sailbench.gateware.ecp5_options import Ecp5Options, ecp5_build_dir
    from sailbench.gateware.profiles import buildable_profile
    from sailbench.harness.build.bitstream import Bitstream
    from sailbench.harness.build.cache import build_in_child, build_root
    from sailbench.harness.build.manifest import read_build_manifest
    from sailbench.harness.errors import SailbenchError
    options = Ecp5Options(eth_ip=versa_config.etherbone.ip, uart_baudrate=versa_config.baudrate, host_link="sgmii")
    out, _ = ecp5_build_dir(build_root(), buildable_profile(versa_config.profile), options)
    args = ["--profile", versa_config.profile, "--build-root", str(build_root()), "--eth-ip", options.eth_ip,
            "--uart-baudrate", str(options.uart_baudrate), "--seed", str(options.seed), "--host-link", "sgmii"]
    try:
        build_in_child("sailbench.gateware.ecp5", args, out, "the SGMII variant of the Versa-ECP5 bitstream",
                       "bitstream", lambda m: print(m, flush=True), 3000, relay_prefix="[ecp5 build]")
        return Bitstream(versa_config.name, out, read_build_manifest(out))
    except SailbenchError as e:
        pytest.fail(f"sailbench: {e}", pytrace=False)


@pytest.fixture(scope="session")
def lanes_85f_bitstream():
    """The `sail-lanes` build: the sail card's LFE5UM5G-85F with its 4 inter-card lanes only (both
    channels of both DCUs, no DRAM, no host link; gateware/ecp5_lanes_platform.py), built once per
    change of the gateware like the Versa's."""
    from sailbench.gateware.ecp5_options import Ecp5Options, ecp5_build_dir
    from sailbench.gateware.profiles import buildable_profile
    from sailbench.harness.build.bitstream import Bitstream
    from sailbench.harness.build.cache import build_in_child, build_root
    from sailbench.harness.build.manifest import read_build_manifest
    from sailbench.harness.errors import SailbenchError
    options = Ecp5Options()
    out, _ = ecp5_build_dir(build_root(), buildable_profile("sail-lanes"), options)
    args = ["--profile", "sail-lanes", "--build-root", str(build_root()), "--seed", str(options.seed)]
    try:
        build_in_child("sailbench.gateware.ecp5", args, out, "the 4-lane LFE5UM5G-85F bitstream (sail-lanes)",
                       "bitstream", lambda m: print(m, flush=True), 3000, relay_prefix="[ecp5 build]")
        return Bitstream("sail-lanes", out, read_build_manifest(out))
    except SailbenchError as e:
        pytest.fail(f"sailbench: {e}", pytrace=False)
