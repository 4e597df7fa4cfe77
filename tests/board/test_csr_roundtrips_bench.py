"""benchmarks/csr_roundtrips.py in its short mode on the session's board: the table it prints
(the benchmark once failed on the typed build manifest before printing anything), and one
round trip counted per register read on each link."""
from __future__ import annotations

import importlib.util
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "csr_roundtrips.py"


def _bench():
    spec = importlib.util.spec_from_file_location("csr_roundtrips_bench", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_short_benchmark_prints_a_row_per_link_with_one_round_trip_per_read(board):
    lines = _bench().report(board, 20, litex=False)
    rows = lines[2:]
    assert [r.split()[0] for r in rows] == ["UART"] + (["Etherbone"] if board.etherbone is not None else [])
    for row in rows:
        # 20 timed reads + 1 warm-up read, one round trip each
        assert row.split()[3] == "21" and "skipped" in row, row


def test_the_board_bridge_has_the_receive_fifo_and_the_uart_link_uses_it(board):
    assert board.manifest.uart.rx_fifo_bytes == board.csr.transport.rx_fifo_bytes == 1024


def test_a_bit_banged_mdio_read_is_one_round_trip_and_runs_in_order(board):
    """MdioBus's whole read frame (~920 bytes: 143 clock/data writes, 16 bit reads each between
    two clock writes, the end check) on the board's UARTBone. The simulated board has no MDIO
    pins (its Ethernet is a TAP), so the frame goes to ctrl_scratch: each bit read must return
    the 0 written just before it (a read run after the clock write behind it would see 1)."""
    from sailbench.harness.probes.phy_mdio import MdioBus
    from sailbench.harness.transport.counting import counted_step

    link = board.csr.transport
    before = link.counter.step("MDIO frame").round_trips
    with counted_step("MDIO frame"):
        word = MdioBus(board.csr, w_csr="ctrl_scratch", r_csr="ctrl_scratch").read(1, 2)
    trips = link.counter.step("MDIO frame").round_trips - before
    print(f"\nMDIO register read frame on board '{board.name}': {trips} round trip(s) (17 without the FIFO)")
    assert word == 0
    assert trips == 1 <= 3


def test_reads_between_writes_see_each_write_before_them_in_fifo_sized_windows(board):
    """60 x (two writes, one read), 1,200 bytes sent without waiting for any answer: two windows
    of at most the FIFO's 1,024 bytes, every read answered with the write just before it."""
    from sailbench.harness.transport.batch import CsrBatch

    link = board.csr.transport
    before = link.counter.total.round_trips
    b = CsrBatch(board.csr)
    got = []
    for i in range(60):
        b.write_repeated("ctrl_scratch", [3 * i + 1, 3 * i + 2])
        got.append(b.read("ctrl_scratch"))
    b.run()
    assert [p.value for p in got] == [3 * i + 2 for i in range(60)]
    assert link.counter.total.round_trips - before == 2
