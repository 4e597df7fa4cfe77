"""Runs written into a history database the way the bench writes them, for the tests that read a
history back (import, the lab's night, propose-constants). Works on either backend: give it a History
opened on a SQLite file or on a PostgreSQL URL."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from sailbench.harness.config import HistoryConfig, Lab, load_lab
from sailbench.harness.record.history import History
from sailbench.harness.record.history_sink import store_finished_run


def sqlite_lab(tmp_path: Path) -> Lab:
    """A lab of one simulated board whose history is the SQLite file in `tmp_path`/res."""
    path = tmp_path / "lab.yaml"
    path.write_text(f"boards:\n  sim: {{kind: sim, profile: versa-ecp5}}\nresults: {{dir: {tmp_path / 'res'}}}\n")
    return load_lab(path)


def ddr_figure(rate: float, rid: str | None = None, board: str = "sim", direction: str = "write",
               simulated: bool | None = None) -> dict[str, Any]:
    """A DDR summary figure of 64 KiB sequential, as the bench records it (`rid`: its id in the results
    file, "r3"; without one the history numbers it)."""
    rec = {"board": board, "probe": "ddr", "direction": direction, "pattern": "sequential", "summary": True,
           "bytes": 65536, "rate_bytes_per_s": rate}
    return rec | ({"id": rid} if rid else {}) | ({"simulated": simulated} if simulated is not None else {})


def bench_pc_history(path: Path, runs: int = 3, records: int = 4) -> None:
    """A bench PC's SQLite history: `runs` runs of `records` figures each on host bench-pc, all but the
    last finished (the last one's writer was killed: it stays incomplete), and one passed health check."""
    with History(path) as h:
        for i in range(runs):
            run = f"2026120{i}-sim-old{i}"
            h.upsert_run(run, "sim", build_hash="aaa", host="bench-pc", started=f"2026-12-0{i}T01", status="running")
            for j in range(records):
                h.add_record(run, "sim", "aaa", ddr_figure(400e6 + j, f"r{j + 1}"))
            if i < runs - 1:
                h.upsert_run(run, "sim", build_hash="aaa", host="bench-pc", started=f"2026-12-0{i}T01",
                             status="passed", finished=f"2026-12-0{i}T02")
        h.add_health("sim", source="nightly", passed=True, message="ok")


def nightly_board_run(history: History, host: str, board: str, night_id: str, ddr_rate: float,
                      status: str = "passed") -> str:
    """One board's finished nightly run under `night_id`, recorded as the nightly records it (DDR write
    and read, host link both ways); its run id."""
    recs = [{"board": board, "probe": "ddr", "direction": d, "pattern": "sequential", "summary": True,
             "bytes": 1 << 20, "rate_bytes_per_s": ddr_rate + i, "id": f"r{i + 1}", "simulated": False}
            for i, d in enumerate(("write", "read"))]
    recs += [{"board": board, "probe": "hostlink", "direction": d, "payload_bytes": 1472, "bytes": 1472,
              "rate_bytes_per_s": 110e6 + i, "id": f"r{i + 3}", "simulated": False}
             for i, d in enumerate(("board_to_host", "host_to_board"))]
    run_id = f"{night_id}-{board}"
    data = {"run_id": run_id, "started": night_id[:8], "finished": night_id[:8] + "Z", "status": status,
            "provenance": {"board": board, "gateware_hash": "feedbeef", "host": host, "profile": "versa-ecp5"},
            "records": recs}
    store_finished_run(history, HistoryConfig(), data, "x.json", kind="nightly", night_id=night_id)
    return run_id
