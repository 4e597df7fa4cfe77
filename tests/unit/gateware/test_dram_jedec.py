"""DDR3 timings from the JEDEC table: tRFC by density, the speed bin's tRCD/tRP, datasheet overrides with their
source, and an error (never a default) for a part whose timings cannot be derived."""
import dataclasses

import pytest

from sailbench.gateware.profiles.dram_jedec import (TREFI_NS, TRFC_NS, DramTimingError, ddr3_timings, timings_record,
                                                    timings_text)
from sailbench.gateware.profiles.profile_file import read_profile
from sailbench.gateware.soc.dram_settings import dram_module, timing_manifest
from sailbench.gateware.profiles import ProfileError, get_profile

from unit.fakes.profile_files import PROFILE_FILES, TEST_DATA_BOARDS, file_id


@pytest.mark.parametrize("rows,density,trfc", [(4096, 0.5, 90), (8192, 1, 110), (16384, 2, 160), (32768, 4, 260),
                                               (65536, 8, 350)])
def test_trfc_follows_the_density(rows, density, trfc):
    t = ddr3_timings("X", "DDR3-1600K", 8, rows, 1024, 16)
    assert t["tRFC"].ns == trfc and t["tRFC"].source == "jedec" and t["tREFI"].ns == 7800


def test_the_speed_bin_gives_trcd_and_trp():
    t = ddr3_timings("X", "DDR3-1333H", 8, 8192, 1024, 16)
    assert t["tRCD"].ns == t["tRP"].ns == 13.5 and t["tRAS"].ns == 36
    assert ddr3_timings("X", "DDR3-800E", 8, 8192, 1024, 8)["tFAW"].ns == 40      # x8: 1 KB page


def test_a_part_whose_timings_cannot_be_derived_is_an_error():
    with pytest.raises(DramTimingError, match="no speed bin"):
        ddr3_timings("X", None, 8, 8192, 1024, 16)
    with pytest.raises(DramTimingError, match="unknown speed bin 'DDR3-9999'"):
        ddr3_timings("X", "DDR3-9999", 8, 8192, 1024, 16)
    with pytest.raises(DramTimingError, match="density 16 Gbit .* has no JEDEC tRFC"):
        ddr3_timings("X", "DDR3-1600K", 8, 131072, 1024, 16)
    d = dataclasses.replace(get_profile("versa-ecp5").dram, module="NOPE16")
    with pytest.raises(ProfileError, match="'NOPE16' is not in litedram.modules"):
        dram_module(d, 75e6)


def test_the_manifest_says_where_each_timing_came_from():
    d = dataclasses.replace(get_profile("versa-ecp5").dram, module="MT41K128M16", timing_overrides=(("tRCD", 15.0),))
    m = timing_manifest(dram_module(d, 75e6))
    assert m["tRFC"] == 13                                       # 160 ns at 75 MHz sys, 1:2 (not LiteDRAM's 208 tCK)
    assert m["sources"]["tRFC"] == {"ck": None, "ns": 160.0, "source": "jedec"}
    assert m["sources"]["tRCD"]["source"] == "datasheet" and m["basis"]["density_gbit"] == 2
    assert timings_text(m) == "tRFC 160 ns, tRCD 15 ns (datasheet), tRP 13.75 ns (JEDEC DDR3-1600K, 2 Gbit)"


def test_shipped_parts_get_their_density_trfc_not_litedrams_top_grade_clocks():
    from litedram.modules import MT41K64M16
    versa = timing_manifest(dram_module(get_profile("versa-ecp5").dram, 75e6))
    assert versa["tRFC"] == 9 < MT41K64M16(75e6, "1:2").timing_settings.tRFC      # 110 ns, not 128 tCK of 800 MHz
    assert timing_manifest(dram_module(get_profile("ecpix5").dram, 75e6))["sources"]["tRFC"]["ns"] == 260


