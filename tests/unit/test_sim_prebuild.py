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


def test_builds_follow_the_selected_folders_in_the_order_first_needed():
    assert sim_prebuild.needed(["/r/tests/unit/test_x.py", "/r/tests/gateware/test_y.py"]) == []
    assert sim_prebuild.needed(["/r/tests/pair/test_p.py", "/r/tests/board/test_b.py"]) == [
        "pair", "pair-2.5g", "pair-64b66b", "sim"]
    assert set(sim_prebuild.needed([f"/r/{f}test_x.py" for f in sim_prebuild.USED_BY])) == set(sim_prebuild.BUILDS)


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


def _builds_named_in(folder: Path) -> set[str]:
    text = "\n".join(p.read_text() for p in sorted(folder.rglob("*.py")))
    return {name for name, pattern in USES.items() if re.search(pattern, text)}


def test_every_folder_prebuilds_the_simulations_its_tests_start():
    """A folder that starts a simulation USED_BY does not list would wait for it with a core idle;
    one listed but no longer started costs the suite a build."""
    assert set(USES) == set(sim_prebuild.BUILDS)
    found = {}
    for folder in sorted(p for p in TESTS.iterdir() if p.is_dir() and p.name.isidentifier()):
        key = f"tests/{folder.name}/"
        if key in sim_prebuild.NO_SIMULATOR or key in sim_prebuild.LAST or key in NOT_PREBUILT:
            continue
        found[key] = _builds_named_in(folder)
    assert found == {folder: set(builds) for folder, builds in sim_prebuild.USED_BY.items()}


def test_history_and_loader_tests_start_no_simulation():
    """They run first, beside the simulation builds (unit and gateware tests name the same options
    for fakes and migen-level models, so their sources cannot tell)."""
    for folder in ("history", "loader"):
        assert _builds_named_in(TESTS / folder) == set(), folder
