"""lab.yaml sim.sys_clk_hz reaches the simulated board's build: its options, its hash and
directory, the simulation's clocker; the profile's own clock is the profile's build."""
import pytest

from sailbench.gateware.profiles import get_profile
from sailbench.gateware.targets.sim_options import SimOptions, sim_build_dir
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


@pytest.mark.parametrize("sys_clk_hz", [75_000_000, 50_000_000, 60_000_000, 100_000_000, 33_333_333])
def test_the_clockers_keep_the_boards_clock_ratio_exactly(sys_clk_hz):
    from fractions import Fraction
    from litex.build.sim.config import SimConfig
    from sailbench.gateware.targets.sim import sim_clockers_hz
    io_hz, sys_hz = sim_clockers_hz(sys_clk_hz)
    period_io, period_sys = 10**12 // io_hz, 10**12 // sys_hz           # as LiteX's clocker computes them
    assert Fraction(period_sys, period_io) == Fraction(125_000_000, sys_clk_hz)
    cfg = SimConfig()                                                   # LiteX finds an integer timebase
    cfg.add_clocker("sys_clk", freq_hz=io_hz)
    cfg.add_clocker("core_clk", freq_hz=sys_hz)
    cfg.get_json()


def test_75_mhz_keeps_the_clockers_it_always_had():
    from sailbench.gateware.targets.sim import SIM_IO_CLOCKER_HZ, SIM_SYS_CLOCKER_HZ, sim_clockers_hz
    assert sim_clockers_hz(75_000_000) == (SIM_IO_CLOCKER_HZ, SIM_SYS_CLOCKER_HZ) == (1_666_666, 1_000_000)


def test_the_harness_passes_the_clock_and_refuses_a_silly_one(tmp_path, monkeypatch):
    from sailbench.harness.build import cache
    monkeypatch.setenv("SAILBENCH_BUILD_DIR", str(tmp_path))
    assert cache.sim_build_dir("versa-ecp5", sys_clk_hz=75_000_000) == cache.sim_build_dir("versa-ecp5")
    assert cache.sim_build_dir("versa-ecp5", sys_clk_hz=50_000_000) != cache.sim_build_dir("versa-ecp5")
    assert cache._sim_args("versa-ecp5", True, True, 50_000_000)[-2:] == ["--sys-clk-hz", "50000000"]
    with pytest.raises(BuildError, match="simulated sys clock 5 Hz"):
        cache.sim_build_dir("versa-ecp5", sys_clk_hz=5)


def test_stream_pads_are_what_litex_sim_stream_modules_drive():
    """serial2tcp and ethernet (and LiteX's RS232PHYModel) use source_*/sink_* valid, ready, data[8]:
    the simulated board's serial and eth pads and the pair's two serial pads are built alike."""
    from sailbench.gateware.targets import sim, sim_pair
    name, index, *subs = sim.stream_pads("eth")
    assert (name, index) == ("eth", 0)
    assert [(s.name, len(s.constraints[0].identifiers)) for s in subs] == [
        ("source_valid", 1), ("source_ready", 1), ("source_data", 8), ("sink_valid", 1), ("sink_ready", 1), ("sink_data", 8)]
    # (LiteX's SimPlatform appends ("sim_trace", 0) to the io list it is given: a build earlier in
    # this process leaves it there)
    assert [pads[:2] for pads in sim._io[3:] if pads[0] != "sim_trace"] == [("serial", 0), ("eth", 0)]
    assert [pads[:2] for pads in sim_pair._io[4:] if pads[0] != "sim_trace"] == [("serial", 0), ("serial", 1)]
