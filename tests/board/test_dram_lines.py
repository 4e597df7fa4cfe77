"""DRAM line tests on the board: a clean board passes, and on the simulated board each fault the
DFI fault injector (gateware/cores/dfi_faults.py) puts on a line is named exactly, with its ball
and net from the Versa-ECP5's pin table.

The injector's CSRs (dfi_faults_dq, _address, _bank, _dm) are written by field offset, as
gateware/cores/dfi_faults.py lays them out; every test turns its fault off again. Those tests are
marked sim_only: a real board has no injector (and its faults from power-on). The line tests
run over UART here; one test times them over UART and Etherbone (run with -s to see the figures).
"""
from __future__ import annotations

import time

import pytest

from sailbench.harness.probes.dram_lines import DramWiring, run_line_tests
from sailbench.harness.transport.counting import counter_of

DQ_STUCK_0, DQ_STUCK_1, DQ_SHORT = 1, 2, 3
TIE_0, TIE_1 = 1, 2
VERSA_DQ = "L5 F1 K4 G1 L4 H1 G2 J3 D1 C1 E2 C2 F3 A2 E1 B1".split()
VERSA_A = "P2 C4 E5 F5 B3 F4 B5 E4 C5 E3 D5 B4 C3".split()
VERSA_BA = "P5 N3 M3".split()
VERSA_DM = "J4 H5".split()


@pytest.fixture(scope="module")
def wiring(board):
    if not board.manifest.dram:
        pytest.fail(f"board '{board.name}' build has no DRAM; the line tests need one")
    return DramWiring.from_build(board.build_dir, board.manifest.dram)


@pytest.fixture
def inject(board):
    """inject(csr, mode, bit, other=0): one fault on; all off afterwards."""
    if "dfi_faults_dq" not in board.regmap:    # every simulated DRAM build has one; the tests are sim_only
        pytest.fail(f"board '{board.name}' (simulated) has no DFI fault injector (dfi_faults_* CSRs): "
                    "it went missing from the build", pytrace=False)
    names = ["dfi_faults_dq", "dfi_faults_address", "dfi_faults_bank", "dfi_faults_dm"]

    def set_fault(csr: str, mode: int, bit: int, other: int = 0) -> None:
        board.csr.write(f"dfi_faults_{csr}", mode | bit << 8 | other << 16)
        _until_rows_closed(board)

    yield set_fault
    for n in names:
        board.csr.write(n, 0)
    _until_rows_closed(board)


def _until_rows_closed(board) -> None:
    """Wait (in board cycles) until the controller has refreshed, which closes every row.

    A real board has its faults from power-on; here one appears or goes away while the controller
    may hold rows open that it opened through (or without) the fault. The DRAM then has a
    different row (or none) open in that bank than the controller thinks, and accesses land in
    the wrong row until the next refresh closes all banks: a stale-row artefact of switching a
    fault live, not a line fault. With refresh postponing (up to `refresh_postponing` tREFI
    without a REF), a refresh happens within (postponing + 1) x tREFI cycles; wait twice that.
    """
    dram = board.manifest.dram
    trefi = int((dram.timings or {}).get("tREFI") or 600)
    postponing = int((dram.controller or {}).get("refresh_postponing") or 1)
    wait = 2 * (postponing + 1) * trefi
    board.csr.write("cycles_latch", 1)
    start = board.csr.read("cycles_value")
    deadline = time.monotonic() + 600      # the board's cycle counter decides; this only bounds a stuck one
    while True:
        board.csr.write("cycles_latch", 1)
        if board.csr.read("cycles_value") - start >= wait:
            return
        assert time.monotonic() < deadline, f"board '{board.name}': {wait} cycles did not pass in 600 s"


def faults(board, wiring):
    report = run_line_tests(board.csr, wiring, link="uart")
    return report, [(f.kind, f.lines) for f in report.faults], [f.message for f in report.faults]


def test_the_build_exports_the_versa_pin_table_and_geometry(wiring):
    assert wiring.pins["dq"] == VERSA_DQ and wiring.pins["a"] == VERSA_A and wiring.pins["ba"] == VERSA_BA
    assert (wiring.rowbits, wiring.colbits, wiring.bankbits, wiring.address_align) == (13, 10, 3, 3)
    assert wiring.word_bytes << len(wiring.address_bits()) == wiring.size


def test_a_clean_board_passes_every_line_test(board, wiring):
    report, kinds, _ = faults(board, wiring)
    assert report.passed and kinds == [], report.summary()


def test_the_line_tests_wait_once_per_read_over_uart(board, wiring):
    """Writes go out with the read after them (harness/probes/dram_lines_bus.py): on the
    Versa-ECP5's x16 geometry 70 round trips and 74 write bursts (144 round trips when each
    write was confirmed by a read of its own)."""
    counter = counter_of(board.csr)
    before = counter.step("DRAM line tests")
    report = run_line_tests(board.csr, wiring, link="uart")
    used = counter.step("DRAM line tests") - before
    assert report.passed, report.summary()
    if wiring.data_width == 16 and board.profile.startswith("versa-ecp5"):
        assert (used.round_trips, used.writes) == (70, 74)
    assert used.round_trips < report.accesses


