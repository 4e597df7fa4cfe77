"""Board locks: one run at a time per board, across processes.

A lock is `fcntl.flock` on `<lock dir>/<board>.lock` (lab.yaml `locks.dir`,
default machine-wide under /run/lock). The kernel drops it when the holder
exits, however it exits, so a crashed run never leaves a board locked. While
held, the file says who holds it (pid, host, command, since) as JSON; a run
that finds the board held waits up to `locks.wait_s`, saying so every few
seconds, then fails with `BoardBusyError` naming the holder.
"""
from __future__ import annotations

import fcntl
import json
import os
import re
import socket
import sys
import time
from pathlib import Path
from typing import Any, Callable

from sailbench.harness.config import Lab
from sailbench.harness.errors import BoardBusyError, ConfigError
from sailbench.harness.timestamps import now_iso

POLL_S = 0.1
SAY_EVERY_S = 10.0


def lock_path(directory: Path, board: str) -> Path:
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "-", board)
    return Path(directory) / f"{safe}.lock"


def read_holder(path: Path) -> dict[str, Any]:
    """What the holder wrote into the lock file ({} if nothing readable)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8") or "{}")
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def holder_text(holder: dict[str, Any]) -> str:
    if not holder:
        return "another process (no holder information in the lock file)"
    return (f"pid {holder.get('pid', '?')} on {holder.get('host', '?')} "
            f"({holder.get('command', '?')}) since {holder.get('since', '?')}")


class BoardLock:
    """Hold `board` for the duration of a `with` block."""

    def __init__(self, directory: Path | str, board: str, wait_s: float = 600.0,
                 progress: Callable[[str], None] = print, command: str | None = None):
        self.directory = Path(directory)
        self.board = board
        self.wait_s = wait_s
        self.progress = progress
        self.command = command or " ".join([Path(sys.argv[0]).name, *sys.argv[1:]])[:200]
        self.path = lock_path(self.directory, board)
        self.fd: int | None = None
        self.waited_s = 0.0

    @classmethod
    def for_lab(cls, lab: Lab, board: str, progress: Callable[[str], None] = print,
                wait_s: float | None = None) -> "BoardLock":
        return cls(lab.lock_dir, board, lab.locks.wait_s if wait_s is None else wait_s, progress)

    def _open(self) -> int:
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            try:
                os.chmod(self.directory, 0o1777)   # every user of the bench PC may lock boards
            except OSError:
                pass
            return os.open(self.path, os.O_RDWR | os.O_CREAT, 0o666)
        except OSError as e:
            raise ConfigError(f"cannot create board lock {self.path}: {e.strerror or e}; "
                              "set locks.dir in lab.yaml to a writable directory") from e

    def acquire(self) -> "BoardLock":
        fd = self._open()
        t0 = time.monotonic()
        last_said = None
        try:
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    pass
                waited = time.monotonic() - t0
                holder = read_holder(self.path)
                if waited >= self.wait_s:
                    raise BoardBusyError(
                        f"held by {holder_text(holder)}; waited {waited:.0f} s (locks.wait_s); try again "
                        f"when it finishes, or raise --lock-wait (lock file {self.path})",
                        board=self.board, holder=holder)
                if last_said is None or time.monotonic() - last_said >= SAY_EVERY_S:
                    self.progress(f"board '{self.board}' is held by {holder_text(holder)}; waiting "
                             f"(up to {self.wait_s:.0f} s)")
                    last_said = time.monotonic()
                time.sleep(POLL_S)
        except BaseException:
            os.close(fd)
            raise
        self.waited_s = time.monotonic() - t0
        info = {"board": self.board, "pid": os.getpid(), "host": socket.gethostname(),
                "command": self.command, "since": now_iso()}
        os.ftruncate(fd, 0)
        os.pwrite(fd, (json.dumps(info) + "\n").encode(), 0)
        self.fd = fd
        return self

    def release(self) -> None:
        if self.fd is None:
            return
        try:
            os.ftruncate(self.fd, 0)    # no stale holder info for the next reader
        except OSError:
            pass
        fcntl.flock(self.fd, fcntl.LOCK_UN)
        os.close(self.fd)
        self.fd = None

    @property
    def held(self) -> bool:
        return self.fd is not None

    def __enter__(self) -> "BoardLock":
        return self.acquire()

    def __exit__(self, *exc: Any) -> None:
        self.release()

