"""`sailbench ident` (harness/cli/ident.py): opens the board lab.yaml names (default_board without
--board) and prints who answered. Opening a real simulated board: tests/cli/test_sim_command.py."""
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace

from sailbench.harness.board import lifecycle
from unit.fakes.cli_runs import help_text, lab_file, sailbench


def opened(monkeypatch) -> list:
    seen = []

    @contextmanager
    def open_board(config, progress):
        seen.append(config)
        yield SimpleNamespace(name=config.name, identifier="sailbench probe SoC 2026-12-06",
                              build_dir=Path("/b/sim-1234"), port="socket://127.0.0.1:4321")
    monkeypatch.setattr(lifecycle, "open_board", open_board)
    return seen


def test_help_says_what_it_prints(capsys):
    assert "identifier" in help_text(capsys, "ident") and "--board" in help_text(capsys, "ident")


def test_prints_the_identifier_build_and_port_of_the_default_board(tmp_path, capsys, monkeypatch):
    seen = opened(monkeypatch)
    done = sailbench(capsys, lab_file(tmp_path), "ident")
    assert done.code == 0 and [c.name for c in seen] == ["sim"]
    assert done.out == ["sim: sailbench probe SoC 2026-12-06", "  build /b/sim-1234  port socket://127.0.0.1:4321"]


def test_an_unknown_board_is_one_line_before_anything_opens(tmp_path, capsys, monkeypatch):
    seen = opened(monkeypatch)
    done = sailbench(capsys, lab_file(tmp_path), "ident", "--board", "nope")
    assert done.code == 2 and seen == [] and len(done.err) == 1
    assert "nope" in done.err[0] and "sim" in done.err[0] and done.err[0].startswith("sailbench: error:")
