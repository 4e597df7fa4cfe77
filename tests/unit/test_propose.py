"""propose-constants: the diff applies with patch and its values are the history's figures."""
import json
import shutil
import subprocess

import pytest

from sailbench.harness.judge.constants import HOST_LINK, INTERCARD, LOCAL_DDR, parse_bandwidth_rs
from sailbench.harness.record.history import History
from sailbench.harness.run.propose import PINNED_TEXT, propose, runs_from_history, runs_from_results

# Shaped like Spanker's src/scheduler/src/bandwidth.rs: doc comments, the three constants,
# a test module that names them and declares a constant of its own.
BANDWIDTH_RS = """\
//! Bandwidth model constants for the rev-A topology.

/// Realistic local DDR3 bandwidth ceiling on rev-A, in bytes per second.
pub const LOCAL_DDR_BW_BYTES_PER_SEC: u64 = 2_000_000_000;

/// Per-direction inter-card link bandwidth ceiling on rev-A.
pub const INTERCARD_BW_BYTES_PER_SEC: u64 = 500_000_000;

/// Realistic GbE host-link bandwidth ceiling on rev-A.
pub const HOST_LINK_BW_BYTES_PER_SEC: u64 = 100_000_000;

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn local_ddr_dominates_intercard_by_at_least_4x() {
        const STALE: u64 = 12_800_000_000;
        assert!(LOCAL_DDR_BW_BYTES_PER_SEC >= 4 * INTERCARD_BW_BYTES_PER_SEC);
        assert!(LOCAL_DDR_BW_BYTES_PER_SEC < STALE);
    }
}
"""


def _results(path, run_id, board, records, identifier="sailbench profile=versa-ecp5 target=ecp5"):
    path.write_text(json.dumps({"run_id": run_id, "started": "2026-12-02T10:00:00+00:00", "records": records,
                                "provenance": {"board": board, "profile": "versa-ecp5", "gateware_hash": "abc123def456",
                                               "identifier": identifier}}))
    return path


def _bench_records(board, write, read, b2h, h2b):
    recs = [{"board": board, "probe": "ddr", "direction": d, "pattern": "sequential", "summary": True,
             "rate_bytes_per_s": v} for d, v in (("write", write), ("read", read))]
    recs += [{"board": board, "probe": "ddr", "direction": "write", "pattern": "random", "summary": True,
              "rate_bytes_per_s": 1.0}]
    recs += [{"board": board, "probe": "hostlink", "direction": d, "payload_bytes": p, "rate_bytes_per_s": v}
             for d, v in (("board_to_host", b2h), ("host_to_board", h2b)) for p in (1472,)]
    recs += [{"board": board, "probe": "hostlink", "direction": "board_to_host", "payload_bytes": 64,
              "rate_bytes_per_s": 5.0}]
    return recs


def _pair_records(up, down, lanes=4):
    return [{"probe": "pair", "quantity": "pair total", "direction": d, "lane_count": lanes,
             "lanes_measured": list(range(lanes)), "total_bytes_per_s": v}
            for d, v in (("upstream_to_downstream", up), ("downstream_to_upstream", down))]


@pytest.fixture
def files(tmp_path):
    older = _results(tmp_path / "old.json", "versa-old", "versa-ecp5", _bench_records("versa-ecp5", 1, 1, 1, 1))
    bench = _results(tmp_path / "bench.json", "versa-new", "versa-ecp5",
                     _bench_records("versa-ecp5", 551_234_567.8, 560_000_000.0, 117_000_000.4, 118_500_000.0))
    pair = _results(tmp_path / "pair.json", "pair-1", "versa-pair", _pair_records(496_600_000.0, 495_900_000.0))
    three = _results(tmp_path / "pair3.json", "pair-2", "versa-pair", _pair_records(372_000_000.0, 371_000_000.0, 3))
    return [older, bench, pair, three]


def test_diff_applies_with_patch_and_values_equal_the_figures(tmp_path, files):
    if not shutil.which("patch"):
        pytest.skip("patch(1) not installed")
    prop = propose(BANDWIDTH_RS, "bandwidth.rs", runs_from_results(files))
    copy = tmp_path / "copy" / "bandwidth.rs"
    copy.parent.mkdir()
    copy.write_text(BANDWIDTH_RS)
    diff = tmp_path / "proposal.diff"
    diff.write_text(prop.diff)
    dry = subprocess.run(["patch", "--dry-run", "-p1", "-d", str(copy.parent), "-i", str(diff)],
                         capture_output=True, text=True)
    assert dry.returncode == 0, dry.stdout + dry.stderr
    subprocess.run(["patch", "-p1", "-d", str(copy.parent), "-i", str(diff)], check=True, capture_output=True)
    values = parse_bandwidth_rs(copy.read_text(), "patched")
    assert values == {LOCAL_DDR: 551_234_568, HOST_LINK: 117_000_000, INTERCARD: 495_900_000}
    text = copy.read_text()
    assert "// sailbench: sequential DDR write" in text and "run versa-new, build abc123def456, board versa-ecp5, " \
        "profile versa-ecp5, 2026-12-02" in text
    assert "run pair-1" in text                          # the 3-lane run is newer but not all lanes
    assert "simulated" not in text