@pytest.mark.parametrize("path", [f for f in PROFILE_FILES if read_profile(f).dram is not None], ids=file_id)
def test_every_profiles_refresh_is_its_densitys_jedec_trfc(path):
    """What refresh takes of a build's DDR window is tRFC / tREFI in sys cycles: tRFC is the JEDEC value of
    the part's density (or the profile's datasheet override), LiteDRAM's rounding up adds at most a cycle and
    a half (half a cycle of margin, then the ceiling)."""
    p = read_profile(path)
    m = timing_manifest(dram_module(p.dram, p.sys_clk_hz))
    overrides = dict(p.dram.timing_overrides)
    want_ns = overrides.get("tRFC", TRFC_NS[m["basis"]["density_gbit"]])
    assert m["sources"]["tRFC"] == {"ck": None, "ns": want_ns, "source": "datasheet" if "tRFC" in overrides else "jedec"}
    cycle_ns = 1e9 / p.sys_clk_hz
    assert want_ns / cycle_ns <= m["tRFC"] <= want_ns / cycle_ns + 1.5
    assert m["tREFI"] == pytest.approx(overrides.get("tREFI", TREFI_NS) / cycle_ns, abs=1)
    assert m["tRFC"] / m["tREFI"] == pytest.approx(want_ns / TREFI_NS, abs=1.5 / m["tREFI"])


def test_a_rev_b_with_a_2_gbit_part_refreshes_2_percent_of_the_window_not_litedrams_11():
    """The rev-B test profile (the Versa-ECP5 with an MT41K128M16, nothing else changed): 160 ns every 7.8 us,
    13 of 585 sys cycles at 75 MHz. LiteDRAM's own MT41K128M16 gives tRFC in clocks of its fastest grade
    (64 sys cycles here), which took 11.4 % of the window in simulation."""
    from litedram.modules import MT41K128M16
    p = read_profile(TEST_DATA_BOARDS / "rev-b.yaml")
    m = timing_manifest(dram_module(p.dram, p.sys_clk_hz))
    assert (p.dram.module, p.sys_clk_hz, m["tRFC"], m["tREFI"]) == ("MT41K128M16", 75_000_000, 13, 585)
    assert m["basis"]["density_gbit"] == 2 and m["sources"]["tRFC"]["source"] == "jedec"
    assert m["tRFC"] / m["tREFI"] == pytest.approx(0.022, abs=0.001)
    litedram = MT41K128M16(p.sys_clk_hz, "1:2").timing_settings
    assert litedram.tRFC / litedram.tREFI > 0.10


def test_a_ddr_record_keeps_every_timing_with_its_cycles_and_source():
    """What results/<run>.json's DDR records carry (harness/probes/ddr.py, the bench's summaries): each of the
    build's timings in sys cycles with the value and source it came from, and the table's basis; the report
    line names a datasheet override of any timing, not only tRFC, tRCD and tRP."""
    d = dataclasses.replace(get_profile("versa-ecp5").dram, module="MT41K128M16", timing_overrides=(("tWR", 20.0),))
    m = timing_manifest(dram_module(d, 75e6))
    rec = timings_record(m)
    assert set(rec["sources"]) == {"tRP", "tRCD", "tWR", "tRFC", "tFAW", "tRAS", "tREFI", "tWTR", "tCCD", "tRRD",
                                   "tZQCS"}
    assert rec["sources"]["tRFC"] == {"cycles": 13, "ck": None, "ns": 160.0, "source": "jedec"}
    assert rec["sources"]["tWR"] == {"cycles": m["tWR"], "ck": None, "ns": 20.0, "source": "datasheet"}
    assert rec["basis"] == m["basis"] and rec["basis"]["speed_bin"] == "DDR3-1600K"
    assert timings_text(rec) == timings_text(m) == ("tRFC 160 ns, tRCD 13.75 ns, tRP 13.75 ns, tWR 20 ns (datasheet) "
                                                    "(JEDEC DDR3-1600K, 2 Gbit)")
    assert timings_record({"tRFC": 9}) is None and timings_text(None) == ""      # a manifest without sources
