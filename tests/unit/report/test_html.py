"""The HTML report's layout (issue 20): distinct colours or small multiples for many history series,
build labels that do not overlap the lines or each other, the nightly's cross-run invariants coloured
by state, "(simulated)" once per quantity cell. Checked on the SVG/HTML text; the pages were looked at
in headless chromium at 1200 px."""
import re

from sailbench.harness.judge.constants import INTERCARD
from sailbench.harness.judge.verdict import judge
from sailbench.harness.report.html import render_html
from sailbench.harness.report.model import RunReport, board_report
from sailbench.harness.report.svg import CHAR_W, PALETTE, LineChart, Series, line_chart, line_charts, split_series

from unit.report.test_write import results


def hostlink_trend(runs=8, builds=("a1b2c3d4e5f6", "a1b2c3d4e5f6", "0badc0ffee01", "77e3f00d1234")):
    rows = []
    for i in range(runs):
        for d in ("board_to_host", "host_to_board"):
            for n, payload in enumerate((64, 128, 256, 512, 1024, 1472)):
                rows.append({"run_id": f"r{i}", "time_iso": f"2026-11-{10 + i}T10:00:00+00:00",
                             "build_hash": builds[min(i, len(builds) - 1)], "probe": "hostlink", "direction": d,
                             "pattern": None, "size_bytes": payload, "rate_bytes_per_s": 60e6 + n * 12e6})
    return rows


def svgs(html):
    return re.findall(r'<svg class="plot lines".*?</svg>', html, re.S)


def test_twelve_host_link_series_become_small_multiples_with_distinct_colours():
    data = results()
    page = render_html(RunReport("nightly", "n", "t", data["started"], None,
                                 [board_report(data, "/tmp/r.json", hostlink_trend())], 1))
    history = [s for s in svgs(page) if "hostlink history" in s]
    assert len(history) == 2 and "board_to_host" in history[0] and "host_to_board" in history[1]
    for svg in history:
        colours = re.findall(r'<polyline [^>]*stroke="(#[0-9a-f]+)"', svg)
        assert len(colours) == 6 and len(set(colours)) == 6, colours


def test_history_legend_follows_the_payload_size_and_six_lines_have_one_blue():
    data = results()
    page = render_html(RunReport("nightly", "n", "t", data["started"], None,
                                 [board_report(data, "/tmp/r.json", hostlink_trend())], 1))
    svg = next(s for s in svgs(page) if "hostlink history: board_to_host" in s)
    legend = re.findall(r'<text [^>]*>(board_to_host [^<]+)</text>', svg)
    assert legend == [f"board_to_host {size}" for size in ("64 B", "128 B", "256 B", "512 B", "1 KiB", "1472 B")]
    colours = re.findall(r'<polyline [^>]*stroke="(#[0-9a-f]+)"', svg)
    assert not {"#0072b2", "#56b4e9"} <= set(colours), colours       # dark and sky blue never side by side


def test_runs_within_one_minute_get_ticks_that_tell_them_apart():
    data = results()
    rows = [row | {"time_iso": f"2026-12-06T23:24:{10 * int(row['run_id'][1:]):02d}+00:00"}      # r0, r1, r2
            for row in hostlink_trend(runs=3) if row["size_bytes"] == 1472]
    page = render_html(RunReport("bench", "n", "t", data["started"], None, [board_report(data, "/tmp/r.json", rows)], 1))
    svg = next(s for s in svgs(page) if "hostlink history" in s)
    assert all(f"12-06 23:24:{s}" in svg for s in ("00", "10", "20")), svg