def test_invariants_are_said_plainly(files):
    prop = propose(BANDWIDTH_RS, "bandwidth.rs", runs_from_results(files))
    assert "LOCAL_DDR >= 4 x INTERCARD" in prop.broken
    assert "INTERCARD < LOCAL_DDR" not in prop.broken
    assert "TP/MP heuristics" in prop.summary and "need re-deriving" in prop.summary


def test_simulated_figures_need_the_flag_and_say_so(tmp_path):
    sim = _results(tmp_path / "sim.json", "sim-1", "sim", _bench_records("sim", 496e6, 514e6, 120e6, 121e6),
                   identifier="sailbench profile=versa-ecp5 target=sim")
    prop = propose(BANDWIDTH_RS, "bandwidth.rs", runs_from_results([sim]))
    assert prop.diff == "" and prop.figures == {}
    assert set(prop.unchanged) == {LOCAL_DDR, HOST_LINK, INTERCARD}
    assert "--allow-simulated" in prop.summary
    prop = propose(BANDWIDTH_RS, "bandwidth.rs", runs_from_results([sim]), allow_simulated=True)
    assert set(prop.figures) == {LOCAL_DDR, HOST_LINK} and prop.unchanged == [INTERCARD]
    assert prop.diff.count(", simulated\n") == 2
    assert "unchanged INTERCARD_BW_BYTES_PER_SEC: no measured figure" in prop.summary


def test_from_the_history(tmp_path):
    with History(tmp_path / "h.sqlite") as h:
        h.upsert_run("versa-1", "versa-ecp5", profile="versa-ecp5", build_hash="feedbeef0001",
                     started="2026-12-01T09:00:00", complete=True)
        for rec in _bench_records("versa-ecp5", 540e6, 530e6, 110e6, 111e6):
            h.add_record("versa-1", "versa-ecp5", "feedbeef0001", rec)
        runs = runs_from_history(h)
    prop = propose(PINNED_TEXT, "pinned", runs)
    assert prop.figures[LOCAL_DDR].bytes_per_s == 530e6 and prop.figures[HOST_LINK].bytes_per_s == 110e6
    assert "+pub const LOCAL_DDR_BW_BYTES_PER_SEC: u64 = 530_000_000;" in prop.diff
    assert "build feedbeef0001" in prop.diff and "2026-12-01" in prop.diff


def test_intercard_figure_names_its_line_rate_and_code(tmp_path):
    from sailbench.harness.run.propose import intercard_figure
    recs = [{**r, "line_rate_gbps": 1.25, "coding": "64b66b"} for r in _pair_records(600e6, 601e6)]
    (run,) = runs_from_results([_results(tmp_path / "p.json", "pair-66", "versa-pair", recs)])
    assert "over 4 lanes at 1.25 Gb/s 64b66b" in intercard_figure(run).what
    (old,) = runs_from_results([_results(tmp_path / "o.json", "pair-old", "versa-pair",
                                         _pair_records(496e6, 495e6))])
    assert "at 1.25 Gb/s 8b10b" in intercard_figure(old).what       # recorded before the rate was a choice


# -- issue 20: pair runs, the --results hint, non-results files, no history -----------------------------------
def _lab(tmp_path):
    import dataclasses
    from pathlib import Path

    from sailbench.harness.config import find_lab, load_lab
    root = Path(__file__).resolve().parents[2]
    return dataclasses.replace(load_lab(find_lab(str(root / "lab.yaml"))), results_dir=tmp_path / "results")


def test_a_standalone_pair_run_recorded_by_sailbench_pair_is_proposed(tmp_path):
    from sailbench.harness.cli.pair import record_in_history
    from sailbench.harness.run.propose import propose_from_lab
    lab = _lab(tmp_path)
    lab.results_dir.mkdir()
    pair = _results(lab.results_dir / "pair-9.json", "pair-9", "versa-pair",
                    _pair_records(496_600_000.0, 495_900_000.0))
    record_in_history(lab, pair)
    prop = propose_from_lab(lab)
    assert prop.figures[INTERCARD].bytes_per_s == 495_900_000.0 and prop.figures[INTERCARD].run.run_id == "pair-9"


def test_no_figure_in_the_history_hints_at_results_and_creates_no_database(tmp_path):
    from sailbench.harness.run.propose import propose_from_lab
    lab = _lab(tmp_path)
    prop = propose_from_lab(lab)
    assert not lab.history_path.exists() and not lab.results_dir.exists()
    assert f"unchanged {LOCAL_DDR}: no measured figure in the history {lab.history_path} (there is none yet)" \
        in prop.summary
    lab.results_dir.mkdir()
    History(lab.history_path).close()
    assert "--results results/RUN-ID.json" in propose_from_lab(lab).summary


@pytest.mark.parametrize("content", ['{"name": "package.json"}', "[1, 2]", '{"run_id": "x", "records": 3}'])
def test_a_json_file_that_is_not_a_results_file_is_refused_in_one_line(tmp_path, capsys, content):
    from pathlib import Path

    from sailbench.harness.cli import main
    other = tmp_path / "other.json"
    other.write_text(content)
    root = Path(__file__).resolve().parents[2]
    assert main(["--lab", str(root / "lab.yaml"), "propose-constants", "--results", str(other)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.strip() == f"sailbench: error: {other}: not a sailbench results file (no run_id, " \
                                   "provenance and records list)"
