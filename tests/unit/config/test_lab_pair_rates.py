"""A hardware pair's lab.yaml line_rate reaches its boards' bitstream builds (--line-rate)."""
import pytest

from sailbench.harness.config import load_lab
from sailbench.harness.errors import ConfigError

BOARDS = """\
boards:
  a: {kind: hardware, profile: versa-ecp5, serial: /dev/ttyUSB0}
  b: {kind: hardware, profile: versa-ecp5, serial: /dev/ttyUSB1}
  c: {kind: hardware, profile: versa-ecp5, serial: /dev/ttyUSB2}
"""


def _lab(tmp_path, pairs):
    path = tmp_path / "lab.yaml"
    path.write_text(BOARDS + "pairs:\n" + pairs)
    return load_lab(path)


def test_the_pairs_line_rate_is_its_boards_build_option(tmp_path):
    from sailbench.harness.build.bitstream import _args, ecp5_options
    lab = _lab(tmp_path, "  ab: {kind: hardware, profile: versa-ecp5, upstream: a, downstream: b, lanes: 1, "
                         "line_rate: 2.5}\n")
    assert [lab.board(n).lane_line_rate for n in "abc"] == [2.5, 2.5, 1.25]
    options = ecp5_options(lab.board("a"))
    assert options.line_rate_gbps == 2.5 and options.to_dict()["line_rate_gbps"] == 2.5
    assert _args(lab.board("a"), options)[-2:] == ["--line-rate", "2.5"]
    plain = ecp5_options(lab.board("c"))
    assert "line_rate_gbps" not in plain.to_dict() and "--line-rate" not in _args(lab.board("c"), plain)


def test_a_board_in_two_pairs_at_two_rates_is_refused(tmp_path):
    with pytest.raises(ConfigError) as e:
        _lab(tmp_path, "  ab: {kind: hardware, profile: versa-ecp5, upstream: a, downstream: b, lanes: 1}\n"
                       "  bc: {kind: hardware, profile: versa-ecp5, upstream: b, downstream: c, lanes: 1, "
                       "line_rate: 2.5}\n")
    assert "board 'b' is in pair 'ab' at 1.25 Gb/s and in pair 'bc' at 2.5 Gb/s" in str(e.value)
    assert "pairs.bc.line_rate" in str(e.value) and "\n" not in str(e.value)
