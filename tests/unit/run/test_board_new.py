"""`sailbench board new --from-lpf`: an LPF written from the Versa-ECP5's litex-boards platform, imported,
gives the shipped Versa profile's pins, ball by ball and standard by standard."""

from sailbench.gateware.profiles.board_check import check_file, profile_pins
from sailbench.gateware.profiles.pin_map import write_lpf
from sailbench.gateware.profiles.profile_file import read_profile
from sailbench.gateware.profiles.profile_yaml import load_profile_yaml
from sailbench.gateware.profiles import BOARDS_DIR
from sailbench.harness.cli import main

VERSA = BOARDS_DIR / "versa-ecp5.yaml"


def by_port(pins):
    return {(p.port, p.bit): (p.ball, p.io, tuple(sorted(p.misc))) for p in pins}


def test_an_lpf_of_the_versa_imports_to_the_shipped_profiles_pins(tmp_path, capsys):
    shipped = profile_pins(VERSA, load_profile_yaml(VERSA))          # litex-boards' table, through a subprocess
    lpf = tmp_path / "versa.lpf"
    lpf.write_text(write_lpf(shipped))
    out = tmp_path / "versa-import.yaml"
    rc = main(["board", "new", "--from-lpf", str(lpf), "--output", str(out), "--part", "LFE5UM5G-45F",
               "--dram-part", "MT41K64M16", "--speed-bin", "DDR3-1600K", "--host-phy", "rgmii"])
    assert rc == 0, capsys.readouterr()
    imported = profile_pins(out, load_profile_yaml(out))
    assert by_port(imported) == by_port(shipped)                    # every pin: ball, standard, attributes
    assert len(imported) == len(shipped) == 123
    p, versa = read_profile(out), read_profile(VERSA)
    assert (p.fpga, p.package) == (versa.fpga, versa.package)       # the package inferred from the balls
    assert (p.dram.module, p.dram.data_width, p.dram.io_standard) == ("MT41K64M16", 16, "SSTL135_I")
    assert p.buildable and p.host_phy == "rgmii" and len(p.pin_table) == 123      # builds from its pin table
    findings, _ = check_file(out)          # an LPF cannot say which balls are SerDes channels: the check asks
    assert {f.key.split(".")[2] for f in findings} == {"pcie_x1", "refclk", "refclk@1", "sma_tx", "sma_rx"}
    assert all("a SerDes pin? name its resource in serdes.channels" in f.message for f in findings)


def test_an_lpf_with_ddr_pins_asks_for_the_dram_part(tmp_path, capsys):
    lpf = tmp_path / "b.lpf"
    lpf.write_text('LOCATE COMP "ddram_dq[0]" SITE "L5";\nIOBUF PORT "ddram_dq[0]" IO_TYPE=SSTL135_I;\n'
                   'LOCATE COMP "ddram_dq[1]" SITE "F1";\n')
    rc = main(["board", "new", "--from-lpf", str(lpf), "--output", str(tmp_path / "b.yaml"), "--part", "LFE5UM5G-45F",
               "--package", "CABGA381"])
    err = capsys.readouterr().err.strip().splitlines()
    assert rc == 2 and len(err) == 1 and "give --dram-part and --speed-bin" in err[0]


def test_an_imported_profile_makes_a_litex_platform_from_its_pin_table(tmp_path):
    from sailbench.gateware.platforms.pin_table import pin_table_platform
    shipped = profile_pins(VERSA, load_profile_yaml(VERSA))
    lpf = tmp_path / "versa.lpf"
    lpf.write_text(write_lpf(shipped))
    out = tmp_path / "rev-c.yaml"
    assert main(["board", "new", "--from-lpf", str(lpf), "--output", str(out), "--part", "LFE5UM5G-45F",
                 "--dram-part", "MT41K64M16", "--speed-bin", "DDR3-1600K", "--host-phy", "rgmii"]) == 0
    platform = pin_table_platform(read_profile(out))
    assert platform.device == "LFE5UM5G-45F-8BG381C" and platform.default_clk_name == "clk100"
    ddram = platform.request("ddram")
    assert len(ddram.dq) == 16 and len(ddram.dqs_p) == 2
    for name in ("serial", "eth_clocks", "eth", "rst_n"):
        platform.request(name)
