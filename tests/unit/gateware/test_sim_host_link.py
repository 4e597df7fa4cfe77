"""lab.yaml sim.host_link (the simulated board's host link through the SGMII PHY) reaches the
build: its options, hash and directory, the build command; the SGMII wire's ceiling is GbE's."""
from pathlib import Path
from textwrap import dedent

import pytest

from sailbench.gateware.build.manifest import HostLinkInfo
from sailbench.gateware.profiles import get_profile
from sailbench.gateware.targets.sim_options import SimOptions, sim_build_dir
from sailbench.harness.config import load_lab
from sailbench.harness.errors import BuildError, ConfigError
from sailbench.harness.judge.ceilings import GBE, udp_ceiling_bytes_per_s

VERSA = get_profile("versa-ecp5")


def _lab(tmp_path: Path, sim: str) -> Path:
    path = tmp_path / "lab.yaml"
    path.write_text(dedent(f"""\
        boards:
          s:
            kind: sim
            sim: {sim}
        """))
    return path


def test_lab_yaml_selects_the_sgmii_host_link(tmp_path):
    assert load_lab(_lab(tmp_path, "{host_link: sgmii}")).board("s").sim.host_link == "sgmii"
    assert load_lab(_lab(tmp_path, "{dram: false}")).board("s").sim.host_link == "tap"


def test_an_unknown_host_link_names_file_key_and_line(tmp_path):
    path = _lab(tmp_path, "{host_link: rgmii}")
    with pytest.raises(ConfigError) as info:
        load_lab(path)
    err = info.value
    assert err.path == str(path) and err.key == "boards.s.sim.host_link"
    assert "tap, sgmii" in str(err) and "rgmii" in str(err) and "line 4" in str(err)


def test_sgmii_is_another_build_and_tap_is_the_old_one(tmp_path):
    assert SimOptions(host_link="tap").to_dict() == SimOptions().to_dict() == {"with_dram": True, "with_ethernet": True}
    sgmii = SimOptions(host_link="sgmii")
    assert sgmii.to_dict()["host_link"] == "sgmii"
    assert SimOptions(host_link="sgmii", sys_clk_hz=VERSA.sys_clk_hz).for_profile(VERSA) == sgmii
    assert sim_build_dir(tmp_path, VERSA, sgmii)[1] != sim_build_dir(tmp_path, VERSA, SimOptions())[1]
    with pytest.raises(ValueError, match="simulated host link 'rgmii'"):
        SimOptions(host_link="rgmii")


def test_the_harness_passes_the_host_link(tmp_path, monkeypatch):
    from sailbench.harness.build import cache
    monkeypatch.setenv("SAILBENCH_BUILD_DIR", str(tmp_path))
    assert cache.sim_build_dir("versa-ecp5", host_link="sgmii") != cache.sim_build_dir("versa-ecp5")
    assert cache._sim_args("versa-ecp5", True, True, None, "sgmii")[-2:] == ["--host-link", "sgmii"]
    assert "--host-link" not in cache._sim_args("versa-ecp5", True, True, None)
    with pytest.raises(BuildError, match="simulated host link"):
        cache.sim_build_dir("versa-ecp5", host_link="rgmii")


def test_the_sgmii_wire_costs_what_gbe_costs():
    """The manifest's SGMII wire (as gateware/targets/sim.py writes it) gives GbE's ceiling both ways."""
    from sailbench.gateware.targets.sim import host_link_wire
    wire = HostLinkInfo(**host_link_wire("sgmii"), gen_port=6000, sink_port=6001)
    for direction in ("board_to_host", "host_to_board"):
        assert udp_ceiling_bytes_per_s(1472, wire, direction) == udp_ceiling_bytes_per_s(1472, GBE, direction)
    assert round(udp_ceiling_bytes_per_s(1472, wire) / 1e6, 1) == 119.6
    tap = HostLinkInfo(**host_link_wire("tap"), gen_port=6000, sink_port=6001)
    assert udp_ceiling_bytes_per_s(1472, tap, "host_to_board") > udp_ceiling_bytes_per_s(1472, wire, "host_to_board")


def test_the_repo_lab_has_the_sgmii_board():
    from sailbench.harness.config import REPO_LAB
    board = load_lab(REPO_LAB).board("sim-sgmii")
    assert board.kind == "sim" and board.sim.host_link == "sgmii" and set(board.tags) == {"sim", "sgmii"}