def test_run_ticks_never_overlap_however_many_runs():
    ticks = [(float(i), f"12-06 23:24:{i:02d}") for i in range(1, 20)]          # 19 runs in one minute
    chart = LineChart("c", "run", [Series("s", [(float(i), 1e8, "") for i in range(1, 20)])], x_ticks=ticks)
    shown = [(float(x), text) for x, text in
             re.findall(r'<text x="([0-9.]+)" y="[0-9.]+"[^>]*text-anchor="middle"[^>]*>(12-06 [^<]+)</text>',
                        line_chart(chart))]
    assert 3 <= len(shown) < len(ticks), shown
    for (x, text), (x2, text2) in zip(shown, shown[1:]):
        assert x + CHAR_W * len(text) / 2 <= x2 - CHAR_W * len(text2) / 2, (text, text2)


def test_split_series_keeps_every_chart_within_the_palette():
    many = [Series(f"s{i}", [(0, 1e6, "")]) for i in range(len(PALETTE) * 2 + 1)]
    groups = split_series(many)
    assert sum(len(g) for g in groups) == len(many) and all(len(g) <= len(PALETTE) for g in groups)
    assert len(set(PALETTE)) == len(PALETTE)


def test_build_labels_sit_above_the_plot_and_never_overlap():
    markers = [(1.0, "build a1b2c3d4e5f6"), (2.0, "build 0badc0ffee01"), (2.5, "build 77e3f00d1234"),
               (8.0, "build 99aa88bb77cc")]
    chart = LineChart("'sim': DDR history", "run", [Series("write sequential 1 MiB", [(x, 5e8, "") for x in range(1, 9)])],
                      markers=markers)
    svg = line_chart(chart)
    plot_top = float(re.search(r'<rect x="70" y="([0-9.]+)" width="560" height="220"', svg).group(1))
    labels = [(float(x), float(y), text) for x, y, text in
              re.findall(r'<text x="([0-9.]+)" y="([0-9.]+)"[^>]*class="marker"[^>]*>([^<]+)</text>', svg)]
    assert len(labels) == 4
    assert all(y < plot_top for _, y, _ in labels), (plot_top, labels)     # above every line
    title_y = 18
    assert all(y - 10 > title_y for _, y, _ in labels)                     # below the title
    for i, (x, y, text) in enumerate(labels):                              # no two share space
        for x2, y2, text2 in labels[i + 1:]:
            if y == y2:
                assert x + CHAR_W * 0.75 * len(text) <= x2 or x2 + CHAR_W * 0.75 * len(text2) <= x, (text, text2)


def test_a_chart_within_the_palette_is_one_chart():
    chart = LineChart("c", "run", [Series(f"s{i}", [(0, 1e6, ""), (1, 2e6, "")]) for i in range(3)])
    assert line_charts(chart) == line_chart(chart)


def test_the_nightlys_cross_run_invariants_are_a_list_coloured_by_state_after_the_summary():
    data = results()
    notes = ["invariants on measured values across runs (profile 'versa-ecp5', simulated figures):",
             "  LOCAL_DDR 496.2 MB/s (measured): run r7 on 'sim' (build 99aa88bb77cc)",
             "  holds   HOST < INTERCARD holds: HOST 120.3 MB/s (measured) < INTERCARD 496.6 MB/s (measured)",
             "  BROKEN  LOCAL_DDR >= 4 x INTERCARD is BROKEN: LOCAL_DDR 496.2 MB/s (measured) < 4 x INTERCARD",
             "INTERRUPTED: the boards after the last one shown were not run"]
    page = render_html(RunReport("nightly", "n", "t", data["started"], None,
                                 [board_report(data, "/tmp/r.json", [])], 1, notes=notes))
    assert page.index('<table class="summary">') < page.index("Invariants on measured values across runs")
    items = re.findall(r'<ul class="messages cross-run">(.*?)</ul>', page, re.S)[0]
    assert '<li class="good" data-state="holds"><b class="good">holds</b> HOST &lt; INTERCARD: HOST' in items
    assert '<li class="bad" data-state="BROKEN"><b class="bad">BROKEN</b> LOCAL_DDR &gt;= 4 x INTERCARD: ' in items
    assert '<li class="muted" data-state="source">LOCAL_DDR 496.2 MB/s' in items
    assert "holds:" not in items and "is BROKEN" not in items
    assert "<p>INTERRUPTED: the boards after the last one shown were not run</p>" in page


