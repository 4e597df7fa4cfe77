"""lab.yaml: hardware boards that do not collide (IP, MAC, subnet per host) and cables their profile allows."""
import dataclasses
from pathlib import Path

import pytest

from sailbench.gateware.targets.ecp5_options import DEFAULT_MAC, Ecp5Options, board_mac, ecp5_build_dir
from sailbench.gateware.profiles import get_profile
from sailbench.harness.build.bitstream import ecp5_options
from sailbench.harness.config import REPO_LAB, load_lab
from sailbench.harness.config.cables import board_cable
from sailbench.harness.errors import ConfigError


def board(name: str, ip: str, extra: str = "", profile: str = "versa-ecp5", cable: str = "ft2232") -> str:
    lines = [f"  {name}:", "    kind: hardware", f"    profile: {profile}", "    serial: /dev/ttyUSB1",
             f"    cable: {cable}", "    etherbone:", f"      ip: {ip}"]
    lines += [f"      {e}" for e in extra.split(";") if e]
    return "\n".join(lines) + "\n"


def lab_file(tmp_path: Path, *boards: str) -> Path:
    path = tmp_path / "lab.yaml"
    path.write_text("boards:\n" + "".join(boards))
    return path


def refused(path: Path) -> ConfigError:
    with pytest.raises(ConfigError) as info:
        load_lab(path)
    assert "\n" not in str(info.value), "one line"
    return info.value


def test_board_mac_is_stable_locally_administered_unicast():
    mac = board_mac("versa-ecp5")
    assert mac == board_mac("versa-ecp5") != board_mac("versa-ecp5-b")
    first = int(mac[:2], 16)
    assert first & 0b10 and not first & 0b01          # locally administered, unicast


def test_each_board_gets_its_own_mac_and_build(tmp_path):
    lab = load_lab(lab_file(tmp_path, board("a", "192.168.1.50"), board("b", "192.168.2.50")))
    a, b = lab.board("a"), lab.board("b")
    assert a.etherbone.mac == board_mac("a") and b.etherbone.mac == board_mac("b")
    profile = get_profile("versa-ecp5")
    a_as_b = dataclasses.replace(a, etherbone=dataclasses.replace(a.etherbone, mac=b.etherbone.mac))
    assert ecp5_build_dir(Path("/x"), profile, ecp5_options(a))[1] != \
        ecp5_build_dir(Path("/x"), profile, ecp5_options(a_as_b))[1], "the MAC is part of the build hash"


def test_mac_set_in_lab_yaml(tmp_path):
    lab = load_lab(lab_file(tmp_path, board("a", "192.168.1.50", "mac: 02:AA:00:00:00:01")))
    assert lab.board("a").etherbone.mac == "02:aa:00:00:00:01"
    assert ecp5_options(lab.board("a")).mac_address(get_profile("versa-ecp5")) == "02:aa:00:00:00:01"


def test_default_build_mac_is_the_profiles():
    assert Ecp5Options().mac_address(get_profile("ecpix5")) == "10:e2:d5:00:00:03"
    assert Ecp5Options().to_dict()["mac"] is None and DEFAULT_MAC


def test_unquoted_all_digit_mac_asks_for_quotes(tmp_path):
    err = refused(lab_file(tmp_path, board("a", "192.168.1.50", "mac: 12:34:56:10:20:30")))
    assert err.key == "boards.a.etherbone.mac" and "in quotes" in str(err)


def test_multicast_mac_refused(tmp_path):
    err = refused(lab_file(tmp_path, board("a", "192.168.1.50", "mac: 01:00:5e:00:00:01")))
    assert err.key == "boards.a.etherbone.mac" and "unicast" in str(err)


@pytest.mark.parametrize("second, key, words", [
    (board("b", "192.168.1.50", "interface: eth1"), "boards.b.etherbone.ip", "both have etherbone.ip 192.168.1.50"),
    (board("b", "192.168.2.9", f"mac: {board_mac('a')}"), "boards.b.etherbone.mac", "both have etherbone.mac"),
    (board("b", "192.168.1.51"), "boards.b.etherbone.interface", "both on 192.168.1.0/24 on this PC"),
    (board("b", "192.168.1.51", "interface: eth1"), "boards.b.etherbone.interface", "not both name"),
])
def test_colliding_boards_refused_naming_both(tmp_path, second, key, words):
    err = refused(lab_file(tmp_path, board("a", "192.168.1.50"), second))
    assert err.key == key and words in str(err)
    assert "boards 'a' and 'b'" in str(err) and "(line " in str(err)


