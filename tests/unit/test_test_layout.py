"""The tests mirror the code: the test of harness/<layer>/<module>.py is
tests/unit/<layer>/test_<module>.py (or test_<module>_<aspect>.py), a root module's is
tests/unit/test_<module>.py, and the fakes those tests share live in tests/unit/fakes/.

tests/unit and its folders are packages (an `__init__.py` each), so pytest imports
tests/unit/board/test_loader.py as `unit.board.test_loader` and equal basenames in two layers
do not collide; a shared fake is imported as `unit.fakes.<module>`. The other test folders are
not packages, so their basenames must stay unique."""
from collections import Counter
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
UNIT = TESTS / "unit"
HARNESS = TESTS.parent / "harness"

# Harness modules whose test is elsewhere, with where and why.
COVERED_ELSEWHERE = {
    "record/liveness.py": "tests/unit/record/test_results_stale.py (a stale running results file)",
    "cli/ddr_region.py": "tests/unit/run/test_bench_command_messages.py (the --region checks)",
    "judge/lane_options.py": "tests/unit/run/test_sweep_lanes.py",
    "record/history_sqlite.py": "tests/unit/judge/test_verdict_labels.py, tests/unit/record/test_history*.py through open_history",
    "probes/dram_wiring.py": "tests/unit/probes/test_dram_lines.py (the line tests name faults with it)",
    "board/board.py": "tests/unit/board/test_lifecycle.py",
    "board/health.py": "tests/unit/run/test_nightly.py, tests/unit/test_errors_classes.py",
    "board/loader_binary.py": "tests/unit/board/test_loader.py, tests/bitstream/test_versa_load_xvc.py",
    "board/place_lock.py": "tests/labgrid/test_place_lock.py",
    "board/place_resolve.py": "tests/unit/board/test_labgrid_place.py",
    "board/read_leveling.py": "tests/unit/board/test_dram_init_round_trips.py (dram_init re-exports it)",
    "board/sim_pair.py": "tests/pair/test_lane_bringup.py",
    "build/bitstream.py": "tests/unit/board/test_lifecycle.py, tests/unit/fixtures/test_plugin.py, tests/bitstream/test_ecpix5_bitstream.py",
    "build/cache.py": "tests/unit/gateware/test_sim_host_link.py, tests/unit/gateware/test_sim_options.py, tests/cli/test_outcome_scenarios.py",
    "cli/bench.py": "tests/cli/test_bench_cli.py (the command run)",
    "cli/pair.py": "tests/cli/test_acceptance_run.py (the command run)",
    "config/loading.py": "tests/unit/config/test_lab*.py through load_lab, the config's public API",
    "config/records.py": "tests/unit/config/test_lab*.py through load_lab, the config's public API",
    "config/sections.py": "tests/unit/config/test_lab*.py through load_lab, the config's public API",
    "config/validation.py": "tests/unit/config/test_lab*.py through load_lab, the config's public API",
    "judge/ceilings.py": "tests/unit/gateware/test_sim_host_link.py",
    "judge/timing.py": "tests/unit/judge/test_verdict_labels.py, tests/unit/run/test_sweep.py",
    "paths.py": "tests/unit/judge/test_verdict_labels.py",
    "probes/clock.py": "tests/unit/run/test_bringup.py",
    "probes/dram_lines_bus.py": "tests/board/test_dram_lines.py (the line tests' bus, on a board)",
    "probes/hostlink.py": "tests/unit/test_errors_classes.py, tests/board/test_hostlink.py",
    "probes/lanes.py": "tests/unit/test_errors_classes.py, tests/gateware/test_manifest_export.py",
    "record/measured.py": "tests/unit/test_measured_invariants.py",
    "record/promises.py": "tests/board/test_etherbone_loss.py",
    "report/bringup_page.py": "tests/unit/report/test_leveling.py, tests/nightly/test_bringup_page.py",
    "report/junit.py": "tests/unit/report/test_table_sim_labels.py",
    "report/model.py": "tests/unit/judge/test_verdict_labels.py, tests/unit/record/test_outcome_agreement.py, tests/cli/test_outcome_scenarios.py",
    "report/run_files.py": "tests/unit/record/test_outcome_agreement.py",
    "report/svg.py": "tests/unit/report/test_write.py",
    "report/sweep.py": "tests/unit/report/test_write.py",
    "run/acceptance.py": "tests/unit/judge/test_pair.py, tests/acceptance/test_board_constants.py",
    "run/bench_hostlink.py": "tests/unit/judge/test_verdict_labels.py",
    "run/pair/lane_measurement.py": "tests/unit/run/pair/test_runner.py, tests/unit/run/pair/test_runner_hardware_path.py",
    "run/pair/phase.py": "tests/unit/run/pair/test_reservation.py, tests/unit/run/pair/test_runner.py, tests/pair/test_pair_lanes.py",
    "run/pair/placement.py": "tests/unit/run/pair/test_reservation.py",
    "run/pair/pod.py": "tests/unit/test_docs.py",
    "run/pair/pod_client.py": "tests/unit/run/pair/test_runner.py, tests/unit/run/pair/test_runner_hardware_path.py, tests/pair/test_pair_runner.py",
    "run/pair/table.py": "tests/unit/judge/test_verdict_labels.py, tests/unit/run/pair/test_runner_hardware_path.py, tests/pair/test_pair_lanes.py",
    "sim/simulator.py": "tests/labgrid/test_bench_through_place.py",
    "sim/xvc_ecp5.py": "tests/bitstream/test_versa_load_xvc.py",
    "transport/counting.py": "tests/unit/board/test_dram_init_round_trips.py, tests/board/test_dram_lines.py",
    "transport/etherbone_batch.py": "tests/unit/transport/test_batch.py through batch_for",
    "transport/rawlink.py": "tests/board/test_hostlink_packets.py",
    "transport/udp_host.py": "tests/unit/test_errors_classes.py",
}


