"""Board profiles as data: every file in the profile folder reads and validates, bad data is refused
naming the file, the key and the line, the SerDes channel budget is enforced with its options."""
import dataclasses
import importlib
from pathlib import Path

import pytest

from sailbench.gateware.profiles import (BOARDS_DIR, ProfileError, buildable_profile, channel_budget_error,
                                         ecp5_idcode, get_profile, profiles, validate_profile)
from sailbench.gateware.profiles.profile_file import read_profile

from unit.fakes.profile_files import PROFILE_FILES, TEST_DATA_BOARDS, file_id

VERSA_TEXT = (BOARDS_DIR / "versa-ecp5.yaml").read_text()


@pytest.mark.parametrize("path", PROFILE_FILES, ids=file_id)
def test_every_profile_file_reads_and_validates(path):
    p = read_profile(path)
    assert p.name == path.stem and get_profile(str(path)) == p
    assert p.name in profiles() or path.parent == TEST_DATA_BOARDS       # a profile folder's file is known by name
    validate_profile(p)
    assert p.jtag_idcode is not None and p.fpga.startswith(p.part)


@pytest.mark.parametrize("path", PROFILE_FILES, ids=file_id)
def test_a_profile_that_is_not_buildable_says_why_and_a_buildable_one_builds(path):
    p = read_profile(path)
    if p.buildable:
        assert buildable_profile(str(path)) == p
    else:
        with pytest.raises(ProfileError, match=f"profile '{p.name}' cannot be built: .+"):
            buildable_profile(str(path))


def test_unknown_profile_lists_the_known_ones():
    with pytest.raises(ProfileError) as e:
        buildable_profile("versa")
    assert str(e.value) == f"unknown board profile 'versa'; known profiles: {', '.join(sorted(profiles()))}"