def test_one_subnet_with_interfaces_named_is_fine(tmp_path):
    load_lab(lab_file(tmp_path, board("a", "192.168.1.50", "interface: eth0"),
                      board("b", "192.168.1.51", "interface: eth1")))


def test_shipped_lab_has_no_collisions():
    lab = load_lab(REPO_LAB)
    hw = [b for b in lab.boards.values() if b.kind == "hardware" and b.etherbone]
    assert len({b.etherbone.mac for b in hw}) == len(hw) >= 2


def test_ecpix5_cable_per_revision():
    assert board_cable("ecpix5", "R02").openfpgaloader == "ecpix5-debug"
    r03 = board_cable("ecpix5", "R03")
    assert (r03.openfpgaloader, r03.usb_id, r03.uart_interface) == ("ft4232", "0403:6011", 1)
    assert board_cable("versa-ecp5", None).usb_id == "0403:6010"


def ecpix5(extra: str) -> str:
    return ("  e5:\n    kind: hardware\n    profile: ecpix5\n    serial: /dev/ttyUSB1\n"
            + "".join(f"    {line}\n" for line in extra.split(";")))


@pytest.mark.parametrize("extra, ok", [
    ("revision: R03;cable: ft4232", True),
    ("revision: R02;cable: ecpix5-debug", True),
    ("cable: ft4232", True),                                  # no revision: any of the profile's cables
    ("revision: R03;cable: ecpix5-debug", False),
    ("cable: ft2232", False),
    ("cable: ft2232;cable_override: true", True),
    ("cable: xvc-client;cable_address: 127.0.0.1:2542", True),  # a network cable is not the USB debugger
])
def test_cable_must_be_the_profiles(tmp_path, extra, ok):
    path = tmp_path / "lab.yaml"
    path.write_text("boards:\n" + ecpix5(extra))
    if ok:
        load_lab(path)
        return
    err = refused(path)
    assert err.key == "boards.e5.cable" and "cable_override" in str(err) and "0403:60" in str(err)


def test_unknown_revision_refused(tmp_path):
    path = tmp_path / "lab.yaml"
    path.write_text("boards:\n" + ecpix5("revision: R09"))
    err = refused(path)
    assert err.key == "boards.e5.revision" and "R02, R03" in str(err)


def test_the_build_child_builds_where_the_harness_looks():
    """The child build gets the board's MAC: `ecp5 --print-dir` with the harness's arguments is bitstream_dir."""
    import subprocess
    import sys
    from sailbench.harness.build import bitstream
    config = load_lab(REPO_LAB).board("ecpix5")
    args = bitstream._args(config, ecp5_options(config))
    assert args[args.index("--mac") + 1] == board_mac("ecpix5")
    out = subprocess.run([sys.executable, "-m", "sailbench.gateware.targets.ecp5", *args, "--print-dir"],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == str(bitstream.bitstream_dir(config))


def test_revision_alone_sets_the_cable(tmp_path):
    path = tmp_path / "lab.yaml"
    path.write_text("boards:\n" + ecpix5("revision: R03"))
    assert load_lab(path).board("e5").cable == "ft4232"


@pytest.mark.parametrize("serial, ok", [
    ("/dev/serial/by-id/usb-FTDI_Quad_RS232-HS_FT4R03-if01-port0", True),
    ("/dev/serial/by-id/usb-FTDI_Quad_RS232-HS_FT4R03-if00-port0", False),
    ("/dev/ttyUSB0", True),                   # a plain tty says nothing about its interface
])
def test_serial_path_must_be_the_uart_interface(tmp_path, serial, ok):
    path = tmp_path / "lab.yaml"
    path.write_text("boards:\n" + ecpix5("revision: R03").replace("/dev/ttyUSB1", serial))
    if ok:
        load_lab(path)
        return
    err = refused(path)
    assert err.key == "boards.e5.serial" and "interface 0 (the JTAG side)" in str(err) and "-if01-port0" in str(err)
