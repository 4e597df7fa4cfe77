"""harness/run/history_import.py on SQLite files: importing a bench PC's history twice adds nothing the
second time, the history itself is refused as a source, `history info` counts complete runs. Into a real
PostgreSQL server through the CLI: tests/history/test_history_postgres.py."""
import pytest

from sailbench.harness.errors import HistoryError
from sailbench.harness.record.history import History
from sailbench.harness.run.history_import import ImportOutcome, history_command, history_info, import_history
from unit.fakes.history_runs import bench_pc_history, sqlite_lab


def test_outcome_text_counts_and_plurals():
    assert ImportOutcome("a.sqlite", "b", 1, 1, 1).text() == \
        "imported a.sqlite into b: 1 run read, 1 new record, 1 new health check"
    assert ImportOutcome("a.sqlite", "b", 2, 0, 0).text().endswith(
        "2 runs read, 0 new records, 0 new health checks (everything was there already)")


def test_importing_twice_adds_nothing_the_second_time(tmp_path):
    source = tmp_path / "bench-pc.sqlite"
    bench_pc_history(source)
    lines = []
    with History(tmp_path / "lab.sqlite") as target:
        first = import_history(source, target, "the lab", lines.append)
        second = import_history(source, target, "the lab", lines.append)
        assert (first.runs, first.records_added, first.health_added) == (3, 12, 1)
        assert (second.runs, second.records_added, second.health_added) == (3, 0, 0)
        assert [r["run_id"] for r in target.runs()] == ["20261200-sim-old0", "20261201-sim-old1"]
        assert target.run("20261202-sim-old2")["complete"] == 0, "an incomplete run stays uncounted"
    assert lines == [], "progress only every 50 runs"


def test_a_missing_source_is_named(tmp_path):
    with History(tmp_path / "lab.sqlite") as target, pytest.raises(HistoryError, match="no such history file"):
        import_history(tmp_path / "gone.sqlite", target, "the lab")


def test_the_configured_history_is_not_its_own_source(tmp_path):
    with History(tmp_path / "lab.sqlite") as target, \
            pytest.raises(HistoryError, match="is the configured history itself; set history.url"):
        import_history(tmp_path / "lab.sqlite", target, "the lab")


def test_a_run_id_another_host_recorded_is_refused_and_nothing_of_it_copied(tmp_path):
    source = tmp_path / "bench-pc.sqlite"
    bench_pc_history(source, runs=1)
    with History(tmp_path / "lab.sqlite") as target:
        target.upsert_run("20261200-sim-old0", "sim", host="pc-other", status="running")
        with pytest.raises(HistoryError, match="run id 20261200-sim-old0 is already recorded by host 'pc-other', "
                                               "not 'bench-pc'"):
            import_history(source, target, "the lab")
        assert target.records("20261200-sim-old0") == [] and target.run("20261200-sim-old0")["host"] == "pc-other"


@pytest.fixture
def lab(tmp_path):
    return sqlite_lab(tmp_path)


def test_info_and_import_through_the_command(lab, tmp_path):
    source = tmp_path / "bench-pc.sqlite"
    bench_pc_history(source)
    said = []
    assert history_command(lab, "import", source, progress=said.append) == 0
    assert history_command(lab, "info", None, progress=said.append) == 0
    where = tmp_path / "res" / "history.sqlite"
    assert said == [f"imported {source} into {where}: 3 runs read, 12 new records, 1 new health check",
                    f"history {where} (sqlite, schema 3): 2 complete runs and 1 incomplete from host bench-pc"]
    assert history_info(lab) == said[1]