@pytest.mark.sim_only
@pytest.mark.parametrize("j, mode, v", [(11, DQ_STUCK_0, 0), (0, DQ_STUCK_1, 1), (6, DQ_STUCK_0, 0),
                                         (15, DQ_STUCK_1, 1)])
def test_stuck_dq_is_named(board, wiring, inject, j, mode, v):
    inject("dq", mode, j)
    report, kinds, msgs = faults(board, wiring)
    assert kinds == [(f"stuck at {v}", (f"DQ{j}",))], msgs
    assert msgs == [f"DQ{j} (byte lane {j // 8}) stuck at {v} -> ball {VERSA_DQ[j]}, net ddram_dq{j}"]
    assert [t.status for t in report.tests] == ["failed", "not run", "not run", "not run"]


@pytest.mark.sim_only
@pytest.mark.parametrize("a, b", [(2, 9), (12, 13)])
def test_shorted_dq_pair_is_named_as_a_short(board, wiring, inject, a, b):
    inject("dq", DQ_SHORT, a, b)
    _, kinds, msgs = faults(board, wiring)
    assert kinds == [("short", (f"DQ{a}", f"DQ{b}"))], msgs
    assert f"balls {VERSA_DQ[a]} and {VERSA_DQ[b]}" in msgs[0] and "AND" in msgs[0]


@pytest.mark.sim_only
@pytest.mark.parametrize("pin, mode, what", [(5, TIE_0, "column bit 5 and row bit 5"), (12, TIE_1, "row bit 12"),
                                             (8, TIE_1, "column bit 8 and row bit 8"), (1, TIE_0, "row bit 1")])
def test_tied_address_line_is_named(board, wiring, inject, pin, mode, what):
    inject("address", mode, pin)
    _, kinds, msgs = faults(board, wiring)
    assert kinds == [("no effect", (f"A{pin}",))], msgs
    assert msgs == [f"A{pin} has no effect ({what} {'alias' if ' and ' in what else 'aliases'} with address 0): "
                   f"tied, stuck or open -> "
                    f"ball {VERSA_A[pin]}, net ddram_a{pin}"]


@pytest.mark.sim_only
@pytest.mark.parametrize("k, mode", [(0, TIE_1), (1, TIE_0), (2, TIE_1)])
def test_tied_bank_line_is_named_by_the_address_and_bank_tests(board, wiring, inject, k, mode):
    inject("bank", mode, k)
    report, kinds, msgs = faults(board, wiring)
    assert kinds == [("no effect", (f"BA{k}",)), ("no effect", (f"BA{k}",))], msgs
    assert [f.test for f in report.faults] == ["address lines", "banks"]
    assert all(f"ball {VERSA_BA[k]}, net ddram_ba{k}" in m for m in msgs)


@pytest.mark.sim_only
@pytest.mark.parametrize("lane", [0, 1])
def test_a_dm_that_never_masks_is_named(board, wiring, inject, lane):
    inject("dm", 1, lane)
    _, kinds, msgs = faults(board, wiring)
    assert kinds == [("DM never masks", (f"DM{lane}",))], msgs
    assert f"ball {VERSA_DM[lane]}, net ddram_dm{lane}" in msgs[0]


@pytest.mark.sim_only
def test_faults_off_again_pass(board, wiring, inject):
    inject("dq", DQ_STUCK_0, 3)
    assert not run_line_tests(board.csr, wiring).passed
    inject("dq", 0, 0)
    assert run_line_tests(board.csr, wiring).passed


def test_line_tests_time_over_uart_and_etherbone(board, wiring):
    links = board.clients()
    times, accesses = {}, {}
    for name, client in links.items():
        t0 = time.monotonic()
        report = run_line_tests(client, wiring, link=name)
        times[name] = time.monotonic() - t0
        accesses[name] = report.accesses
        assert report.passed, report.summary()
        print(f"\nDRAM line tests over {name}: {report.accesses} word accesses in {times[name]:.2f} s")
    # the cost is counted in word accesses, the same whatever the link; time is only bounded (never hangs)
    assert len(set(accesses.values())) == 1 and accesses["uart"] > 0, accesses
    assert times["uart"] < 600


@pytest.mark.sim_only
def test_the_bringup_stage_stops_on_a_fault_naming_the_line(board, wiring, inject):
    from sailbench.harness.run.bringup import PASSED, StageFailed, _Bringup
    runner = _Bringup(board.config, progress=lambda m: None)
    runner.board = board
    assert runner.dram_lines()[0] == PASSED
    inject("dq", DQ_STUCK_0, 11)
    with pytest.raises(StageFailed) as info:
        runner.dram_lines()
    assert info.value.detail == f"DQ11 (byte lane 1) stuck at 0 -> ball {VERSA_DQ[11]}, net ddram_dq11"
    assert "solder joint" in info.value.next_step
    assert runner.records[-1]["probe"] == "dram_lines" and not runner.records[-1]["passed"]
