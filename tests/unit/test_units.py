"""Rates and ratios as sailbench prints them: MB is 10^6 bytes, one decimal; small ratios keep two
significant digits."""
from sailbench.harness.units import MB, mb_per_s, percent, ratio_text


def test_mb_per_s_is_decimal_megabytes_with_one_decimal():
    assert MB == 10**6
    assert mb_per_s(497_123_456) == "497.1"
    assert mb_per_s(0) == "0.0"


def test_ratio_text_keeps_two_significant_digits_when_small():
    assert ratio_text(0.25) == "0.25x"
    assert ratio_text(1.5) == "1.50x"
    assert ratio_text(0.0012) == "0.0012x"
    assert ratio_text(0) == "0.00x"


def test_percent():
    assert percent(0.829) == "82.9 %"