def write(tmp_path, text, name="rev-b.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


@pytest.mark.parametrize("old,new,key", [
    ("sys_clk_hz: 75_000_000", "sys_clk_hz: 0", "sys_clk_hz"),
    ("  phy: rgmii", "  phy: rmii", "host_link.phy"),
    ("part: LFE5UM5G-45F,", "part: XC7A35T,", "fpga.part"),
    ("  data_width: 16", "  data_width: 12", "dram.data_width"),
    ("  ratio: 2 ", "  ratio: 3 ", "dram.ratio"),
    ("  speed_bin: DDR3-1600K", "  speed_bin: DDR3-1600Z", "dram.speed_bin"),
    ("  memtype: DDR3", "  memtype: DDR9", "dram.memtype"),
    ('  mac: "10:e2:d5:00:00:02"', "  mac: 10-e2", "host_link.mac"),
    ("clk_in: clk100", "clk_in: clk100\nclk_inn: clk100", "clk_inn"),
    ('usb_id: "0403:6010"', "usb_id: 4036010", "cable[0].usb_id"),
])
def test_bad_profile_data_is_refused_naming_file_key_and_line(tmp_path, old, new, key):
    assert old in VERSA_TEXT
    text = VERSA_TEXT.replace(old, new, 1)
    with pytest.raises(ProfileError) as e:
        read_profile(write(tmp_path, text))
    message = str(e.value)
    assert message.startswith(f"{tmp_path / 'rev-b.yaml'}: {key}: ")
    assert message.endswith(f"(line {line_of(text, new.splitlines()[-1])})")


def test_a_duplicate_key_is_refused_with_its_line(tmp_path):
    text = VERSA_TEXT.replace("clk_in: clk100", "clk_in: clk100\nclk_in: clk50")
    with pytest.raises(ProfileError, match=r"duplicate key 'clk_in' \(first at line \d+\).*\(line \d+\)"):
        read_profile(write(tmp_path, text))


def test_the_channel_budget_names_the_count_and_the_options(tmp_path):
    assert channel_budget_error("LFE5UM5G-85F", 4, False) is None
    assert channel_budget_error("LFE5UM5G-85F", 3, True) is None
    assert channel_budget_error("LFE5UM5G-85F", 4, True) == (
        "4 lanes and an SGMII host link need 5 SerDes channels but LFE5UM5G-85F has 4 (2 DCUs x 2); options: "
        "4 lanes with an RGMII host link, or SGMII plus 3 lanes")
    text = (BOARDS_DIR / "sail-reva.yaml").read_text().replace(
        "    DCU1 CH1: {use: sgmii", "    DCU1 CH1: {use: lane, tx: a, rx: b}\n    DCU2 CH0: {use: sgmii")
    with pytest.raises(ProfileError) as e:
        read_profile(write(tmp_path, text))
    assert "serdes.channels: 4 lanes and an SGMII host link need 5 SerDes channels" in str(e.value)
    assert str(e.value).endswith(f"(line {line_of(text, '  channels:')})")


def test_two_lanes_on_one_dcu_are_allowed_but_not_two_uses_of_one_channel(tmp_path):
    """On a file of its own (rev-A's channel placement is provisional until its schematic): the Versa with its
    PCIe x1 edge a built lane beside the SMA one."""
    optional = "    DCU0 CH0: {use: lane, optional: true,"
    assert optional in VERSA_TEXT
    text = VERSA_TEXT.replace(optional, "    DCU0 CH0: {use: lane,")
    p = read_profile(write(tmp_path, text, "rev-l.yaml"))
    assert [c.name for c in p.lanes] == ["DCU0 CH1", "DCU0 CH0"]            # both channels of DCU0
    twice = dataclasses.replace(p, lanes=p.lanes + (p.lanes[0],))
    with pytest.raises(ProfileError, match="profile 'rev-l': lanes: two uses of one SerDes channel"):
        validate_profile(twice)


def test_a_profile_given_by_path_adds_a_board_without_python(tmp_path, monkeypatch):
    path = write(tmp_path, VERSA_TEXT.replace("MT41K64M16 ", "MT41K128M16"), "test-rev-z.yaml")
    p = get_profile(str(path))
    assert p.name == "test-rev-z" and p.dram.module == "MT41K128M16"
    monkeypatch.setenv("SAILBENCH_PROFILES", str(tmp_path))
    assert get_profile("test-rev-z").dram.module == "MT41K128M16"


def test_the_boards_lanes_and_cables_are_data():
    versa, ecpix5 = get_profile("versa-ecp5"), get_profile("ecpix5")
    assert [(c.name, c.connector) for c in versa.lanes] == [("DCU0 CH1", "SMA")]
    assert [(c.name, c.connector) for c in versa.optional_lanes] == [("DCU0 CH0", "PCIe x1 edge")]
    (sata,) = ecpix5.lanes                                   # built: the lane gateware takes "sata:tx" pads
    assert (sata.name, sata.tx_pads, sata.termination_ohm) == ("DCU1 CH0", "sata:tx", 50)
    assert ecpix5.optional_lanes == () and ecpix5.serdes_refclk_dcu1 is None
    # liteiclink's bench/serdes/ecpix5.py: REFCK_RTERM off, the board terminates; the Versa's: on, 100 ohm
    assert (ecpix5.serdes_refclk.hz, ecpix5.serdes_refclk.loc, ecpix5.serdes_refclk.termination_ohm) == \
        (100e6, "EXTREF1", None)
    assert versa.serdes_refclk.termination_ohm == 100
    assert (ecpix5.cable("R02").openfpgaloader, ecpix5.cable("R02").usb_id) == ("ecpix5-debug", "0403:6010")
    assert (ecpix5.cable("R03").openfpgaloader, ecpix5.cable("R03").usb_id) == ("ft4232", "0403:6011")
    assert ecpix5.cable().revision == "R02" and versa.cable().uart_interface == 1


def test_sail_lanes_has_four_lanes_on_two_dcus_each_with_its_reference_clock():
    p = buildable_profile("sail-lanes")
    assert p.fpga == "LFE5UM5G-85F-8BG381C" and p.dram is None and p.host_phy is None and p.cables == ()
    assert [(c.name, c.tx_pads) for c in p.lanes] == [(f"DCU{d} CH{c}", f"dcu{d}_ch{c}_tx") for d in (0, 1)
                                                      for c in (0, 1)]
    assert (p.serdes_refclk.index, p.serdes_refclk.loc) == (0, "EXTREF0")
    assert (p.serdes_refclk_dcu1.index, p.serdes_refclk_dcu1.loc, p.serdes_refclk_dcu1.hz) == (1, "EXTREF1", 156.25e6)
    assert channel_budget_error(p.part, len(p.lanes), p.host_phy == "sgmii") is None


SAIL_LANES_TEXT = (BOARDS_DIR / "sail-lanes.yaml").read_text()


@pytest.mark.parametrize("old,new,key,why", [
    ("  refclk_dcu1: {pads: refclk, index: 1, hz: 156_250_000, loc: EXTREF1, termination_ohm: 100}",
     "  refclk_dcu1: {pads: refclk, index: 1, hz: 156_250_000, loc: EXTREF1, termination_ohm: 50}",
     "serdes.refclk_dcu1", "termination_ohm 50: the EXTREF input terminates on chip at 100 ohm or not at all (leave it out when the "
     "board terminates the clock)"),
    ("    DCU1 CH0: {use: lane, tx: dcu1_ch0_tx, rx: dcu1_ch0_rx, connector: inter-card lane 2}\n"
     "    DCU1 CH1: {use: lane, tx: dcu1_ch1_tx, rx: dcu1_ch1_rx, connector: inter-card lane 3}",
     "    DCU1 CH0: {use: free}", "serdes.refclk_dcu1", "a reference clock for DCU1 but no channel of DCU1 uses it"),
], ids=["termination", "unused"])
def test_bad_reference_clocks_are_refused_naming_key_and_line(tmp_path, old, new, key, why):
    assert old in SAIL_LANES_TEXT
    text = SAIL_LANES_TEXT.replace(old, new)
    with pytest.raises(ProfileError) as e:
        read_profile(write(tmp_path, text))
    assert str(e.value) == f"{tmp_path / 'rev-b.yaml'}: {key}: {why} (line {line_of(text, '  refclk_dcu1:')})"


def test_ecp5_idcodes_match_openfpgaloader():
    assert ecp5_idcode("LFE5UM5G-45F-8BG381C") == 0x81112043
    assert ecp5_idcode("LFE5UM5G-85F-8BG554I") == 0x81113043
    assert ecp5_idcode("LFE5U-25F-6BG256C") == 0x41111043
    assert ecp5_idcode("nonsense") is None
    assert get_profile("versa-ecp5").jtag_idcode == 0x81112043
    assert get_profile("versa-ecp5-um").jtag_idcode == 0x01112043


@pytest.mark.parametrize("name", [n for n, p in profiles().items() if p.platform])
def test_platform_imports_and_is_the_profiles_part(name):
    """litex-boards 2023.12 on litex 2024.12: the platform imports and its device is the profile's."""
    profile = get_profile(name)
    platform = importlib.import_module(profile.platform).Platform(device=profile.platform_device,
                                                                   toolchain="trellis")
    assert platform.device.upper() == profile.fpga.upper()
    available = {(r[0], r[1]) for r in platform.constraint_manager.available}
    for resource in ("serial", profile.clk_in, "rst_n") + (("ddram",) if profile.dram else ()):
        assert (resource, 0) in available, resource
    for resource in ("eth_clocks", "eth") if profile.host_phy == "rgmii" else ():
        assert (resource, profile.eth_phy) in available, resource
    for c in profile.lanes + profile.optional_lanes:
        for pads in (c.tx_pads, c.rx_pads):
            assert (pads.split(":")[0], 0) in available, pads


def test_profile_files_are_package_data():
    """A regular install carries the folder too (pyproject's package-data)."""
    import tomllib
    data = tomllib.loads((BOARDS_DIR.parents[1] / "pyproject.toml").read_text())
    assert "boards/*.yaml" in data["tool"]["setuptools"]["package-data"]["sailbench.gateware"]


def test_a_lab_pair_asking_for_more_lanes_than_the_part_has_is_refused(tmp_path):
    from sailbench.harness.config import load_lab
    from sailbench.harness.errors import ConfigError
    lab = tmp_path / "lab.yaml"
    lab.write_text("boards:\n"
                   "  a: {kind: hardware, profile: versa-ecp5, serial: /dev/ttyUSB1}\n"
                   "  b: {kind: hardware, profile: versa-ecp5, serial: /dev/ttyUSB3}\n"
                   "pairs:\n"
                   "  ab: {kind: hardware, profile: versa-ecp5, upstream: a, downstream: b, lanes: 5}\n")
    with pytest.raises(ConfigError) as e:
        load_lab(lab)
    assert str(e.value) == (f"{lab}: pairs.ab.lanes: profile versa-ecp5: 5 lanes need 5 SerDes channels but "
                            "LFE5UM5G-45F has 4 (2 DCUs x 2); options: 4 lanes with an RGMII host link, or SGMII "
                            "plus 3 lanes (line 5)")
