"""The lab file and the `sailbench` child process the history tests share: a lab whose history is a
PostgreSQL URL (no password: the server's reaches libpq through PGPASSWORD, tests/history/conftest.py)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def lab_file(tmp_path: Path, url: str) -> Path:
    lab = tmp_path / "lab.yaml"
    lab.write_text(f"boards:\n  sim: {{kind: sim, profile: versa-ecp5}}\nhistory:\n  url: {url}\n"
                   f"results: {{dir: {tmp_path / 'results'}}}\n")
    return lab


def sailbench(lab: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sailbench.harness.cli", "--lab", str(lab), *args], cwd=REPO,
                          capture_output=True, text=True, timeout=120, env=env)
