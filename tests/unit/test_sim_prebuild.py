"""tests/sim_prebuild.py: the suite's run order and which simulations it builds in the background."""
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
    assert sim_prebuild.needed(sim_prebuild.simulated_paths(items, True, True)) == ["sim", "pair", "sim-sgmii",
                                                                                     "sim-bare"]
