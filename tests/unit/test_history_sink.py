"""A results file followed into the history database, each figure compared as it is written."""
import json

from sailbench.harness.config import HistoryConfig
from sailbench.harness.judge.verdict import judge
from sailbench.harness.record.history import History
from sailbench.harness.record.history_sink import HistorySink
from sailbench.harness.record.results import ResultsFile


def summary(rate):
    return {"board": "sim", "probe": "ddr", "direction": "read", "pattern": "sequential", "summary": True,
            "bytes": 65536, "rate_bytes_per_s": rate, "repeats": 2}


def run(tmp_path, history, run_id, build, rates, said):
    sink = HistorySink(history, HistoryConfig(baseline_runs=3, drop_threshold=0.10), said.append)
    with ResultsFile(run_id, tmp_path, {"board": "sim", "profile": "versa-ecp5"}, sinks=[sink]) as results:
        results.update_provenance(gateware_hash=build)
        results.add_record({"board": "sim", "probe": "ddr", "direction": "read", "pattern": "sequential",
                            "bytes": 65536, "rate_bytes_per_s": rates[0], "repeat": 1})
        record = results.add_record(summary(rates[0]))
        # a judged constant (a run that judged none never passes): the figure against a constant it meets
        results.add_verdict(judge("LOCAL_DDR_BW_BYTES_PER_SEC", 500e6, 500e6, 0.1, 0.25), quantity="read sequential",
                            record=record)
    return sink, json.loads(results.path.read_text())


def test_records_go_to_history_as_written_and_regressions_are_judged(tmp_path):
    said = []
    with History(tmp_path / "h.sqlite") as history:
        sink, first = run(tmp_path, history, "r1", "aaa", [500e6], said)
        assert history.run("r1")["status"] == "passed" and history.run("r1")["build_hash"] == "aaa"
        assert len(history.records("r1")) == 2
        assert first["comparisons"][0]["status"] == "baseline"
        assert any("build aaa has no figures yet on board 'sim'" in s for s in said)

        sink, second = run(tmp_path, history, "r2", "aaa", [505e6], said)
        assert second["comparisons"][0]["status"] == "ok" and second["status"] == "passed"
        assert second["comparisons"][0]["baseline_runs"] == ["r1"]

        said.clear()
        sink, third = run(tmp_path, history, "r3", "aaa", [250e6], said)
        c = third["comparisons"][0]
        assert c["status"] == "regressed" and third["status"] == "failed"
        assert c["baseline_bytes_per_s"] == 502.5e6 and c["measured_bytes_per_s"] == 250e6
        assert any(s.startswith("REGRESSION") and "250.0 MB/s" in s and "502.5 MB/s" in s for s in said)
        assert sink.results.run_id == "r3" and sink.comparisons[0].regressed

        said.clear()
        sink, fourth = run(tmp_path, history, "r4", "bbb", [250e6], said)      # new build: new baseline
        c = fourth["comparisons"][0]
        assert c["status"] == "baseline" and c["previous_build_hash"] == "aaa"
        assert any("build bbb has no figures yet" in s and "previous build aaa" in s for s in said)
