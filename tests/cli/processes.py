"""The processes a `sailbench` child process started, read from /proc: for the CLI tests that interrupt
a run or kill its simulator and then check nothing outlived it. Imported as `processes` (tests/cli is not
a package: pytest puts this folder on sys.path for its test modules)."""
from __future__ import annotations

from pathlib import Path


def descendants(root: int) -> list[int]:
    """Every process below `root` (children first, then theirs)."""
    kids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            if ppid == root:
                kids.append(int(entry.name))
    return kids + [d for k in kids for d in descendants(k)]


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_text(errors="replace")
    except OSError:
        return ""


def simulators_under(root: int) -> list[int]:
    """The Verilator simulators (Vsim) below `root`."""
    return [pid for pid in descendants(root) if "Vsim" in cmdline(pid)]


def gone_or_zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True
