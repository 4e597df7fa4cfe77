"""`sailbench board check`: a profile's pins, banks, DQS groups and SerDes budget checked before any build,
each problem naming the file, the key and the line; the shipped profiles pass."""
from pathlib import Path

import pytest

from sailbench.gateware.profiles.board_check import check_file
from sailbench.harness.cli import main

from unit.fakes.profile_files import PROFILE_FILES, file_id

BAD = """\
description: three mistakes in one profile
fpga: {part: LFE5UM5G-45F, package: CABGA381, speed_grade: 8, temperature: C}
sys_clk_hz: 75_000_000
not_buildable: a test profile
pins:
  map:
    clk100: {balls: Z99, io: LVDS}
    ddram:
      dq: {balls: "L5 F1", io: SSTL135_I}
    user_led: {balls: H2, io: LVCMOS25}
host_link:
  phy: sgmii
serdes:
  refclk: {pads: refclk, index: 1, hz: 156_250_000}
  channels:
    DCU0 CH0: {use: lane, tx: a0, rx: b0}
    DCU0 CH1: {use: lane, tx: a1, rx: b1}
    DCU1 CH0: {use: lane, tx: a2, rx: b2}
    DCU1 CH1: {use: lane, tx: a3, rx: b3}
    DCU2 CH0: {use: sgmii, tx: s, rx: r}
"""


def line(needle: str) -> int:
    return next(i for i, text in enumerate(BAD.splitlines(), 1) if needle in text)


def test_three_mistakes_give_three_errors_naming_key_and_line(tmp_path):
    path = tmp_path / "rev-x.yaml"
    path.write_text(BAD)
    findings, _ = check_file(path)
    got = {(f.key, f.line) for f in findings}
    assert got == {("pins.map.clk100.balls", line("clk100:")), ("pins.map.user_led.balls", line("user_led:")),
                   ("serdes.channels", line("  channels:"))}, [str(f) for f in findings]
    text = {f.key: f.message for f in findings}
    assert "ball 'Z99' (clk100[0]) is not a user I/O ball of LFE5UM5G-45F in CABGA381" in text["pins.map.clk100.balls"]
    assert "is LVCMOS25 (2.5 V) but bank 6 already has ddram_dq[0] on L5 at SSTL135_I" in text["pins.map.user_led.balls"]
    assert text["serdes.channels"].startswith("4 lanes and an SGMII host link need 5 SerDes channels but "
                                              "LFE5UM5G-45F has 4 (2 DCUs x 2); options:")


def test_a_byte_lane_outside_its_dqs_group_is_named(tmp_path):
    text = BAD.replace('      dq: {balls: "L5 F1", io: SSTL135_I}',
                       '      dq: {balls: "L5 F1 K4 G1 L4 H1 G2 D1", io: SSTL135_I}\n'
                       '      dqs_p: {balls: K2, io: SSTL135D_I}')
    path = tmp_path / "rev-y.yaml"
    path.write_text(text)
    findings, _ = check_file(path)
    dqs = [f for f in findings if "DQS group" in f.message]
    assert len(dqs) == 1 and "ddram_dq[7] on D1" in dqs[0].message and dqs[0].key == "pins.map.ddram.dq.balls"


def test_ddr_pins_at_another_vccio_than_dram_io_standard_are_named_once_per_standard(tmp_path):
    """A DDR3L profile (dram.io_standard SSTL135_I, 1.35 V) whose DDR pins are SSTL15 (1.5 V): one finding
    per standard found, at its first pin, counting the others."""
    text = BAD.replace('      dq: {balls: "L5 F1", io: SSTL135_I}',
                       '      dq: {balls: "L5 F1", io: SSTL15_I}\n      dqs_p: {balls: K2, io: SSTL15D_I}')
    text += "dram: {part: MT41K64M16, data_width: 16, ratio: 2, speed_bin: DDR3-1600K, io_standard: SSTL135_I}\n"
    path = tmp_path / "rev-v.yaml"
    path.write_text(text)
    findings, _ = check_file(path)
    dram_line = len(text.splitlines())
    io = [f for f in findings if "dram.io_standard" in f.message]
    assert [(f.key, f.line) for f in io] == [("pins.map.ddram.dq.balls", 9), ("pins.map.ddram.dqs_p.balls", 10)]
    assert io[0].message == (f"ddram_dq[0] on L5 and 1 other DDR pin are SSTL15_I (1.5 V) but dram.io_standard is "
                             f"SSTL135_I (1.35 V, line {dram_line})")
    assert io[1].message.startswith("ddram_dqs_p[0] on K2 is SSTL15D_I (1.5 V)")


def test_the_command_prints_one_line_per_error_and_exits_1(tmp_path, capsys):
    path = tmp_path / "rev-x.yaml"
    path.write_text(BAD)
    assert main(["board", "check", str(path)]) == 1
    out = capsys.readouterr().out.splitlines()
    errors = [o for o in out if o.startswith("error: ")]
    assert len(errors) == 3 and all(f"{path}: " in e and "(line " in e for e in errors)
    assert out[-1].startswith(f"{path}: 3 problems") and "no synthesis run" in out[-1]


@pytest.mark.parametrize("path", PROFILE_FILES, ids=file_id)
def test_every_profile_passes_the_static_checks(path: Path):
    findings, _ = check_file(path)
    assert not findings, [str(f) for f in findings]
