"""harness/record/history_lab.py: the lab's latest night read from a history (here a SQLite file; the
same from a PostgreSQL history two hosts wrote: tests/history/test_lab_report.py)."""
import json

import pytest

from sailbench.harness.record.history import History
from sailbench.harness.record.history_lab import dumps, latest_lab_night, night_to_dict
from unit.fakes.history_runs import nightly_board_run


@pytest.fixture
def history(tmp_path):
    """Two hosts, each with an older and a latest night; pc-b's latest night also has a run whose writer
    was killed, a board whose health check failed, and a quarantined board."""
    with History(tmp_path / "h.sqlite") as h:
        for host, board, rate in (("pc-a", "versa-a", 520e6), ("pc-b", "versa-b", 540e6)):
            nightly_board_run(h, host, board, f"20261205-nightly-{host}", rate - 1e6)
            nightly_board_run(h, host, board, f"20261206-nightly-{host}", rate)
        h.upsert_run("20261206-nightly-pc-b-dead", "ecpix5", kind="nightly", night_id="20261206-nightly-pc-b",
                     host="pc-b", started="20261206", status="running")
        h.add_health("ecpix5-b", source="nightly", passed=False, message="board silent on /dev/ttyUSB3",
                     run_id="20261206-nightly-pc-b", host="pc-b")
        h.quarantine("ecpix5-c", "3 failed health checks", 3)
        yield h


def test_the_latest_night_of_each_host(history):
    night = latest_lab_night(history)
    assert night.nights == {"pc-a": "20261206-nightly-pc-a", "pc-b": "20261206-nightly-pc-b"}
    assert night.hosts == ["pc-a", "pc-b"]
    assert [(r.host, r.board, r.complete) for r in night.runs] == [
        ("pc-a", "versa-a", True), ("pc-b", "versa-b", True), ("pc-b", "ecpix5", False)]


def test_a_complete_run_carries_its_figures_and_its_trend_on_its_host(history):
    run = next(r for r in latest_lab_night(history).runs if r.board == "versa-a")
    assert [f["rate_bytes_per_s"] for f in run.figures] == [520e6, 520e6 + 1, 110e6, 110e6 + 1]
    assert (run.kind, run.status, run.build_hash, run.profile) == ("nightly", "passed", "feedbeef", "versa-ecp5")
    assert {p["run_id"] for p in run.trend} == {"20261205-nightly-pc-a-versa-a", "20261206-nightly-pc-a-versa-a"}
    one = next(r for r in latest_lab_night(history, trend_runs=1).runs if r.board == "versa-a")
    assert {p["run_id"] for p in one.trend} == {"20261206-nightly-pc-a-versa-a"}


def test_an_incomplete_run_shows_no_figures(history):
    dead = next(r for r in latest_lab_night(history).runs if not r.complete)
    assert dead.figures == [] and dead.trend == [] and dead.status == "running"


def test_health_failures_and_quarantines_of_the_night(history):
    night = latest_lab_night(history)
    assert [(f["host"], f["board"], f["message"]) for f in night.health_failures] == [
        ("pc-b", "ecpix5-b", "board silent on /dev/ttyUSB3")]
    assert [q["board"] for q in night.quarantined] == ["ecpix5-c"]


def test_an_empty_history_has_no_night(tmp_path):
    with History(tmp_path / "h.sqlite") as h:
        night = latest_lab_night(h)
    assert (night.nights, night.runs, night.hosts) == ({}, [], [])


def test_the_json_companion_leaves_the_trends_out(history):
    night = latest_lab_night(history)
    data = night_to_dict(night)
    assert set(data) == {"nights", "quarantined", "health_failures", "runs"}
    assert all("trend" not in r and "figures" in r for r in data["runs"])
    assert json.loads(dumps(night)) == json.loads(json.dumps(data))


def test_a_pair_run_carries_its_judged_totals_beside_its_lane_figures(tmp_path):
    """A nightly's pair run (recorded as the nightly records it, store_finished_run): its lane payload
    records are figures, its pair totals (INTERCARD's verdicts) come along as totals."""
    from sailbench.harness.config import HistoryConfig
    from sailbench.harness.record.history_sink import store_finished_run
    lanes = [{"probe": "lane", "quantity": "payload", "lane": i, "direction": "upstream->downstream",
              "rate_bytes_per_s": 120e6 + i, "simulated": True, "id": f"r{i + 1}"} for i in range(4)]
    total = {"probe": "pair", "quantity": "pair total", "direction": "upstream->downstream",
             "lanes_measured": [0, 1, 2, 3], "total_bytes_per_s": 486e6, "one_window": True, "simulated": True,
             "verdict": {"verdict": "holds", "reason": ""}, "id": "r5"}
    data = {"run_id": "n1-pair", "started": "20261206", "finished": "20261206Z", "status": "passed",
            "provenance": {"board": "sim-pair", "gateware_hash": "p1", "host": "pc-a", "profile": "versa-ecp5"},
            "records": [*lanes, total, {"probe": "pod", "step": "ident", "id": "r6"}]}
    with History(tmp_path / "h.sqlite") as h:
        store_finished_run(h, HistoryConfig(), data, "n1-pair.json", kind="nightly-pair", night_id="n1")
        run, = latest_lab_night(h).runs
    assert (run.host, run.board, run.kind) == ("pc-a", "sim-pair", "nightly-pair")
    assert [f["lane"] for f in run.figures] == [0, 1, 2, 3]
    assert [t["total_bytes_per_s"] for t in run.totals] == [486e6]
