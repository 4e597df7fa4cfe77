"""harness/config/collisions.py on its own: the /24 a board's address is on, the host its NIC is on, and
which board pairs check_no_collisions refuses, naming the second board's key and line. The same refusals
through load_lab: tests/unit/config/test_cables.py."""
import ipaddress
from pathlib import Path

import pytest

from sailbench.harness.config.collisions import board_host, check_no_collisions, subnet
from sailbench.harness.config.loading import parse_positioned
from sailbench.harness.config.records import BoardConfig, EtherboneConfig, LabgridPlace
from sailbench.harness.config.validation import SectionReader
from sailbench.harness.errors import ConfigError

BOARDS = """\
a:
  kind: hardware
  etherbone: {ip: 192.168.1.50}
b:
  kind: hardware
  etherbone:
    ip: 192.168.1.51
    interface: eth1
"""


def hw(name: str, ip: str, *, interface: str | None = None, mac: str | None = None,
       host: str | None = None) -> BoardConfig:
    place = LabgridPlace(f"place-{name}", host=host) if host else None
    return BoardConfig(name, "hardware", "versa-ecp5", etherbone=EtherboneConfig(ip, interface=interface, mac=mac),
                       labgrid=place)


def check(*boards: BoardConfig, text: str = BOARDS) -> None:
    check_no_collisions(SectionReader(Path("lab.yaml")), parse_positioned(text), {b.name: b for b in boards})


def refusal(*boards: BoardConfig, text: str = BOARDS) -> ConfigError:
    with pytest.raises(ConfigError) as info:
        check(*boards, text=text)
    return info.value


def test_subnet_is_the_addresses_24():
    assert subnet("192.168.1.77") == ipaddress.IPv4Network("192.168.1.0/24")
    assert subnet("10.0.3.1") != subnet("10.0.4.1")


def test_board_host_is_the_exporter_host_else_this_pc():
    assert board_host(hw("a", "10.0.0.1", host="bench-2")) == "bench-2"
    assert board_host(hw("a", "10.0.0.1")) == "this PC"
    no_host = BoardConfig("a", "hardware", "versa-ecp5", labgrid=LabgridPlace("place-a"))
    assert board_host(no_host) == "this PC"


def test_a_shared_ip_names_both_boards_and_the_second_ones_ip_line():
    e = refusal(hw("a", "192.168.1.50", interface="eth0"), hw("b", "192.168.1.50", interface="eth1"))
    assert e.key == "boards.b.etherbone.ip" and "boards 'a' and 'b' both have etherbone.ip 192.168.1.50" in str(e)
    assert "(line 7)" in str(e), "b's etherbone.ip key"


def test_a_shared_mac_is_refused():
    e = refusal(hw("a", "192.168.1.50", mac="02:00:00:00:00:01"), hw("b", "192.168.2.50", mac="02:00:00:00:00:01"))
    assert e.key == "boards.b.etherbone.mac" and "both have etherbone.mac 02:00:00:00:00:01" in str(e)
    assert "(line 6)" in str(e), "no mac key: the line of b's etherbone"


@pytest.mark.parametrize("a_if,b_if,words", [(None, None, "neither names"), ("eth0", None, "not both name")])
def test_one_subnet_on_one_host_needs_both_interfaces(a_if, b_if, words):
    e = refusal(hw("a", "192.168.1.50", interface=a_if), hw("b", "192.168.1.51", interface=b_if))
    assert e.key == "boards.b.etherbone.interface"
    assert f"are both on 192.168.1.0/24 on this PC and {words} its etherbone.interface" in str(e)


def test_what_does_not_collide():
    check(hw("a", "192.168.1.50", interface="eth0"), hw("b", "192.168.1.51", interface="eth1"))
    check(hw("a", "192.168.1.50"), hw("b", "192.168.2.50"))                          # other subnets
    check(hw("a", "192.168.1.50", host="bench-1"), hw("b", "192.168.1.51", host="bench-2"))   # other hosts
    check(hw("a", "192.168.1.50", mac=None), hw("b", "192.168.2.50", mac=None))      # no MAC given twice


def test_simulated_boards_and_boards_without_etherbone_are_not_compared():
    sim = BoardConfig("a", "sim", "versa-ecp5", etherbone=EtherboneConfig("192.168.1.50"))
    serial_only = BoardConfig("c", "hardware", "versa-ecp5", serial="/dev/ttyUSB1")
    check(sim, serial_only, hw("b", "192.168.1.50"))
