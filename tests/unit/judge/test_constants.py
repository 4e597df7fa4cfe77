"""Spanker bandwidth.rs parsing and the pinned defaults."""
import pytest

from sailbench.harness.judge.constants import (CONSTANT_NAMES, HOST_LINK, INTERCARD, LOCAL_DDR, PINNED,
                               load_constants, parse_bandwidth_rs)
from sailbench.harness.errors import ConstantsError

RUST = """\
//! Bandwidth model for the scheduler.
/// Local DDR: 192-300 MT/s on x64.
pub const LOCAL_DDR_BW_BYTES_PER_SEC: u64 = 1_600_000_000; // measured on rev-A?
// pub const LOCAL_DDR_BW_BYTES_PER_SEC: u64 = 9;
/* pub const HOST_LINK_BW_BYTES_PER_SEC: u64 = 7;
   still a comment */
pub const INTERCARD_BW_BYTES_PER_SEC : u64=500000000;
    pub   const HOST_LINK_BW_BYTES_PER_SEC: u64 = 100_000_000 ;
pub const MAX_CARDS: u64 = 8;
const PRIVATE_BW_BYTES_PER_SEC: u64 = 5;
pub const RING_BW_BYTES_PER_SEC: u64 = 42;
"""


def test_pinned_values():
    assert PINNED.values == {LOCAL_DDR: 2_000_000_000, INTERCARD: 500_000_000,
                             HOST_LINK: 100_000_000}
    assert PINNED.source.startswith("pinned: Spanker src/scheduler/src/bandwidth.rs")
    assert load_constants(None) is PINNED


def test_parse_underscores_comments_and_other_consts():
    values = parse_bandwidth_rs(RUST, "bandwidth.rs")
    assert values == {LOCAL_DDR: 1_600_000_000, INTERCARD: 500_000_000,
                      HOST_LINK: 100_000_000, "RING_BW_BYTES_PER_SEC": 42}


def test_parse_conflicting_duplicates():
    text = RUST + "pub const HOST_LINK_BW_BYTES_PER_SEC: u64 = 1;\n"
    with pytest.raises(ConstantsError, match=r"bandwidth.rs: HOST_LINK_BW_BYTES_PER_SEC .* twice"):
        parse_bandwidth_rs(text, "bandwidth.rs")


def test_load_file(tmp_path):
    path = tmp_path / "bandwidth.rs"
    path.write_text(RUST)
    constants = load_constants(path)
    assert set(constants.values) == set(CONSTANT_NAMES)
    assert constants[LOCAL_DDR] == 1_600_000_000
    assert str(path) in constants.source and "sha256" in constants.source


def test_missing_constant_names_file_and_constant(tmp_path):
    path = tmp_path / "bandwidth.rs"
    path.write_text(RUST.replace("    pub   const HOST_LINK", "// pub const HOST_LINK"))
    with pytest.raises(ConstantsError) as info:
        load_constants(path)
    assert str(path) in str(info.value) and "HOST_LINK_BW_BYTES_PER_SEC is missing" in str(info.value)


def test_constant_not_a_literal(tmp_path):
    path = tmp_path / "bandwidth.rs"
    path.write_text(RUST.replace("=500000000;", "= 4 * 125_000_000;"))
    with pytest.raises(ConstantsError, match="INTERCARD_BW_BYTES_PER_SEC is declared at line 7 "
                                             "but not as a plain integer literal"):
        load_constants(path)


def test_zero_constant(tmp_path):
    path = tmp_path / "bandwidth.rs"
    path.write_text(RUST.replace("100_000_000", "0"))
    with pytest.raises(ConstantsError, match="must be > 0"):
        load_constants(path)


def test_missing_and_unreadable_file(tmp_path):
    with pytest.raises(ConstantsError, match="not found") as info:
        load_constants(tmp_path / "nope.rs")
    assert "nope.rs" in str(info.value)
    with pytest.raises(ConstantsError, match="cannot read"):
        load_constants(tmp_path)
    bad = tmp_path / "bin.rs"
    bad.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(ConstantsError, match="not UTF-8"):
        load_constants(bad)
