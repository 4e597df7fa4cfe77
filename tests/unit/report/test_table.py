"""The printed bench table."""
from sailbench.harness.judge.constants import HOST_LINK, INTERCARD, LOCAL_DDR
from sailbench.harness.report.table import TableRow, render_invariants, render_table
from sailbench.harness.judge.verdict import judge_invariants


def test_table_renders():
    text = render_table([
        TableRow("DDR write", 497.1e6, 600e6, LOCAL_DDR, 2e9, "optimistic", "±0.3%"),
        TableRow("host link UDP", 94.1e6, 119.6e6, HOST_LINK, 100e6, "holds"),
        TableRow("inter-card lane", None, 125e6, INTERCARD, 500e6, None),
    ])
    lines = text.splitlines()
    header, rule, ddr, host, lane = lines
    for col in ("quantity", "measured MB/s", "peak MB/s", "efficiency",
                "scheduler constant MB/s", "ratio", "verdict"):
        assert col in header
    assert set(rule) <= {"-", " "}
    assert "497.1 (±0.3%)" in ddr and "600.0" in ddr and "82.8 %" in ddr
    assert "LOCAL_DDR 2000.0" in ddr and "0.25x" in ddr and ddr.endswith("OPTIMISTIC")
    assert host.endswith("holds") and "0.94x" in host and "78.7 %" in host
    assert lane.split()[-1] == "-"
    # fixed-width: every column starts at the same offset on every line
    start = header.index("ratio")
    assert ddr[start:start + 5].strip() == "0.25x"


def test_invariant_lines():
    invs = judge_invariants({LOCAL_DDR: (497.1e6, True), INTERCARD: (500e6, False),
                             HOST_LINK: (100e6, False)})
    text = render_invariants(invs)
    lines = text.splitlines()
    assert lines[0] == "invariants:"
    assert lines[1].startswith("  holds   HOST < INTERCARD: HOST")
    assert lines[3].startswith("  BROKEN  LOCAL_DDR >= 4 x INTERCARD: LOCAL_DDR")
    assert not any(" holds:" in line or "is BROKEN" in line for line in lines), lines   # the state once
    assert render_invariants([]) == ""


def test_invariant_lines_of_a_simulated_board_say_so():
    invs = judge_invariants({LOCAL_DDR: (497.1e6, True), INTERCARD: (500e6, False), HOST_LINK: (100e6, False)})
    lines = render_invariants(invs, simulated=True).splitlines()[1:]
    assert all(line.split("  ")[1].strip().endswith("(sim)") for line in lines), lines
    assert "(sim)" not in render_invariants(invs)
    assert lines[0].startswith("  holds (sim)   HOST < INTERCARD: HOST"), lines
    assert lines[2].startswith("  BROKEN (sim)  LOCAL_DDR >= 4 x INTERCARD: LOCAL_DDR"), lines
    assert len({line.index(inv.name) for line, inv in zip(lines, invs)}) == 1, lines     # the bodies in one column


def test_a_withheld_invariant_line_says_not_judged_once_with_why():
    from sailbench.harness.judge.verdict import withhold_invariants
    invs = withhold_invariants(judge_invariants({LOCAL_DDR: (497.1e6, True), INTERCARD: (500e6, False),
                                                 HOST_LINK: (100e6, False)}), {LOCAL_DDR: "sys clock fails timing"})
    line = render_invariants(invs).splitlines()[2]
    assert line.startswith("  not judged  INTERCARD < LOCAL_DDR: INTERCARD"), line
    assert line.count("not judged") == 1 and line.endswith("(LOCAL_DDR: sys clock fails timing)")
