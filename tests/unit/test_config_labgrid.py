"""lab.yaml's labgrid parts: the coordinator, boards in places, pair places."""
from pathlib import Path
from textwrap import dedent

import pytest

from sailbench.harness.config import LabgridPlace, load_lab
from sailbench.harness.errors import ConfigError

LAB = """\
labgrid:
  coordinator: labhost:20408
boards:
  sim:
    kind: sim
  va:
    kind: hardware
    profile: versa-ecp5
    labgrid: {place: versa-a, host: bench1}
    etherbone: {ip: 192.168.1.50}
  vb:
    kind: hardware
    profile: versa-ecp5
    labgrid: {place: versa-b}
pairs:
  ab:
    kind: hardware
    profile: versa-ecp5
    upstream: va
    downstream: vb
    place: versa-ab
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "lab.yaml"
    path.write_text(dedent(text))
    return path


def test_places_load(tmp_path):
    lab = load_lab(write(tmp_path, LAB))
    assert lab.coordinator == "labhost:20408"
    assert lab.board("va").labgrid == LabgridPlace(place="versa-a", host="bench1", coordinator="labhost:20408")
    assert lab.board("va").labgrid.address == "labhost:20408"
    assert lab.board("va").serial is None and lab.board("va").cable is None
    assert lab.board("vb").labgrid == LabgridPlace(place="versa-b", host=None, coordinator="labhost:20408")
    assert lab.board("sim").labgrid is None
    assert lab.pair("ab").place == "versa-ab"


def test_coordinator_from_environment(tmp_path, monkeypatch):
    lab = load_lab(write(tmp_path, LAB.replace("  coordinator: labhost:20408\n", "  {}\n")
                         .replace("labgrid:\n  {}", "labgrid: {}")))
    monkeypatch.delenv("LG_COORDINATOR", raising=False)
    with pytest.raises(ConfigError, match=r"labgrid\.coordinator: a labgrid place needs a coordinator.*"
                                          r"\$LG_COORDINATOR"):
        lab.coordinator
    with pytest.raises(ConfigError, match=r"place 'versa-a' needs a labgrid coordinator"):
        lab.board("va").labgrid.address
    monkeypatch.setenv("LG_COORDINATOR", "10.0.0.5:20408")
    assert lab.coordinator == lab.board("va").labgrid.address == "10.0.0.5:20408"
    monkeypatch.setenv("LG_COORDINATOR", "nonsense")
    with pytest.raises(ConfigError, match=r"\$LG_COORDINATOR: expected HOST:PORT"):
        lab.coordinator


@pytest.mark.parametrize("old, new, key, what", [
    ("coordinator: labhost:20408", "coordinator: labhost", "labgrid.coordinator", "expected HOST:PORT"),
    ("coordinator: labhost:20408", "coordinatr: x:1", "labgrid.coordinatr", "unknown key"),
    ("{place: versa-b}", "{plac: versa-b}", "boards.vb.labgrid.plac", "unknown key 'plac'"),
    ("{place: versa-b}", "{host: x}", "boards.vb.labgrid.place", "missing required key 'place'"),
    ("{place: versa-b}", "{place: 'a b'}", "boards.vb.labgrid.place", "expected a labgrid place name"),
    ("{place: versa-b}", "{place: versa-a}", "boards.vb.labgrid.place", "already the place of board 'va'"),
    ("{place: versa-b}", "{place: versa-b}\n    serial: /dev/ttyUSB1", "boards.vb.serial",
     "'serial' and 'labgrid' both set"),
    ("{place: versa-b}", "{place: versa-b}\n    cable: ft2232", "boards.vb.cable", "'cable' and 'labgrid'"),
    ("place: versa-ab", "place: versa-a", "pairs.ab.place", "already a board's place"),
    ("  sim:\n    kind: sim\n", "  sim:\n    kind: sim\n    labgrid: {place: versa-a}\n", "boards.va.labgrid.place",
     "already the place of board 'sim'"),
])
def test_bad_labgrid_settings_name_key_and_line(tmp_path, old, new, key, what):
    assert old in LAB
    with pytest.raises(ConfigError) as e:
        load_lab(write(tmp_path, LAB.replace(old, new, 1)))
    message = str(e.value)
    assert f"lab.yaml: {key}: " in message and what in message and "(line " in message, message


def test_pair_place_needs_board_places(tmp_path):
    text = LAB.replace("    labgrid: {place: versa-b}\n", "    serial: /dev/ttyUSB2\n")
    with pytest.raises(ConfigError, match=r"pairs\.ab\.place: board 'vb' has no labgrid place.*\(line 21\)"):
        load_lab(write(tmp_path, text))


def test_two_pairs_cannot_share_a_place(tmp_path):
    text = LAB + ("  ba:\n    kind: hardware\n    profile: versa-ecp5\n    upstream: vb\n"
                  "    downstream: va\n    place: versa-ab\n")
    with pytest.raises(ConfigError, match=r"pairs\.ba\.place: place 'versa-ab' is already the place of pair 'ab'"):
        load_lab(write(tmp_path, text))


def test_sim_pair_has_no_place(tmp_path):
    text = LAB + "  sp:\n    kind: sim\n    upstream: u\n    downstream: d\n    place: x\n"
    with pytest.raises(ConfigError, match=r"pairs\.sp\.place: a simulated pair .* no labgrid place"):
        load_lab(write(tmp_path, text))
