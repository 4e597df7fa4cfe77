"""The invariants on measured values across runs: the latest LOCAL_DDR, HOST_LINK and INTERCARD of a
profile from the history, each labelled with its run and build, simulated and hardware never mixed."""
from sailbench.harness.record.history import History
from sailbench.harness.record.measured import measured_invariants


def ddr(rate, direction="write"):
    return {"probe": "ddr", "direction": direction, "pattern": "sequential", "summary": True, "bytes": 1 << 20,
            "rate_bytes_per_s": rate, "errors": 0}


def host(rate, direction="board_to_host", sweep=False):
    rec = {"probe": "hostlink", "direction": direction, "payload_bytes": 1472, "rate_bytes_per_s": rate, "lost": 0}
    return rec | ({"sweep": True} if sweep else {})


def pair_total(total, lanes=(0, 1, 2, 3), direction="upstream->downstream", one_window=True):
    verdict = "holds" if len(lanes) == 4 and one_window else "not judged"
    return {"probe": "pair", "quantity": "pair total", "direction": direction, "lanes_measured": list(lanes),
            "total_bytes_per_s": total, "one_window": one_window, "verdict": {"verdict": verdict}}


def store(history, run_id, board, build, simulated, records, profile="versa-ecp5", on=None):
    history.upsert_run(run_id, board, profile=profile, build_hash=build, complete=True, host=on)
    for rec in records:
        history.add_record(run_id, board, build, rec | {"board": board, "simulated": simulated})


def test_invariants_on_the_latest_measured_figures_name_their_runs(tmp_path):
    with History(tmp_path / "h.sqlite") as h:
        store(h, "old-bench", "sim", "b0", True, [ddr(100e6), ddr(100e6, "read")])
        store(h, "bench1", "sim", "b1", True, [ddr(496e6), ddr(514e6, "read"), host(120.2e6),
                                                host(121.4e6, "host_to_board"), host(10e6, sweep=True)])
        store(h, "pair1", "sim-pair", "p1", True, [pair_total(490e6), pair_total(488e6, direction="downstream->upstream")])
        store(h, "pair2", "sim-pair", "p2", True, [pair_total(370e6, lanes=(0, 2, 3))])     # 3 lanes: no INTERCARD
        store(h, "pair3", "sim-pair", "p3", True, [pair_total(480e6, one_window=False)])    # a sum of windows: none
        store(h, "hw", "versa", "h1", False, [ddr(50e6)])                                   # hardware: apart
        m = measured_invariants(h, "versa-ecp5", simulated=True)
    assert m.missing == []
    f = m.figures
    assert (f["LOCAL_DDR_BW_BYTES_PER_SEC"].bytes_per_s, f["LOCAL_DDR_BW_BYTES_PER_SEC"].run_id) == (496e6, "bench1")
    assert (f["HOST_LINK_BW_BYTES_PER_SEC"].bytes_per_s, f["HOST_LINK_BW_BYTES_PER_SEC"].build_hash) == (120.2e6, "b1")
    assert (f["INTERCARD_BW_BYTES_PER_SEC"].bytes_per_s, f["INTERCARD_BW_BYTES_PER_SEC"].run_id) == (488e6, "pair1")
    by = {i.name: i for i in m.invariants}
    assert by["HOST < INTERCARD"].holds and by["INTERCARD < LOCAL_DDR"].holds
    assert not by["LOCAL_DDR >= 4 x INTERCARD"].holds
    assert all(x["measured"] for i in m.invariants for x in i.inputs.values())
    assert by["INTERCARD < LOCAL_DDR"].inputs["INTERCARD_BW_BYTES_PER_SEC"]["run_id"] == "pair1"
    text = "\n".join(m.lines())
    assert "simulated figures" in text and "from run bench1 (build b1)" in text and "from run pair1 (build p1)" in text
    assert "BROKEN" in text


def test_hardware_figures_alone_say_what_is_missing(tmp_path):
    with History(tmp_path / "h.sqlite") as h:
        store(h, "bench1", "sim", "b1", True, [ddr(496e6), host(120e6)])
        store(h, "pair1", "sim-pair", "p1", True, [pair_total(490e6)])
        store(h, "hw", "versa", "h1", False, [ddr(450e6), host(110e6)])
        m = measured_invariants(h, "versa-ecp5", simulated=False)
    assert m.missing == ["INTERCARD_BW_BYTES_PER_SEC"] and m.invariants == []
    assert m.figures["LOCAL_DDR_BW_BYTES_PER_SEC"].run_id == "hw"
    assert "not judged: the history holds no measured INTERCARD" in "\n".join(m.lines())


