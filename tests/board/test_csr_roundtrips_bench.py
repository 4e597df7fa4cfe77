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
