"""The typed build manifest: JSON round trip with the same keys as before, schema version, and a
manifest that does not parse is a BuildError naming its file and field."""
import json

import pytest

from sailbench.gateware.build.manifest import (SCHEMA_VERSION, BuildManifest, CsrField, EtherboneInfo, LaneInfo,
                                         ManifestError, PairBoard, UartInfo, write_manifest)
from sailbench.harness.build.manifest import read_build_manifest
from sailbench.harness.errors import BuildError

SIM = {"target": "sim", "profile": "versa-ecp5", "hash": "0a13bfa8e3ab", "identifier": "sailbench profile=x",
       "version": "0.1.0", "packages": {"litex": "2024.12"}, "sys_clk_hz": 75_000_000,
       "options": {"with_dram": False, "with_ethernet": True}, "csr_json": "csr.json",
       "vsim": "gateware/obj_dir/Vsim", "modules_dir": "gateware/modules", "uart": {"kind": "serial2tcp"},
       "etherbone": {"soc_ip": "192.168.1.50", "host_ip": "192.168.1.100", "port": 1234}, "dram": None,
       "host_link": {"phy": "sim (TAP)", "line_rate_bytes_per_s": 125_000_000, "preamble_bytes": 0,
                     "fcs_bytes": 0, "header_bytes": 42, "min_frame_bytes": 60, "tx_gap_bytes": 12,
                     "rx_gap_bytes": 1, "gen_port": 6000, "sink_port": 6001},
       "build_seconds": 61.2}

PAIR = {"target": "simpair", "profile": "versa-ecp5", "hash": "abc", "version": "0.1.0", "packages": {},
        "sys_clk_hz": 75_000_000, "lanes": 2,
        "lane": {"word_clk_hz": 62_500_000.0, "bytes_per_word": 2, "line_rate_baud": 1.25e9,
                 "ceiling_bytes_per_s": 125_000_000.0, "faults": "receiving side, laneN_faults_*", "coding": "8b10b"},
        "vsim": "gateware/obj_dir/Vsim", "modules_dir": "gateware/modules",
        "boards": {"upstream": {"identifier": "up", "csr_json": "csr-upstream.json", "serial_index": 0},
                   "downstream": {"identifier": "down", "csr_json": "csr-downstream.json", "serial_index": 1}},
        "csr_fields": {"lane": {"status": {"state": {"offset": 0, "size": 2}}}},
        "build_seconds": 80.0}


@pytest.mark.parametrize("data", [SIM, PAIR], ids=["sim", "simpair"])
def test_round_trip_keeps_the_json_keys_and_adds_the_schema(data):
    m = BuildManifest.from_dict(data)
    assert m.to_dict() == {**data, "schema": SCHEMA_VERSION} | ({"csr_fields": {}} if "csr_fields" not in data else {})
    assert BuildManifest.from_dict(json.loads(m.to_json())) == m


def test_attributes_are_typed_records():
    m = BuildManifest.from_dict(SIM)
    assert m.etherbone == EtherboneInfo(soc_ip="192.168.1.50", port=1234, host_ip="192.168.1.100")
    assert m.uart == UartInfo(kind="serial2tcp") and m.dram is None and m.host_link.sink_port == 6001
    p = BuildManifest.from_dict(PAIR)
    assert p.lane == LaneInfo(62_500_000.0, 2, 1.25e9, 125_000_000.0, "receiving side, laneN_faults_*")
    assert p.boards["downstream"] == PairBoard("down", "csr-downstream.json", 1)
    assert p.csr_fields["lane"]["status"]["state"] == CsrField(offset=0, size=2)


def test_one_board_of_a_pair_carries_its_identifier_and_csr_map():
    down = BuildManifest.from_dict(PAIR).for_role("downstream")
    assert (down.identifier, down.csr_json, down.role) == ("down", "csr-downstream.json", "downstream")
    assert "role" not in down.to_dict()
    with pytest.raises(ManifestError, match="no board 'sideways'"):
        BuildManifest.from_dict(PAIR).for_role("sideways")


def test_write_then_read_through_the_harness(tmp_path):
    write_manifest(tmp_path, BuildManifest.from_dict(SIM))
    assert read_build_manifest(tmp_path) == BuildManifest.from_dict(SIM)
    assert not list(tmp_path.glob("*.tmp"))


@pytest.mark.parametrize("change, message", [
    (lambda d: d.pop("hash"), r"missing field 'hash'"),
    (lambda d: d.update(sys_clk_hz="75 MHz"), r"sys_clk_hz: expected int, got '75 MHz'"),
    (lambda d: d["etherbone"].pop("port"), r"etherbone: missing field 'port'"),
    (lambda d: d["host_link"].update(sink_port=True), r"host_link: sink_port: expected int, got True"),
    (lambda d: d.update(colour="blue"), r"unknown field\(s\) colour"),
    (lambda d: d.update(schema=99), r"schema 99, this sailbench reads schema 1"),
])
def test_a_manifest_that_does_not_parse_is_a_build_error_naming_the_file(tmp_path, change, message):
    data = json.loads(json.dumps(SIM))
    change(data)
    (tmp_path / "sailbench.json").write_text(json.dumps(data))
    with pytest.raises(BuildError, match=rf"build manifest {tmp_path}/sailbench\.json: .*{message}.*delete"):
        read_build_manifest(tmp_path)


def test_unreadable_and_non_json_manifests(tmp_path):
    with pytest.raises(BuildError, match=r"sailbench\.json unreadable: No such file"):
        read_build_manifest(tmp_path)
    (tmp_path / "sailbench.json").write_text("{not json")
    with pytest.raises(BuildError, match=r"sailbench\.json: not JSON"):
        read_build_manifest(tmp_path)
