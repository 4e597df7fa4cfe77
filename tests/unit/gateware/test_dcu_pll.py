"""The ECP5 DCU's TX PLL / CDR settings per line rate (gateware/soc/dcu_pll.py), against the settings
Lattice's own tools generate and those of the open ECP5 SerDes cores used on hardware."""
import pytest

from sailbench.gateware.soc.dcu_pll import DcuPllError, dcu_pll_setting, refclks_for

# (rate Gb/s, refclk MHz, ECP5-5G) -> D_REFCK_MODE, D_TX_VCO_CK_DIV (= CHx_RX_DCO_CK_DIV), MAX_RATE
REFERENCE = [
    # Lattice Diamond's PCIe x1 PCS (defparams of a generated DCU0_inst): 100 MHz x25 / 1
    ((2.5, 100, False), ("0b100", "0b000", "2.5")),
    # Lattice Clarity's G8B10B at 2.0 Gb/s (generated VHDL generics): 200 MHz x10 / 1
    ((2.0, 200, False), ("0b001", "0b000", "2.0")),
    # LUNA's ECP5-5G USB3 PIPE (5 Gb/s): 200 MHz x25 / 1
    ((5.0, 200, True), ("0b100", "0b000", "5.0")),
    # liteiclink SerDesECP5PLL (its Versa and ECPIX-5 benches): 156.25 MHz x16 / 2, 100 MHz x25 / 2
    ((1.25, 156.25, False), ("0b010", "0b010", "1.25")),
    ((1.25, 100, False), ("0b100", "0b010", "1.25")),
    # GbE from 125 MHz (SGMII): x20 / 2 by liteiclink's rule, the fastest bit clock within the part
    ((1.25, 125, False), ("0b000", "0b010", "1.25")),
    # the lane probe's rates from the Versa's 156.25 MHz
    ((2.5, 156.25, False), ("0b010", "0b000", "2.5")),
    ((3.125, 156.25, False), ("0b000", "0b000", "3.125")),
]


@pytest.mark.parametrize("args,expected", REFERENCE, ids=[f"{a[0]}G-{a[1]}MHz{'-5G' if a[2] else ''}"
                                                          for a, _ in REFERENCE])
def test_settings_match_the_reference_configurations(args, expected):
    rate, refclk_mhz, five_g = args
    s = dcu_pll_setting(rate, refclk_mhz * 1e6, five_g)
    p = s.dcua_params()
    assert (p["p_D_REFCK_MODE"], p["p_D_TX_VCO_CK_DIV"], p["p_D_TX_MAX_RATE"]) == expected
    assert p["p_CHX_RX_DCO_CK_DIV"] == p["p_D_TX_VCO_CK_DIV"] and p["p_CHX_CDR_MAX_RATE"] == p["p_D_TX_MAX_RATE"]
    assert s.refclk_hz * s.multiplier / s.divider == pytest.approx(rate * 1e9)
    assert s.word_clk_hz == pytest.approx(rate * 1e9 / 20)
    assert s.pll_config() == {"clkin": s.refclk_hz, "m": s.multiplier, "d": s.divider,
                              "vco_freq": s.bit_clock_hz, "linerate": s.line_rate_hz}


def test_the_bit_clock_stays_within_the_part():
    """The fastest bit clock that makes the rate, but not above the part's: 200 MHz x25 = 5 GHz is an ECP5-5G's."""
    assert dcu_pll_setting(2.5, 200e6, True).text() == ("2.5 Gb/s = 200 MHz x 25 / 2 (bit clock 5 GHz), "
                                                        "words at 125 MHz")
    with pytest.raises(DcuPllError, match="cannot make 2.5 Gb/s from a 200 MHz reference clock"):
        dcu_pll_setting(2.5, 200e6, False)
    for rate in (1.25, 2.5, 3.125):
        for refclk in (100e6, 125e6, 156.25e6):
            try:
                s = dcu_pll_setting(rate, refclk, False)
            except DcuPllError:
                continue
            assert s.bit_clock_hz <= 3.2e9


def test_a_rate_the_dcu_cannot_make_is_one_line_naming_what_would():
    with pytest.raises(DcuPllError) as e:
        dcu_pll_setting(3.125, 100e6, True, where="profile 'ecpix5' lane 0")
    assert str(e.value) == ("profile 'ecpix5' lane 0: the DCU cannot make 3.125 Gb/s from a 100 MHz reference clock "
                            "(x8/10/16/20/25, /1/2/4/8/16/32); reference clocks that can: 125, 156.25, 195.3125, "
                            "312.5 MHz")
    with pytest.raises(DcuPllError, match=r"5 Gb/s is above the 3.2 Gb/s the DCU of an ECP5UM \(5 Gb/s needs an "
                                          r"ECP5-5G part\)"):
        dcu_pll_setting(5.0, 250e6, False)
    with pytest.raises(DcuPllError, match="reference clocks that can: 200, 250, 312.5 MHz"):
        dcu_pll_setting(5.0, 156.25e6, True)        # the Versa's oscillator cannot make 5 Gb/s
    assert 156.25e6 in refclks_for(3.125e9, False) and 100e6 not in refclks_for(3.125e9, False)