def test_the_bench_reports_them_in_its_results_and_report(tmp_path):
    from sailbench.harness.record.results import ResultsFile
    from sailbench.harness.report.html import render_html
    from sailbench.harness.report.model import RunReport, board_report
    from sailbench.harness.run.bench import report_measured_invariants
    with History(tmp_path / "h.sqlite") as h:
        store(h, "pair1", "sim-pair", "p1", True, [pair_total(490e6)])
        store(h, "bench1", "sim", "b1", True, [ddr(496e6), host(120e6)])
        results = ResultsFile("bench1", tmp_path, {"board": "sim", "profile": "versa-ecp5", "simulated": True})
        m = report_measured_invariants(h, results)
    section = results.data["measured_invariants"]
    assert section["missing"] == [] and len(section["invariants"]) == 3
    assert any("from run pair1 (build p1)" in s for s in section["sources"])
    html = render_html(RunReport("bench", "bench1", "t", "now", None, [board_report(results.data, results.path)], 0))
    assert "Invariants on measured values across runs" in html and "from run pair1 (build p1)" in html
    assert results.data["invariants"] == [], "a report: the run's own invariants (and outcome) are untouched"


def test_the_nightly_reports_them_per_profile_simulated_and_hardware_apart(tmp_path):
    from sailbench.harness.config import load_lab
    from sailbench.harness.run.nightly import _measured_invariants
    path = tmp_path / "lab.yaml"
    path.write_text("default_board: sim\nboards:\n  sim: {kind: sim}\n"
                    "pairs:\n  p: {kind: sim, profile: versa-ecp5, upstream: p-up, downstream: p-down, lanes: 4}\n"
                    f"results: {{dir: {tmp_path}}}\nlocks: {{dir: {tmp_path / 'locks'}}}\n")
    lab = load_lab(path)
    with History(tmp_path / "h.sqlite") as h:
        store(h, "pair1", "p", "p1", True, [pair_total(490e6)])
        store(h, "bench1", "sim", "b1", True, [ddr(496e6), host(120e6)])
        found = _measured_invariants(lab, h, ["sim"], ["p"])
    assert len(found) == 1 and found[0].simulated and found[0].missing == []
    assert any("from run bench1" in line for line in found[0].lines())


def test_the_measured_invariant_line_says_its_state_once():
    """'holds  HOST < INTERCARD: ...', not 'holds  HOST < INTERCARD holds: ...' (issue 20)."""
    from sailbench.harness.judge.verdict import InvariantVerdict
    from sailbench.harness.record.measured import MeasuredInvariants
    inv = InvariantVerdict("HOST < INTERCARD", True, message="HOST < INTERCARD holds: HOST 120.6 MB/s < INTERCARD")
    broken = InvariantVerdict("LOCAL_DDR >= 4 x INTERCARD", False,
                              message="LOCAL_DDR >= 4 x INTERCARD is BROKEN: LOCAL_DDR 568.5 MB/s < 4 x 496.6 MB/s")
    from sailbench.harness.judge.constants import HOST_LINK, INTERCARD, LOCAL_DDR
    from sailbench.harness.record.measured import MeasuredFigure
    figures = {c: MeasuredFigure(c, 1e8, "r1", "abc", "2026-12-06T00:00:00+00:00", "x")
               for c in (LOCAL_DDR, HOST_LINK, INTERCARD)}
    lines = MeasuredInvariants("versa-ecp5", True, figures, [inv, broken]).lines()
    assert lines[-2] == "  holds   HOST < INTERCARD: HOST 120.6 MB/s < INTERCARD"
    assert lines[-1] == "  BROKEN  LOCAL_DDR >= 4 x INTERCARD: LOCAL_DDR 568.5 MB/s < 4 x 496.6 MB/s"


def test_a_lab_wide_history_names_the_host_of_each_figure(tmp_path):
    """Several bench PCs write one history (docs/history.md): each figure says which one measured it."""
    with History(tmp_path / "h.sqlite") as h:
        store(h, "bench-a", "versa-a", "b1", False, [ddr(450e6), host(110e6)], on="pc-a")
        store(h, "pair-b", "pair-b", "p1", False, [pair_total(490e6)], on="pc-b")
        m = measured_invariants(h, "versa-ecp5", simulated=False)
    text = "\n".join(m.lines())
    assert "from run bench-a (build b1) measured on host pc-a" in text
    assert "from run pair-b (build p1) measured on host pc-b" in text
    by = {i.name: i for i in m.invariants}
    assert by["INTERCARD < LOCAL_DDR"].inputs["INTERCARD_BW_BYTES_PER_SEC"]["host"] == "pc-b"
