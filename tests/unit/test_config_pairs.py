"""lab.yaml `pairs`: bench pairs (two boards linked by SerDes lanes)."""
from pathlib import Path
from textwrap import dedent

import pytest

from sailbench.harness.config import REPO_LAB, load_lab
from sailbench.harness.errors import ConfigError, UnknownPairError

BOARDS = """\
boards:
  sim: {kind: sim}
  card-a: {kind: hardware, profile: versa-ecp5, serial: /dev/ttyUSB1}
  card-b: {kind: hardware, profile: versa-ecp5, serial: /dev/ttyUSB3}
  other: {kind: hardware, profile: sail-reva, serial: /dev/ttyUSB5}
"""


def lab_with(tmp_path: Path, pairs: str):
    path = tmp_path / "lab.yaml"
    path.write_text(BOARDS + dedent(pairs))
    return load_lab(path)


def test_repo_lab_has_two_sim_pairs():
    lab = load_lab(REPO_LAB)
    assert {"sim-pair", "sim-pair-2"} <= set(lab.pairs)
    a, b = lab.pair("sim-pair"), lab.pair("sim-pair-2")
    assert a.kind == b.kind == "sim" and a.profile == b.profile and a.lanes == b.lanes == (0, 1, 2, 3)
    assert not set(a.boards) & set(b.boards)


def test_pairs_load_with_count_and_list(tmp_path):
    lab = lab_with(tmp_path, """\
    pairs:
      bench: {kind: hardware, profile: versa-ecp5, upstream: card-a, downstream: card-b, lanes: [2, 0], tags: [hw]}
      simp: {kind: sim, upstream: s-up, downstream: s-down, lanes: 1}
    """)
    hw = lab.pair("bench")
    assert hw.boards == ("card-a", "card-b") and hw.lanes == (0, 2) and hw.lane_count == 3 and hw.tags == ["hw"]
    sp = lab.pair("simp")
    assert sp.profile == "versa-ecp5" and sp.lanes == (0,)


def test_no_pairs_section_means_no_pairs(tmp_path):
    assert lab_with(tmp_path, "").pairs == {}


def test_unknown_pair_lists_known(tmp_path):
    lab = lab_with(tmp_path, "pairs:\n  p: {kind: sim, upstream: a, downstream: b}\n")
    with pytest.raises(UnknownPairError, match="unknown pair 'q'; lab.yaml pairs: p"):
        lab.pair("q")


@pytest.mark.parametrize("body, key, what", [
    ("{kind: sim, upstream: a, downstream: a}", "pairs.p.downstream", "both 'a'"),
    ("{kind: sim, upstream: a}", "pairs.p.downstream", "missing required key"),
    ("{kind: sim, upstream: a, downstream: b, lanes: 0}", "pairs.p.lanes", "lane count"),
    ("{kind: sim, upstream: a, downstream: b, lanes: [0, 0]}", "pairs.p.lanes", "distinct"),
    ("{kind: sim, upstream: a, downstream: b, lanes: [true]}", "pairs.p.lanes", "lane count"),
    ("{kind: sim, upstream: a, downstream: b, speed: 3}", "pairs.p.speed", "unknown key"),
    ("{kind: sim, upstream: sim, downstream: b}", "pairs.p.upstream", "is a board in boards"),
    ("{kind: hardware, upstream: card-a, downstream: card-b}", "pairs.p.profile", "missing required key"),
    ("{kind: hardware, profile: versa-ecp5, upstream: card-a, downstream: nope}", "pairs.p.downstream",
     "not defined"),
    ("{kind: hardware, profile: versa-ecp5, upstream: card-a, downstream: other}", "pairs.p.downstream",
     "needs hardware boards of that profile"),
    ("{kind: rack, upstream: a, downstream: b}", "pairs.p.kind", "'sim' or 'hardware'"),
])
def test_bad_pair_names_key(tmp_path, body, key, what):
    with pytest.raises(ConfigError) as e:
        lab_with(tmp_path, f"pairs:\n  p: {body}\n")
    assert f": {key}:" in str(e.value) and what in str(e.value)


def test_sim_pairs_do_not_share_roles(tmp_path):
    with pytest.raises(ConfigError, match="already names a role of simulated pair 'p'"):
        lab_with(tmp_path, """\
        pairs:
          p: {kind: sim, upstream: a, downstream: b}
          q: {kind: sim, upstream: b, downstream: c}
        """)


def test_hardware_pairs_may_overlap(tmp_path):
    lab = lab_with(tmp_path, """\
    pairs:
      ab: {kind: hardware, profile: versa-ecp5, upstream: card-a, downstream: card-b}
      ba: {kind: hardware, profile: versa-ecp5, upstream: card-b, downstream: card-a}
    """)
    assert set(lab.pairs) == {"ab", "ba"}
