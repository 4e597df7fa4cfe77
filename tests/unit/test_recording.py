"""run/recording.py: the history a command records into, or none."""
from sailbench.harness.config import load_lab
from sailbench.harness.record.history_sink import HistorySink
from sailbench.harness.run.recording import recording


def lab(tmp_path):
    path = tmp_path / "lab.yaml"
    path.write_text(f"boards:\n  sim: {{kind: sim}}\nresults: {{dir: {tmp_path / 'results'}}}\n")
    return load_lab(path)


def test_no_history_records_nowhere(tmp_path):
    with recording(lab(tmp_path), False, print) as (history, sinks):
        assert history is None and sinks == []
    assert not (tmp_path / "results").exists()


def test_history_opens_the_labs_database_with_one_sink(tmp_path):
    the_lab = lab(tmp_path)
    tmp_path.joinpath("results").mkdir()
    with recording(the_lab, True, print) as (history, sinks):
        assert history is not None and len(sinks) == 1 and isinstance(sinks[0], HistorySink)
    assert the_lab.history_path.is_file()
