"""results/<run-id>.json: written at once, valid after every step."""
import json
import re
from datetime import datetime

import pytest

from sailbench.harness.judge.constants import INTERCARD, LOCAL_DDR
from sailbench.harness.errors import ResultsError
from sailbench.harness.record.results import ResultsFile, git_revision, new_run_id, provenance
from sailbench.harness.judge.verdict import judge, judge_invariants


def load(results: ResultsFile) -> dict:
    return json.loads(results.path.read_text())


def test_run_id():
    run_id = new_run_id("versa ecp5", now=datetime(2026, 11, 23, 10, 22, 33))
    assert re.fullmatch(r"20261123-102233-versa-ecp5-[0-9a-f]{6}", run_id)
    assert new_run_id("sim") != new_run_id("sim")


def test_written_after_every_step(tmp_path):
    results = ResultsFile("r1", tmp_path / "results", {"board": "sim"})
    data = load(results)
    assert data["status"] == "running" and data["finished"] is None
    assert data["schema"] == 1 and data["run_id"] == "r1" and data["provenance"] == {"board": "sim"}
    for key in ("records", "verdicts", "invariants", "errors"):
        assert data[key] == []

    results.add_record({"probe": "ddr", "bytes_per_s": 497.1e6, "file": tmp_path})
    assert load(results)["records"] == [{"probe": "ddr", "bytes_per_s": 497.1e6,
                                         "file": str(tmp_path), "id": "r1"}]
    results.add_record({"probe": "ddr", "repeat": 2})
    assert len(load(results)["records"]) == 2

    results.add_verdict(judge(LOCAL_DDR, 2e9, 497.1e6, 0.1, 0.25))
    assert load(results)["verdicts"][0]["verdict"] == "optimistic"
    results.add_verdict(judge_invariants({LOCAL_DDR: (497.1e6, True), INTERCARD: (5e8, False),
                                          "HOST_LINK_BW_BYTES_PER_SEC": (1e8, False)})[2])
    assert load(results)["invariants"][0]["holds"] is False

    results.set_status("failed")
    data = load(results)
    assert data["status"] == "failed" and data["finished"] is not None
    assert [p.name for p in results.directory.iterdir()] == ["r1.json"], "no temp files left"


def test_bad_record_is_refused_and_file_kept(tmp_path):
    results = ResultsFile("r2", tmp_path, {})
    results.add_record({"ok": 1})
    with pytest.raises(TypeError):
        results.add_record({"bad": object()})
    with pytest.raises(ValueError):
        results.add_record({"rate": float("nan")})
    assert load(results)["records"] == [{"ok": 1, "id": "r1"}]
    results.add_record({"ok": 2})
    assert len(load(results)["records"]) == 2
    with pytest.raises(ValueError):
        results.set_status("done")


def test_context_manager_records_interrupt(tmp_path):
    with pytest.raises(KeyboardInterrupt):
        with ResultsFile("r3", tmp_path, {}) as results:
            results.add_record({"step": 1})
            raise KeyboardInterrupt
    data = load(results)
    assert data["status"] == "interrupted" and data["records"] == [{"step": 1, "id": "r1"}]
    assert data["errors"][0]["type"] == "KeyboardInterrupt"


def test_context_manager_records_error_and_judges(tmp_path):
    with pytest.raises(RuntimeError):
        with ResultsFile("r4", tmp_path, {}):
            raise RuntimeError("board went silent")
    assert json.loads((tmp_path / "r4.json").read_text())["errors"][0]["message"] == \
        "board went silent"
    with ResultsFile("r5", tmp_path, {}) as ok:
        ok.add_verdict(judge(LOCAL_DDR, 2e9, 1.9e9, 0.1, 0.25))
    assert load(ok)["status"] == "passed"
    with ResultsFile("r6", tmp_path, {}) as bad:
        bad.add_verdict(judge(LOCAL_DDR, 2e9, 0.5e9, 0.1, 0.25))
    assert load(bad)["status"] == "failed"


def test_existing_run_id_and_unwritable_dir(tmp_path):
    ResultsFile("same", tmp_path, {})
    with pytest.raises(ResultsError, match="already exists"):
        ResultsFile("same", tmp_path, {})
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(ResultsError, match="results.dir"):
        ResultsFile("x", blocker / "sub", {})


def test_provenance(tmp_path):
    p = provenance("sim", "versa-ecp5", "abc123", constants_source="pinned", repo=tmp_path)
    assert p["board"] == "sim" and p["profile"] == "versa-ecp5" and p["gateware_hash"] == "abc123"
    assert p["git"] == "unknown"  # tmp_path is not a repository
    assert p["tools"]["python"] and "litex" in p["tools"] and "verilator" in p["tools"]
    assert p["host"] and p["time"]
    json.dumps(p)


def test_git_revision_in_a_repo(tmp_path):
    import subprocess
    run = lambda *a: subprocess.run(["git", *a], cwd=tmp_path, check=True, capture_output=True)
    run("init", "-q")
    run("-c", "user.email=t@t", "-c", "user.name=t", "commit", "-q", "--allow-empty", "-m", "x")
    sha = git_revision(tmp_path)
    assert re.fullmatch(r"[0-9a-f]{40}", sha)
    (tmp_path / "f").write_text("1")
    run("add", "f")
    assert git_revision(tmp_path) == f"{sha}-dirty"


def test_a_failing_sink_does_not_hide_the_runs_own_error(tmp_path):
    """A sink that cannot follow raises SinkError (its own subclass); the results file lets the run's
    error through without knowing which sink it was."""
    from sailbench.harness.errors import SinkError

    class BrokenSinkError(SinkError):
        pass

    class Sink:
        def __init__(self):
            self.broken = False

        def run_updated(self, results):
            if self.broken:
                raise BrokenSinkError("sink gone")

        def record_added(self, results, record):
            pass

    sink = Sink()
    results = ResultsFile("r-sink", tmp_path, {"board": "sim"}, sinks=[sink])
    sink.broken = True
    with pytest.raises(RuntimeError, match="the run's own error"):
        with results:
            raise RuntimeError("the run's own error")
    assert load(results)["errors"][0]["message"] == "the run's own error"
