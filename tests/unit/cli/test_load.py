"""`sailbench load` (harness/cli/load.py): --flash and --allow-timing-fail reach the loader, the loaded
build is then identified over the board's own link. The loader itself: tests/unit/board/test_loader.py;
loading over a real openFPGALoader: tests/bitstream/test_versa_load_xvc.py."""
from contextlib import contextmanager
from types import SimpleNamespace

import pytest

from sailbench.harness.board import board as board_module, loader
from sailbench.harness.board.loader import LoadResult
from sailbench.harness.build import manifest
from unit.fakes.cli_runs import RunnerCall, help_text, lab_file, sailbench


@pytest.fixture
def fakes(tmp_path, monkeypatch):
    result = LoadResult(board="versa", cable="ft2232", mode="sram", bitstream=str(tmp_path / "top.bit"),
                        idcode=0x81112043, seconds=1.5, build_dir=str(tmp_path / "build"))
    load = RunnerCall(result=result)
    seen = SimpleNamespace(connected=[], waited=[])

    @contextmanager
    def connect(config, build_dir, build_manifest):
        seen.connected.append((config.name, build_dir, build_manifest))
        yield SimpleNamespace(identifier="sailbench probe SoC", port="/dev/ttyUSB1")
    monkeypatch.setattr(loader, "load", load)
    monkeypatch.setattr(board_module, "connect_hardware", connect)
    monkeypatch.setattr(board_module, "wait_identifier", lambda b: seen.waited.append(b))
    monkeypatch.setattr(manifest, "read_build_manifest", lambda d: f"manifest of {d.name}")
    seen.load = load
    return seen


def test_help_says_sram_unless_flash(capsys):
    text = help_text(capsys, "load")
    assert "--flash" in text and "SRAM" in text and "--allow-timing-fail" in text


def test_sram_load_then_the_identifier_over_the_boards_link(tmp_path, capsys, fakes):
    done = sailbench(capsys, lab_file(tmp_path), "load", "--board", "versa")
    assert done.code == 0, done.err
    config = fakes.load.args[0]
    assert config.name == "versa" and fakes.load.kwargs["flash"] is False
    assert fakes.load.kwargs["allow_timing_fail"] is None, "not given: lab.yaml's setting decides"
    assert fakes.connected == [("versa", tmp_path / "build", "manifest of build")] and len(fakes.waited) == 1
    assert done.out[0].startswith("top.bit loaded into SRAM over cable 'ft2232'")
    assert done.out[-1] == "board 'versa' runs this build: sailbench probe SoC (on /dev/ttyUSB1)"


def test_flash_and_allow_timing_fail_reach_the_loader(tmp_path, capsys, fakes):
    assert sailbench(capsys, lab_file(tmp_path), "load", "--board", "versa", "--flash",
                     "--allow-timing-fail").code == 0
    assert fakes.load.kwargs["flash"] is True and fakes.load.kwargs["allow_timing_fail"] is True


def test_an_unknown_board_is_one_line_and_nothing_loads(tmp_path, capsys, fakes):
    done = sailbench(capsys, lab_file(tmp_path), "load", "--board", "versa5")
    assert done.code == 2 and len(done.err) == 1 and "versa5" in done.err[0]
    assert fakes.load.calls == []
