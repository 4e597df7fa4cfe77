"""Is the process that wrote a results file still running?

A results file records who writes it (`process`: pid, host, the kernel's boot id and the process's
start time in clock ticks since boot, from /proc). A reader on the same host can then tell a run that
is still going from one whose process is gone (SIGKILL, OOM killer, power loss) and left the file
saying "running": the pid is not alive, or it is alive but started at another time (a reused pid), or
the machine rebooted since (another boot id). On another host, or without /proc, it cannot tell.
"""
from __future__ import annotations

import os
import socket
from pathlib import Path
from typing import Any

PROC = Path("/proc")


def _boot_id() -> str | None:
    try:
        return (PROC / "sys/kernel/random/boot_id").read_text().strip() or None
    except OSError:
        return None


def start_ticks(pid: int) -> int | None:
    """The process's start time (clock ticks since boot, /proc/PID/stat field 22); None if it is gone
    (or a zombie: dead, not yet reaped by its parent)."""
    try:
        stat = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    try:                        # the command name (field 2) is in parentheses and may hold spaces
        fields = stat.rsplit(")", 1)[1].split()
        return None if fields[0] in ("Z", "X") else int(fields[19])
    except (IndexError, ValueError):
        return None


def this_process() -> dict[str, Any]:
    """What a results file records about the process writing it."""
    pid = os.getpid()
    return {"pid": pid, "host": socket.gethostname(), "boot_id": _boot_id(), "start_ticks": start_ticks(pid)}


def process_gone(process: Any) -> bool | None:
    """True if the recorded process is certainly not running, False if it is, None if this host cannot
    tell (another host, no pid recorded, no /proc)."""
    if not isinstance(process, dict) or not isinstance(process.get("pid"), int):
        return None
    if process.get("host") != socket.gethostname() or not PROC.is_dir():
        return None
    recorded_boot, boot = process.get("boot_id"), _boot_id()
    if recorded_boot and boot and recorded_boot != boot:
        return True                                           # the machine rebooted since
    ticks = start_ticks(process["pid"])
    if ticks is None:
        return True
    recorded = process.get("start_ticks")
    return isinstance(recorded, int) and recorded != ticks    # alive, unless the pid was reused


def gone_text(process: dict[str, Any]) -> str:
    return (f"process gone: pid {process.get('pid')} on {process.get('host')} is no longer running; it was "
            "killed (SIGKILL, out of memory, power loss) before it could record how the run ended")