def _is_package_dir(folder: Path) -> bool:
    return (folder / "__init__.py").exists()


def test_test_module_basenames_outside_packages_are_unique():
    """pytest's default import mode imports a module outside a package by its basename: two equal
    names there stop the whole collection ("import file mismatch")."""
    names = Counter(p.name for p in TESTS.rglob("*.py")
                    if p.name not in ("conftest.py", "__init__.py") and not _is_package_dir(p.parent))
    assert not [n for n, c in names.items() if c > 1]


def test_every_folder_of_tests_unit_is_a_package():
    folders = [d for d in UNIT.rglob("*") if d.is_dir() and d.name != "__pycache__"
               and "data" not in d.relative_to(UNIT).parts]
    assert [str(d.relative_to(TESTS)) for d in folders if not _is_package_dir(d)] == []
    assert _is_package_dir(UNIT)


def _harness_modules() -> list[Path]:
    return sorted(p.relative_to(HARNESS) for p in HARNESS.rglob("*.py")
                  if p.name not in ("__init__.py", "__main__.py") and "__pycache__" not in p.parts)


def _has_mirrored_test(module: Path) -> bool:
    folder = UNIT / module.parent
    return (folder / f"test_{module.stem}.py").exists() or any(folder.glob(f"test_{module.stem}_*.py"))


def test_every_harness_module_has_a_test_at_its_mirrored_path():
    missing = [str(m) for m in _harness_modules()
               if not _has_mirrored_test(m) and str(m) not in COVERED_ELSEWHERE]
    assert missing == [], (
        f"no tests/unit/<layer>/test_<module>.py for harness/{missing}: add one, or name where it "
        "is tested in COVERED_ELSEWHERE")


def test_the_allow_list_names_modules_that_exist_and_lack_a_mirrored_test():
    for name in COVERED_ELSEWHERE:
        assert (HARNESS / name).exists(), name
        assert not _has_mirrored_test(Path(name)), f"{name} has its mirrored test now: drop it from the list"


def test_unit_test_folders_mirror_a_layer():
    layers = {p.name for p in HARNESS.iterdir() if _is_package_dir(p)} | {"fakes", "gateware", "fixtures"}
    assert sorted(d.name for d in UNIT.iterdir() if _is_package_dir(d)) == sorted(
        d for d in layers if (UNIT / d).is_dir())
    for d in UNIT.iterdir():
        if d.is_dir() and _is_package_dir(d):
            assert d.name in layers, f"tests/unit/{d.name}/ mirrors no harness layer"


def test_helpers_that_are_not_tests_live_in_fakes():
    helpers = [p for p in UNIT.rglob("*.py")
               if not p.name.startswith("test_") and p.name not in ("conftest.py", "__init__.py")
               and p.parent != UNIT / "fakes"]
    assert [str(p.relative_to(TESTS)) for p in helpers] == []


# Gateware cores tested in a module named otherwise, with where.
CORES_TESTED_ELSEWHERE = {
    "window_timer": "tests/gateware/test_dfi_accounting.py (the DRAM bench's measurement window, dram_bench.py)",
}


def test_every_gateware_core_has_a_simulation_test():
    """gateware/cores/<core>.py (or the package <core>/) is simulated in tests/gateware/test_<core>.py."""
    cores = TESTS.parent / "gateware" / "cores"
    names = sorted({p.stem for p in cores.glob("*.py") if p.name != "__init__.py"}
                   | {d.name for d in cores.iterdir() if _is_package_dir(d)})
    missing = [n for n in names if not (TESTS / "gateware" / f"test_{n}.py").exists()
               and n not in CORES_TESTED_ELSEWHERE]
    assert missing == []
