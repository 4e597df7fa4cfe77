"""Boards in labgrid places: serial URLs from NetworkSerialPort, openFPGALoader over ssh on the
debugger's host (the command lines it builds), the NIC-host check."""
import shlex
import subprocess
from pathlib import Path

import pytest

from sailbench.harness.board import loader, place_resolve
from sailbench.harness.board.labgrid_place import LabgridError, Resource
from sailbench.harness.board.loader import Cable, remote_path, stage_commands
from sailbench.harness.config import BoardConfig, EtherboneConfig, LabgridPlace
from sailbench.harness.errors import BoardError

SSH = ["ssh", "-o", "BatchMode=yes", "-o", "ConnectTimeout=10"]


def resource(cls, **params):
    return Resource("bench2", "versa-a", cls, cls, params, True, None)


def board(**kw):
    return BoardConfig(name="va", kind="hardware", profile="versa-ecp5",
                       labgrid=LabgridPlace(place="versa-a", host="bench2", coordinator="lab:20408"), **kw)


def test_serial_url_from_the_place():
    assert place_resolve.serial_url(resource("NetworkSerialPort", host="bench2", port=40123, protocol="rfc2217",
                                             speed=115200)) == "rfc2217://bench2:40123?ign_set_control"
    assert place_resolve.serial_url(resource("NetworkSerialPort", host="bench2", port=40123,
                                             protocol="raw")) == "socket://bench2:40123"
    with pytest.raises(LabgridError, match="no host/port yet"):
        place_resolve.serial_url(resource("NetworkSerialPort", host="bench2", port=None))


def test_resolve_board_reads_the_place_on_every_open(monkeypatch):
    ports = iter([40001, 40002])
    monkeypatch.setattr(place_resolve, "view", lambda config, address: place_resolve.PlaceView(
        "versa-a", [resource("NetworkSerialPort", host="127.0.0.1", port=next(ports), protocol="rfc2217")], [], []))
    first = place_resolve.resolve_board(board(), "lab:20408")
    second = place_resolve.resolve_board(board(), "lab:20408")
    assert (first.serial, second.serial) == ("rfc2217://127.0.0.1:40001?ign_set_control",
                                             "rfc2217://127.0.0.1:40002?ign_set_control")


def test_nic_probes_from_another_host_name_the_host(monkeypatch):
    monkeypatch.setattr(place_resolve, "view", lambda config, address: place_resolve.PlaceView(
        "versa-a", [resource("NetworkSerialPort", host="bench2", port=1)], [],
        [resource("RemoteNetworkInterface", host="bench2", ifname="enx0011")]))
    with pytest.raises(LabgridError, match=r"board 'va': the board's Ethernet .* is on host 'bench2' .*: "
                                           r"run this on bench2"):
        place_resolve.resolve_board(board(etherbone=EtherboneConfig(ip="192.168.1.50")), "lab:20408")
    assert place_resolve.resolve_board(board(), "lab:20408").serial.startswith("rfc2217://bench2:1")  # UART only


def test_remote_openfpgaloader_command_copies_the_bitstream_first(tmp_path):
    bit = tmp_path / "top.bit"
    bit.write_bytes(b"\xff\x00bitstream")
    staged = []

    def stage(host, path):
        staged.append((host, path))
        return remote_path(path)

    cable = Cable("va", "ft2232", busdev="1:4", host="bench2")
    cmd = cable.command(["-m", str(bit)], stage=stage)
    assert staged == [("bench2", bit)]
    dest = remote_path(bit)
    assert dest.startswith(".cache/sailbench/bitstreams/") and dest.endswith("/top.bit")
    assert cmd == [*SSH, "bench2", "--", f"openFPGALoader -c ft2232 --busdev-num 1:4 -m {dest}"]
    assert shlex.split(cmd[-1])[-1] == dest
    assert cable.command(["--detect"], stage=stage)[-1] == "openFPGALoader -c ft2232 --busdev-num 1:4 --detect"
    mkdir, scp, where = stage_commands("bench2", bit)
    assert where == dest
    assert mkdir == [*SSH, "bench2", "--", f"mkdir -p {str(Path(dest).parent)}"]
    assert scp == ["scp", "-q", "-o", "BatchMode=yes", "-o", "ConnectTimeout=10", str(bit), f"bench2:{dest}"]
    assert "on host bench2" in cable.label and "USB 1:4" in cable.label


def test_local_debugger_runs_here(monkeypatch):
    monkeypatch.setenv("SAILBENCH_OPENFPGALOADER", "/usr/bin/openFPGALoader")
    assert Cable("va", "ft2232", busdev="1:4").command(["--detect"]) == [
        "/usr/bin/openFPGALoader", "-c", "ft2232", "--busdev-num", "1:4", "--detect"]


def test_cable_for_a_place_board_comes_from_its_debugger(monkeypatch):
    monkeypatch.setattr(place_resolve, "debugger", lambda config, address: ("bench2", "3:7"))
    assert loader.cable_for(board()) == Cable("va", "ft2232", None, busdev="3:7", host="bench2")


def test_ssh_failure_is_one_line_naming_the_host(monkeypatch):
    monkeypatch.setattr(subprocess, "run", lambda *a, **k: subprocess.CompletedProcess(
        a[0], 255, "", "ssh: connect to host bench2 port 22: Connection refused\n"))
    with pytest.raises(BoardError, match=r"board 'va': cannot run openFPGALoader on host bench2 over ssh "
                                         r"\('ssh: connect to host bench2 port 22: Connection refused'\)"):
        loader.run(Cable("va", "ft2232", host="bench2"), ["--detect"], 5)


def test_debugger_from_the_place(monkeypatch):
    monkeypatch.setattr(place_resolve, "view", lambda config, address: place_resolve.PlaceView(
        "versa-a", [], [resource("NetworkUSBDebugger", host="bench2", busnum=3, devnum=7)], []))
    assert place_resolve.debugger(board(), "lab:20408") == ("bench2", "3:7")
    monkeypatch.setattr(place_resolve, "view", lambda config, address: place_resolve.PlaceView(
        "versa-a", [], [], []))
    with pytest.raises(LabgridError, match="exports no JTAG debugger"):
        place_resolve.debugger(board(), "lab:20408")


def test_nightly_leaves_boards_with_a_remote_nic_to_their_host():
    eb = EtherboneConfig(ip="192.168.1.50")
    assert place_resolve.nic_elsewhere(board(etherbone=eb)) == "bench2"
    assert place_resolve.nic_elsewhere(board()) is None                       # UART only: runs anywhere
    local = BoardConfig(name="vl", kind="hardware", profile="versa-ecp5", etherbone=eb,
                        labgrid=LabgridPlace(place="versa-l", host="localhost"))
    assert place_resolve.nic_elsewhere(local) is None
    plain = BoardConfig(name="vp", kind="hardware", profile="versa-ecp5", serial="/dev/ttyUSB1", etherbone=eb)
    assert place_resolve.nic_elsewhere(plain) is None
