"""`sailbench labgrid` (harness/cli/labgrid.py): `sync` hands the lab to sync_places, `--exporter-config
HOST` prints the exporter config instead. Against a real coordinator: tests/labgrid/."""
from sailbench.harness.cli import options
from sailbench.harness.run import labgrid_sync
from unit.fakes.cli_runs import RunnerCall, help_text, lab_file, sailbench


def test_help_names_sync_and_the_exporter_config(capsys):
    text = help_text(capsys, "labgrid")
    assert "sync" in text and "--exporter-config HOST" in text and "docs/labgrid.md" in text


def test_sync_hands_the_lab_to_sync_places(tmp_path, capsys, monkeypatch):
    runner = RunnerCall(result=[])
    monkeypatch.setattr(labgrid_sync, "sync_places", runner)
    assert sailbench(capsys, lab_file(tmp_path), "labgrid", "sync").code == 0
    assert runner.args[0].path == tmp_path / "lab.yaml" and runner.kwargs == {"progress": options.progress}


def test_exporter_config_is_printed_and_nothing_synced(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(labgrid_sync, "sync_places", RunnerCall(result=[]))
    monkeypatch.setattr(labgrid_sync, "exporter_config", lambda lab, host: f"{host}-group:\n  USBSerialPort: {{}}\n")
    done = sailbench(capsys, lab_file(tmp_path), "labgrid", "sync", "--exporter-config", "bench-3")
    assert done.code == 0 and done.out == ["bench-3-group:", "  USBSerialPort: {}"]
    assert labgrid_sync.sync_places.calls == []


def test_no_place_in_lab_yaml_is_one_line(tmp_path, capsys):
    """The real sync_places: a lab with no place says so before any coordinator is asked."""
    done = sailbench(capsys, lab_file(tmp_path), "labgrid", "sync")
    assert done.code == 2 and len(done.err) == 1 and done.err[0].startswith("sailbench: error:")
