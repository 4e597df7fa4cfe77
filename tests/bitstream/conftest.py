"""Bitstream tests: the Versa-ECP5 probe SoC through yosys, nextpnr and ecppack (YoWASP).

Marked `toolchain` (minutes, once per change of the gateware: the build
directory is cached by its input hash) and run by plain `pytest`, as CI does.
The bitstream is built once per session for the repository lab.yaml's
`versa-ecp5` board, the same inputs `sailbench build --board versa-ecp5` uses.
The bitstreams the selected tests need are built in the background from the end of
collection (bitstream_prebuild.py) and the bitstream tests run last (tests/conftest.py's run order),
so nextpnr's minutes overlap the simulation tests instead of adding to them. The background log:
build/prebuild.log.
"""
from pathlib import Path

import pytest

import bitstream_prebuild as prebuild

ROOT = Path(__file__).resolve().parents[2]
# Every bitstream test may be the first to ask for a build still running in the background (or the
# one whose fixture builds it cold on two busy cores): the suite's 900 s would fail it, and with it
# every test of that session fixture. A file may set its own, longer timeout.
BITSTREAM_TIMEOUT_S = 3600


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/bitstream/" in str(item.fspath):
            item.add_marker(pytest.mark.toolchain)
            if item.get_closest_marker("timeout") is None:
                item.add_marker(pytest.mark.timeout(BITSTREAM_TIMEOUT_S))


def pytest_collection_finish(session):
    """Start the background builds of the bitstreams the selected tests use (deselection by -m/-k
    has happened by now), in the order their tests run."""
    needed: list[str] = []
    for item in session.items:
        for name in getattr(item, "fixturenames", ()):
            if name in BUILDERS and name not in needed:
                needed.append(name)
    if needed and not session.config.option.collectonly:
        from sailbench.harness.build.cache import build_root
        prebuild.start([(n, BUILDERS[n]) for n in needed], build_root() / "prebuild.log")


def _versa_config():
    from sailbench.harness.config import load_lab
    return load_lab(ROOT / "lab.yaml").board("versa-ecp5")


def build_versa(progress, timeout_s: float = 3600):
    from sailbench.harness.build.bitstream import ensure_bitstream
    return ensure_bitstream(_versa_config(), progress=progress, timeout_s=timeout_s)


def build_sgmii(progress, timeout_s: float = 3000):
    """The Versa-ECP5 probe SoC built with the SGMII host link (`--host-link sgmii`, the sail card
    rev-A's PHY) on the SMA SerDes channel: same LFE5UM5G-45F, built once per change."""
    from sailbench.gateware.targets.ecp5_options import Ecp5Options, ecp5_build_dir
    from sailbench.gateware.profiles import buildable_profile
    from sailbench.harness.build.bitstream import Bitstream
    from sailbench.harness.build.cache import build_in_child, build_root
    from sailbench.harness.build.manifest import read_build_manifest
    config = _versa_config()
    options = Ecp5Options(eth_ip=config.etherbone.ip, uart_baudrate=config.baudrate, host_link="sgmii")
    out, _ = ecp5_build_dir(build_root(), buildable_profile(config.profile), options)
    args = ["--profile", config.profile, "--build-root", str(build_root()), "--eth-ip", options.eth_ip,
            "--uart-baudrate", str(options.uart_baudrate), "--seed", str(options.seed), "--host-link", "sgmii"]
    build_in_child("sailbench.gateware.targets.ecp5", args, out, "the SGMII variant of the Versa-ECP5 bitstream",
                   "bitstream", progress, timeout_s, relay_prefix="[ecp5 build]")
    return Bitstream(config.name, out, read_build_manifest(out))


def build_lanes_85f(progress, timeout_s: float = 3000):
    """The `sail-lanes` build: the sail card's LFE5UM5G-85F with its 4 inter-card lanes only (both
    channels of both DCUs, no DRAM, no host link; gateware/platforms/ecp5_lanes_platform.py), built once per
    change of the gateware like the Versa's."""
    from sailbench.gateware.targets.ecp5_options import Ecp5Options, ecp5_build_dir
    from sailbench.gateware.profiles import buildable_profile
    from sailbench.harness.build.bitstream import Bitstream
    from sailbench.harness.build.cache import build_in_child, build_root
    from sailbench.harness.build.manifest import read_build_manifest
    options = Ecp5Options()
    out, _ = ecp5_build_dir(build_root(), buildable_profile("sail-lanes"), options)
    args = ["--profile", "sail-lanes", "--build-root", str(build_root()), "--seed", str(options.seed)]
    build_in_child("sailbench.gateware.targets.ecp5", args, out, "the 4-lane LFE5UM5G-85F bitstream (sail-lanes)",
                   "bitstream", progress, timeout_s, relay_prefix="[ecp5 build]")
    return Bitstream("sail-lanes", out, read_build_manifest(out))


# fixture name -> the build it needs (the same call the fixture makes)
BUILDERS = {"versa_bitstream": build_versa, "sgmii_bitstream": build_sgmii, "lanes_85f_bitstream": build_lanes_85f}


@pytest.fixture(scope="session")
def versa_config():
    return _versa_config()


def _built(builder):
    from sailbench.harness.errors import SailbenchError
    try:
        return builder(lambda m: print(m, flush=True))
    except SailbenchError as e:
        pytest.fail(f"sailbench: {e}", pytrace=False)


@pytest.fixture(scope="session")
def versa_bitstream(versa_config):
    return _built(build_versa)


@pytest.fixture(scope="session")
def sgmii_bitstream(versa_config):
    """The SGMII variant (build_sgmii)."""
    return _built(build_sgmii)


@pytest.fixture(scope="session")
def lanes_85f_bitstream():
    """The 4-lane LFE5UM5G-85F build (build_lanes_85f)."""
    return _built(build_lanes_85f)
