"""Board profiles: the shipped ones validate, bad data is refused naming the field, rev-A is refused clearly."""
import dataclasses
import importlib

import pytest

from sailbench.gateware.profiles import (ECPIX5, PROFILES, SAIL_REVA, VERSA_ECP5, DramProfile, ProfileError, buildable_profile,
                               ecp5_idcode, validate_profile)


@pytest.mark.parametrize("name", sorted(PROFILES))
def test_shipped_profiles_validate(name):
    validate_profile(PROFILES[name])


def test_sail_reva_is_listed_but_refused_with_no_pin_map_yet():
    assert "sail-reva" in PROFILES
    with pytest.raises(ProfileError, match="profile 'sail-reva' cannot be built: no pin map yet"):
        buildable_profile("sail-reva")


def test_unknown_profile_lists_the_known_ones():
    with pytest.raises(ProfileError, match="unknown board profile 'versa'; known profiles: ecpix5, sail-lanes, sail-reva, versa-ecp5"):
        buildable_profile("versa")


@pytest.mark.parametrize("change,field", [
    ({"sys_clk_hz": 0}, "sys_clk_hz"),
    ({"host_phy": "rmii"}, "host_phy"),
    ({"fpga": "XC7A35T-1CSG324C"}, "fpga"),
    ({"platform": None}, "platform"),
    ({"serdes_channels": 5}, "serdes_channels"),
    ({"name": "Versa ECP5"}, "name"),
    ({"dram": DramProfile("MT41K64M16", "DDR3", 12, 2)}, "dram.data_width"),
    ({"dram": DramProfile("MT41K64M16", "DDR3", 16, 3)}, "dram.ratio"),
    ({"dram": DramProfile("MT41K64M16", "DDR9", 16, 2)}, "dram.memtype"),
    ({"buildable": False, "not_buildable_reason": ""}, "not_buildable_reason"),
])
def test_bad_profile_data_is_refused_naming_the_field(change, field):
    bad = dataclasses.replace(VERSA_ECP5, **change)
    with pytest.raises(ProfileError) as e:
        validate_profile(bad)
    assert f"profile '{bad.name}': {field}:" in str(e.value)


def test_ecp5_idcodes_match_openfpgaloader():
    assert ecp5_idcode("LFE5UM5G-45F-8BG381C") == 0x81112043
    assert ecp5_idcode("LFE5UM5G-85F-8BG554I") == 0x81113043
    assert ecp5_idcode("LFE5U-25F-6BG256C") == 0x41111043
    assert ecp5_idcode("nonsense") is None
    assert VERSA_ECP5.jtag_idcode == 0x81112043 and ECPIX5.jtag_idcode == 0x81113043


def test_ecpix5_is_the_sail_cards_fpga_with_serdes():
    assert ECPIX5.fpga.startswith("LFE5UM5G-85F") and SAIL_REVA.fpga.startswith("LFE5UM5G-85F")
    assert ECPIX5.serdes_channels == 4 and ECPIX5.host_phy == "rgmii"
    assert ECPIX5.dram == DramProfile("MT41K256M16", "DDR3", 16, 2)


@pytest.mark.parametrize("profile", [p for p in PROFILES.values() if p.buildable], ids=lambda p: p.name)
def test_platform_imports_and_is_the_profiles_part(profile):
    """litex-boards 2023.12 on litex 2024.12: the platform imports and its device is the profile's."""
    platform = importlib.import_module(profile.platform).Platform(device=profile.platform_device,
                                                                   toolchain="trellis")
    assert platform.device.upper() == profile.fpga.upper()
    available = {(r[0], r[1]) for r in platform.constraint_manager.available}
    for resource in ("serial", profile.clk_in, "rst_n") + (("ddram",) if profile.dram else ()):
        assert (resource, 0) in available, resource
    for resource in ("eth_clocks", "eth") if profile.host_phy == "rgmii" else ():
        assert (resource, profile.eth_phy) in available, resource
