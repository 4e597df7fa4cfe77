"""Board locks: one run at a time per board, across processes.

A lock is `fcntl.flock` on `<lock dir>/<board>.lock` (lab.yaml `locks.dir`,
default machine-wide under /run/lock). The kernel drops it when the holder
exits, however it exits, so a crashed run never leaves a board locked. While
held, the file says who holds it (pid, host, command, since) as JSON; a run
that finds the board held waits up to `locks.wait_s`, saying who holds it once
(again if the holder changes) and then how long it has left once a minute, then
fails with `BoardBusyError` naming the holder.

A hardware board is one physical board: its lock is machine-wide. A simulated
board is a simulator of the checkout that starts it, so its lock is scoped to
that checkout (`<board>@<checkout hash>.lock`, `scope=checkout_scope(kind)`):
two checkouts' runs on board 'sim' never wait for each other, while two runs
of one checkout (which share its build and results directories) take turns.
"""
from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import socket
import sys
import time
from pathlib import Path
from typing import Any, Callable

from sailbench.harness.errors import BoardBusyError, ConfigError
from sailbench.harness.paths import REPO_ROOT
from sailbench.harness.timestamps import now_iso

POLL_S = 0.1
COUNTDOWN_EVERY_S = 60.0


def checkout_scope(simulated: bool, checkout: Path = REPO_ROOT) -> Path | None:
    """The scope of a board's lock: this checkout for a simulated board, None (machine-wide) for hardware."""
    return Path(checkout).resolve() if simulated else None


def lock_path(directory: Path, board: str, scope: Path | None = None) -> Path:
    """`<dir>/<board>.lock`, or `<dir>/<board>@<hash of scope>.lock` for a lock scoped to a checkout."""
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "-", board)
    if scope is not None:
        safe += "@" + hashlib.sha256(str(scope).encode()).hexdigest()[:12]
    return Path(directory) / f"{safe}.lock"


class WaitNotice:
    """What a run waiting for a lock says: who holds it, once (again when the holder changes), then a line
    a minute with the time left. `tick` is called on every poll with the seconds waited so far."""

    def __init__(self, what: str, wait_s: float, progress: Callable[[str], None],
                 every_s: float = COUNTDOWN_EVERY_S):
        self.what, self.wait_s, self.progress, self.every_s = what, wait_s, progress, every_s
        self.holder: str | None = None
        self.next_countdown = every_s

    def tick(self, holder: str, waited_s: float) -> None:
        if holder != self.holder:
            self.holder = holder
            self.progress(f"{self.what} is held by {holder}; waiting (up to {self.wait_s:.0f} s)")
            self.next_countdown = waited_s + self.every_s
        elif waited_s >= self.next_countdown:
            left = max(0.0, self.wait_s - waited_s)
            self.progress(f"still waiting for {self.what}: {waited_s:.0f} s waited, {left:.0f} s left")
            self.next_countdown = waited_s + self.every_s


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
    """Hold `board` for the duration of a `with` block; `scope` (checkout_scope) limits the lock to a
    checkout (a simulated board), None makes it machine-wide."""

    def __init__(self, directory: Path | str, board: str, wait_s: float = 600.0,
                 progress: Callable[[str], None] = print, command: str | None = None, *,
                 scope: Path | None = None):
        self.directory = Path(directory)
        self.board = board
        self.wait_s = wait_s
        self.progress = progress
        self.command = command or " ".join([Path(sys.argv[0]).name, *sys.argv[1:]])[:200]
        self.scope = scope
        self.path = lock_path(self.directory, board, scope)
        self.fd: int | None = None
        self.waited_s = 0.0

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
        notice = WaitNotice(f"board '{self.board}'", self.wait_s, self.progress)
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
                known = holder_text(holder) if holder or notice.holder is None else notice.holder
                notice.tick(known, waited)          # an empty file between two holders is not a new holder
                time.sleep(POLL_S)
        except BaseException:
            os.close(fd)
            raise
        self.waited_s = time.monotonic() - t0
        info = {"board": self.board, "pid": os.getpid(), "host": socket.gethostname(),
                "command": self.command, "since": now_iso()}
        if self.scope is not None:
            info["checkout"] = str(self.scope)
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

