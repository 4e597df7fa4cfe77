"""tests/sim_prebuild.py: the suite's run order and which simulations it builds in the background."""
import re
from pathlib import Path
from types import SimpleNamespace

import sim_prebuild


def test_tests_without_a_simulator_run_first_and_bitstreams_last_keeping_each_group_in_order():
    paths = ["tests/board/test_a.py", "tests/bitstream/test_b.py", "tests/unit/x/test_c.py", "tests/pair/test_d.py",
             "tests/gateware/test_e.py", "tests/unit/test_f.py"]
    items = [SimpleNamespace(fspath=f"/repo/{p}") for p in paths]
    sim_prebuild.run_order(items)
    assert [i.fspath.removeprefix("/repo/") for i in items] == [
        "tests/unit/x/test_c.py", "tests/gateware/test_e.py", "tests/unit/test_f.py",
        "tests/board/test_a.py", "tests/pair/test_d.py", "tests/bitstream/test_b.py"]


def test_builds_follow_the_selected_tests_in_the_order_first_needed():
    assert sim_prebuild.needed(["/r/tests/unit/test_x.py", "/r/tests/gateware/test_y.py"]) == []
    assert sim_prebuild.needed(["/r/tests/pair/test_p.py", "/r/tests/board/test_b.py"]) == ["pair", "sim"]
    assert sim_prebuild.needed(["/r/tests/pair/test_pair_rates.py", "/r/tests/pair/test_p.py"]) == [
        "pair", "pair-2.5g", "pair-64b66b"]
    assert sim_prebuild.needed([f"/r/tests/cli/test_{n}.py" for n in ("acceptance_run", "bench_cli", "bench_sgmii",
                                                                     "outcome_scenarios")]) == [
        "sim", "pair", "sim-sgmii", "sim-bare"]
    every = [f"/r/{place}" + ("" if place.endswith(".py") else "test_x.py") for place in sim_prebuild.USED_BY]
    assert set(sim_prebuild.needed(every)) == set(sim_prebuild.BUILDS)

def _item(path: str, *markers: str) -> SimpleNamespace:
    return SimpleNamespace(fspath=f"/r/{path}", iter_markers=lambda: [SimpleNamespace(name=m) for m in markers])


def test_a_hardware_boards_or_pairs_tests_start_no_simulation_build():
    """`pytest --board versa-ecp5` (a hardware board, no cable) must not leave a Verilator build running:
    its board tests run on the hardware board, not on a simulation."""
    items = [_item("tests/board/test_ddr.py", "board"), _item("tests/acceptance/test_board_constants.py", "board",
                                                            "constants"),
             _item("tests/acceptance/test_pair_constants.py", "lab_pair", "constants"), _item("tests/cli/test_x.py")]
    assert sim_prebuild.needed(sim_prebuild.simulated_paths(items[:2], board_simulated=False,
                                                            pair_simulated=True)) == []
    assert sim_prebuild.simulated_paths(items, board_simulated=False, pair_simulated=False) == ["/r/tests/cli/test_x.py"]
    assert sim_prebuild.simulated_paths(items, board_simulated=True, pair_simulated=False) == [
        "/r/tests/board/test_ddr.py", "/r/tests/acceptance/test_board_constants.py", "/r/tests/cli/test_x.py"]
    assert sim_prebuild.needed(sim_prebuild.simulated_paths(items, True, True)) == ["sim"]



# What a test source says when it starts each simulation: the build's own arguments, or the lab.yaml
# options and command lines that make the harness build it.
USES = {
    "sim": r'"--board", "sim"|--board sim|ensure_sim_build\("versa-ecp5", with_dram=True|ensure_sim_build\("versa-ecp5", progress'
           r'|def test_\w+\([^)]*\bboard\b',
    "pair": r'ensure_pair_build\(|open_sim_pair\(|PairRun\(|"--pair"|upstream: sim-pair-up',
    "sim-sgmii": r'host_link[:=] ?"?sgmii',
    "sim-no-dram": r"\{dram: false\}|with_dram=False\)",
    "sim-bare": r"dram: false, ethernet: false|with_dram=False, with_ethernet=False",
    "pair-2.5g": r"LineRate\(2\.5|line_rate_gbps=2\.5",
    "pair-64b66b": r'LineRate\([\d.]+, "64b66b"|coding="64b66b"',
}
TESTS = Path(__file__).resolve().parents[1]
# Collected only with --board/--pair, whose own board or pair the session builds (any board, not a
# fixed simulation).
NOT_PREBUILT = ("tests/acceptance/",)


def _builds_named_in(*files: Path) -> set[str]:
    text = "\n".join(p.read_text() for p in files)
    return {name for name, pattern in USES.items() if re.search(pattern, text)}


def _end_to_end_files() -> dict[str, Path]:
    """tests/<folder>/...py -> path, for the folders whose tests start simulations."""
    files = {}
    for folder in sorted(p for p in TESTS.iterdir() if p.is_dir() and p.name.isidentifier()):
        key = f"tests/{folder.name}/"
        if key not in sim_prebuild.NO_SIMULATOR + sim_prebuild.LAST + NOT_PREBUILT:
            files.update({f"tests/{p.relative_to(TESTS).as_posix()}": p for p in sorted(folder.rglob("*.py"))})
    return files


def test_every_test_file_has_the_simulations_it_starts_prebuilt():
    """A file that starts a simulation USED_BY does not give it would wait for it with a core idle."""
    assert set(USES) == set(sim_prebuild.BUILDS)
    missing = {}
    for rel, path in _end_to_end_files().items():
        prebuilt = {b for place, builds in sim_prebuild.USED_BY.items() if place in rel for b in builds}
        if _builds_named_in(path) - prebuilt:
            missing[rel] = sorted(_builds_named_in(path) - prebuilt)
    assert missing == {}


def test_every_prebuild_is_started_by_the_files_it_is_listed_for():
    """A build USED_BY gives a folder or file that none of its files start costs the suite a build."""
    files = _end_to_end_files()
    stale = {}
    for place, builds in sim_prebuild.USED_BY.items():
        covered = [path for rel, path in files.items() if place in rel]
        if not covered or set(builds) - _builds_named_in(*covered):
            stale[place] = sorted(set(builds) - _builds_named_in(*covered)) if covered else "no such folder or file"
    assert stale == {}


def test_history_and_loader_tests_start_no_simulation():
    """They run first, beside the simulation builds (unit and gateware tests name the same options
    for fakes and migen-level models, so their sources cannot tell)."""
    for folder in ("history", "loader"):
        assert _builds_named_in(*(TESTS / folder).rglob("*.py")) == set(), folder
