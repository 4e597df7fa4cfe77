"""lab.yaml sim.sys_clk_hz reaches the simulated board's build: its options, its hash and
directory, the simulation's clocker; the profile's own clock is the profile's build."""
import pytest

from sailbench.gateware.profiles import get_profile
from sailbench.gateware.sim_options import SimOptions, sim_build_dir
from sailbench.harness.errors import BuildError

VERSA = get_profile("versa-ecp5")


def test_the_profiles_clock_is_the_profiles_build(tmp_path):
    default = sim_build_dir(tmp_path, VERSA, SimOptions())
    assert sim_build_dir(tmp_path, VERSA, SimOptions(sys_clk_hz=VERSA.sys_clk_hz)) == default
    assert SimOptions(sys_clk_hz=VERSA.sys_clk_hz).for_profile(VERSA) == SimOptions()
    assert SimOptions().to_dict() == {"with_dram": True, "with_ethernet": True}     # as before the option


def test_another_clock_is_another_build(tmp_path):
    slow = SimOptions(sys_clk_hz=50_000_000)
    assert slow.to_dict() == {"with_dram": True, "with_ethernet": True, "sys_clk_hz": 50_000_000}
    assert slow.sys_clk_of(VERSA) == 50_000_000 and SimOptions().sys_clk_of(VERSA) == VERSA.sys_clk_hz
    d50, h50 = sim_build_dir(tmp_path, VERSA, slow)
    d75, h75 = sim_build_dir(tmp_path, VERSA, SimOptions())
    assert h50 != h75 and d50 != d75
    assert sim_build_dir(tmp_path, VERSA, SimOptions(sys_clk_hz=60_000_000))[1] not in (h50, h75)


def test_the_clocker_keeps_the_boards_clock_ratio():
    from sailbench.gateware.sim import SIM_IO_CLOCKER_HZ, SIM_SYS_CLOCKER_HZ, sim_sys_clocker_hz
    assert sim_sys_clocker_hz(75_000_000) == SIM_SYS_CLOCKER_HZ == 1_000_000
    period_io, period_sys = 10**12 // SIM_IO_CLOCKER_HZ, 10**12 // sim_sys_clocker_hz(50_000_000)
    assert period_sys / period_io == pytest.approx(125 / 50, rel=1e-5)     # I/O 125 MHz : sys 50 MHz


def test_the_harness_passes_the_clock_and_refuses_a_silly_one(tmp_path, monkeypatch):
    from sailbench.harness.build import cache
    monkeypatch.setenv("SAILBENCH_BUILD_DIR", str(tmp_path))
    assert cache.sim_build_dir("versa-ecp5", sys_clk_hz=75_000_000) == cache.sim_build_dir("versa-ecp5")
    assert cache.sim_build_dir("versa-ecp5", sys_clk_hz=50_000_000) != cache.sim_build_dir("versa-ecp5")
    assert cache._sim_args("versa-ecp5", True, True, 50_000_000)[-2:] == ["--sys-clk-hz", "50000000"]
    with pytest.raises(BuildError, match="simulated sys clock 5 Hz"):
        cache.sim_build_dir("versa-ecp5", sys_clk_hz=5)