def test_each_quantity_cell_says_simulated_once():
    data = results()
    data["provenance"]["simulated"] = True
    for r in data["records"]:
        r["simulated"] = True
    page = render_html(RunReport("bench", "r", "t", data["started"], None, [board_report(data, "/tmp/r.json", [])], 1))
    table = re.search(r'<table class="figures">.*?</table>', page, re.S).group(0)
    cells = re.findall(r"<tr><td>(.*?)</td>", table)
    assert cells and all(c.count("simulated") == 1 for c in cells), cells


def test_a_pairs_judged_total_is_a_row_with_its_verdict_and_bar():
    """The INTERCARD figure of a pair (its total per direction, `total_bytes_per_s`) was only in the
    verdict list: the table and the bar chart showed the lanes and no judged figure."""
    verdict = judge(INTERCARD, 5e8, 496.6e6, 0.1, 0.25).to_dict() | {"record": "r9", "simulated": True}
    data = {"run_id": "p1", "started": "2026-12-06T23:47:25+00:00", "status": "passed", "errors": [],
            "provenance": {"board": "sim-pair", "simulated": True}, "invariants": [], "comparisons": [],
            "records": [{"probe": "lane", "quantity": "payload", "lane": 0, "direction": "upstream->downstream",
                         "bytes": 409600, "rate_bytes_per_s": 124.15e6, "ceiling_bytes_per_s": 125e6, "errors": 0,
                         "simulated": True, "id": "r1"},
                        {"probe": "pair", "quantity": "pair total", "direction": "upstream->downstream",
                         "lanes_measured": [0, 1, 2, 3], "total_bytes_per_s": 496.6e6,
                         "lane_ceiling_bytes_per_s": 125e6, "simulated": True, "id": "r9"}],
            "verdicts": [verdict]}
    page = render_html(RunReport("pair", "p1", "t", data["started"], None, [board_report(data, "/tmp/p.json", [])], 1))
    table = re.search(r'<table class="figures">.*?</table>', page, re.S).group(0)
    row = next(r for r in table.split("<tr>") if "total of 4 lanes" in r)
    text = re.sub(r"<[^>]+>", " ", row)
    assert "496.6" in text and "500.0" in text and "INTERCARD 500.0" in text and "holds (sim)" in text, text
    assert text.count("simulated") == 1, text
    assert 'data-figure="pair/upstream-&gt;downstream/total of 4 lanes/-"' in page     # the bar chart too


def test_a_ddr_figures_peak_cell_says_which_dram_timings_it_was_measured_with():
    """A DDR record's `dram_timings` (gateware/profiles/dram_jedec.py timings_record): the peak cell names
    tRFC, tRCD, tRP and any datasheet override, and the JEDEC bin and density the rest came from."""
    data = results(with_hostlink=False)
    source = {"ck": None, "source": "jedec"}
    data["records"][1]["dram_timings"] = {
        "sources": {"tRFC": {**source, "cycles": 13, "ns": 160.0}, "tRCD": {**source, "cycles": 2, "ns": 13.75},
                    "tRP": {**source, "cycles": 2, "ns": 13.75, "source": "datasheet"}},
        "basis": {"speed_bin": "DDR3-1600K", "density_gbit": 2.0}}
    page = render_html(RunReport("bench", "r", "t", data["started"], None, [board_report(data, "/tmp/r.json", [])], 1))
    table = re.search(r'<table class="figures">.*?</table>', page, re.S).group(0)
    assert ('600.0<br><span class="muted">tRFC 160 ns, tRCD 13.75 ns, tRP 13.75 ns (datasheet) (JEDEC DDR3-1600K, '
            '2 Gbit)</span>') in table
    assert table.count("JEDEC") == 1                       # the read record carries none: its cell is the peak alone
