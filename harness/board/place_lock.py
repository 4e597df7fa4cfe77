"""Place locks: a board (or a pair) held across hosts through a labgrid place.

Same interface as `BoardLock` (acquire/release/held, `with`, `waited_s`, a
`BoardBusyError` naming the holder after `wait_s`), for boards that lab.yaml
puts in a labgrid place (`labgrid: {place: NAME}`) and for pair places:

1. the local flock first (the board's own lock file, so local runs that lock
   the board by name still exclude each other; `place-<name>` for a pair place);
2. then `AcquirePlace` on the coordinator, retried with a growing, jittered
   back-off up to `wait_s`; the holder (host, pid, command, since) goes into
   the place comment, so a busy place names its holder;
3. a place held under our own identity (LG_HOSTNAME/LG_USERNAME) while we hold
   its local flock is a stale hold from a crashed run on this host (labgrid has
   no lease): it is adopted, and said so;
4. after acquiring, the place must have its serial ports (one
   `NetworkSerialPort` per board): a place whose exporter is offline is an
   infrastructure failure (`LabgridError`), never an empty board;
5. `check_held()` re-checks between steps; a coordinator restart drops every
   hold, which raises `PlaceLostError` (the results already written stay).

`lock_for_board` is the one factory the runners use: a `PlaceLock` for a board
in a place, else the local `BoardLock`.
"""
from __future__ import annotations

import json
import os
import random
import socket
import sys
import time
from pathlib import Path
from typing import Any, Callable

from sailbench.harness.board.labgrid_place import Coordinator, coordinator, identity
from sailbench.harness.board.locks import BoardLock, WaitNotice, checkout_scope, holder_text
from sailbench.harness.config import Lab
from sailbench.harness.errors import BoardBusyError, LabgridError, PlaceLostError
from sailbench.harness.timestamps import now_iso

BACKOFF_START_S = 0.05
BACKOFF_MAX_S = 1.0
SERIAL_CLASS = "NetworkSerialPort"


def read_comment(place: Any) -> dict[str, Any]:
    """The holder a sailbench run wrote into a place's comment ({} if none or not ours)."""
    try:
        data = json.loads(place.comment or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def place_holder(c: Coordinator, place: Any) -> dict[str, Any]:
    """Who holds `place` (or the resources it needs): the comment of the place that holds them,
    else labgrid's own `host/user` of the acquisition."""
    if place.acquired:
        return read_comment(place) or {"host": place.acquired, "command": "labgrid (no sailbench holder comment)"}
    for r in c.matched(place):
        if r.acquired_by and r.acquired_by != place.name:
            other = c.places().get(r.acquired_by)
            if other is not None and other.acquired:
                holder = place_holder(c, other)
                return holder | {"via": f"place '{other.name}'"}
    return {}


def live_local_holder(holder: dict[str, Any]) -> bool:
    """True if the holder a comment names is a live process on this host (a run using another lock
    directory, say): its hold is not stale, whatever our identities."""
    pid = holder.get("pid")
    if holder.get("host") != socket.gethostname() or not isinstance(pid, int) or pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def place_holder_text(holder: dict[str, Any]) -> str:
    text = holder_text(holder) if holder else "another labgrid client (no holder information)"
    return f"{text} (through {holder['via']})" if holder.get("via") else text


class PlaceLock:
    """Hold labgrid place `place` (covering `boards` boards) for the duration of a `with` block."""

    def __init__(self, address: str, place: str, lock_dir: Path | str, *, flock_name: str | None = None,
                 boards: int = 1, wait_s: float = 600.0, progress: Callable[[str], None] = print,
                 command: str | None = None, label: str | None = None):
        self.address = address
        self.place = place
        self.board = label or place             # the lab board (or pair) it holds, as BoardLock says it
        self.boards = boards
        self.wait_s = wait_s
        self.progress = progress
        self.command = command or " ".join([Path(sys.argv[0]).name, *sys.argv[1:]])[:200]
        self.flock = BoardLock(lock_dir, flock_name or f"place-{place}", wait_s=wait_s, progress=progress,
                               command=self.command)
        self.info: dict[str, Any] = {}
        self.adopted_from: dict[str, Any] | None = None
        self.waited_s = 0.0
        self._held = False

    @property
    def coordinator(self) -> Coordinator:
        return coordinator(self.address)

    # --- acquire ---------------------------------------------------------------------------

    def acquire(self) -> "PlaceLock":
        from labgrid.remote.generated import labgrid_coordinator_pb2 as pb
        t0 = time.monotonic()
        self.flock.acquire()
        try:
            c = self.coordinator
            me = identity()
            backoff = BACKOFF_START_S
            notice = WaitNotice(f"place '{self.place}'", self.wait_s, self.progress)
            while True:
                place = c.place(self.place)
                if place.acquired == me and not live_local_holder(read_comment(place)):
                    self.adopted_from = read_comment(place)
                    self.progress(f"place '{self.place}': adopting a stale hold by {me} from a run that ended without "
                             f"releasing it ({place_holder_text(self.adopted_from)}); no local run holds its lock")
                    break
                if not place.acquired:
                    try:
                        c.call("AcquirePlace", pb.AcquirePlaceRequest(placename=self.place))
                        break
                    except LabgridError as e:
                        if getattr(e, "grpc_details", None) is None:
                            raise
                        place = c.place(self.place)          # taken meanwhile, or its resources are
                waited = time.monotonic() - t0
                holder = place_holder(c, place)
                if waited >= self.wait_s:
                    raise BoardBusyError(
                        f"labgrid place '{self.place}' is held by {place_holder_text(holder)}; waited {waited:.0f} s "
                        f"(locks.wait_s); try again when it finishes, or raise --lock-wait "
                        f"(coordinator {self.address})", board=self.board, holder=holder)
                notice.tick(place_holder_text(holder), waited)
                time.sleep(min(backoff * (0.5 + random.random()), max(0.0, self.wait_s - waited) + 0.01))
                backoff = min(backoff * 2, BACKOFF_MAX_S)
            self._held = True
            self.info = {"place": self.place, "pid": os.getpid(), "host": socket.gethostname(),
                         "command": self.command, "since": now_iso(), "identity": me}
            c.call("SetPlaceComment", pb.SetPlaceCommentRequest(placename=self.place, comment=json.dumps(self.info)))
            self.check_resources()
        except BaseException:
            self.release()
            raise
        self.waited_s = time.monotonic() - t0
        return self

    def check_resources(self) -> list:
        """The place's serial ports, one per board, exported and available; LabgridError otherwise."""
        c = self.coordinator
        place = c.place(self.place)
        serial = [r for r in c.acquired_resources(place) if r.cls == SERIAL_CLASS and r.avail]
        if len(serial) < self.boards:
            matches = ", ".join(str(m) for m in place.matches) or "no matches"
            raise LabgridError(
                f"place '{self.place}' has {len(serial)} of {self.boards} serial port(s) ({SERIAL_CLASS}) online "
                f"(matches: {matches}); its exporter is offline or not configured: start labgrid-exporter on the "
                "board's host (docs/labgrid.md); this is the lab's failure, not the board's")
        return serial

    # --- while held ------------------------------------------------------------------------

    def check_held(self) -> None:
        """Still ours on the coordinator? PlaceLostError if not (a coordinator restart drops every hold)."""
        if not self._held:
            raise PlaceLostError(f"place '{self.place}' is not held by this run")
        try:
            place = self.coordinator.place(self.place)
        except LabgridError as e:
            raise PlaceLostError(f"place '{self.place}': cannot confirm the hold: {e}") from e
        if place.acquired != identity() or read_comment(place).get("pid") != self.info.get("pid"):
            now = (f"now held by {place_holder_text(place_holder(self.coordinator, place))}" if place.acquired
                   else "now held by nobody")
            raise PlaceLostError(f"lost the hold on place '{self.place}' ({now}; a coordinator restart drops "
                                 "every hold); stopped here, what was measured so far is kept")

    # --- release ---------------------------------------------------------------------------

    def release(self) -> None:
        if self._held:
            self._held = False
            try:
                from labgrid.remote.generated import labgrid_coordinator_pb2 as pb
                c = self.coordinator
                place = c.place(self.place)
                if place.acquired == identity() and read_comment(place).get("pid") == self.info.get("pid"):
                    c.call("SetPlaceComment", pb.SetPlaceCommentRequest(placename=self.place, comment=""))
                    c.call("ReleasePlace", pb.ReleasePlaceRequest(placename=self.place))
            except LabgridError as e:
                self.progress(f"place '{self.place}': could not release it on the coordinator ({e}); the next run "
                         "on this host adopts it")
        self.flock.release()

    @property
    def held(self) -> bool:
        return self._held and self.flock.held

    def __enter__(self) -> "PlaceLock":
        return self.acquire()

    def __exit__(self, *exc: Any) -> None:
        self.release()


def lock_for_board(lab: Lab, name: str, progress: Callable[[str], None] = print, wait_s: float | None = None,
                   command: str | None = None) -> BoardLock | PlaceLock:
    """The lock for board `name`: its labgrid place if lab.yaml gives it one, else the local board lock.
    Not acquired yet (use it in a `with`)."""
    config = lab.board(name)
    wait = lab.locks.wait_s if wait_s is None else wait_s
    if config.labgrid is None:
        return BoardLock(lab.lock_dir, name, wait, progress, command, scope=checkout_scope(config.kind.simulated))
    return PlaceLock(lab.coordinator, config.labgrid.place, lab.lock_dir, flock_name=name, boards=1,
                     wait_s=wait, progress=progress, command=command, label=name)


def lock_for_pair_place(lab: Lab, pair: str, progress: Callable[[str], None] = print, wait_s: float | None = None,
                        command: str | None = None) -> PlaceLock:
    """The lock for a hardware pair's place (both boards, all or nothing on the coordinator)."""
    config = lab.pair(pair)
    if config.place is None:
        raise ValueError(f"pair '{pair}' has no labgrid place")
    wait = lab.locks.wait_s if wait_s is None else wait_s
    return PlaceLock(lab.coordinator, config.place, lab.lock_dir, boards=2, wait_s=wait, progress=progress,
                     command=command, label=f"pair {pair}")


class HoldCheck:
    """A results sink that re-checks a place hold after each record (between steps): a lost hold stops
    the run with PlaceLostError, after the record that was just written. No-op for a local BoardLock."""

    def __init__(self, lock: BoardLock | PlaceLock, every_s: float = 1.0):
        self.lock = lock
        self.every_s = every_s
        self._last = 0.0

    def record_added(self, results: Any, record: dict) -> None:
        if isinstance(self.lock, PlaceLock) and time.monotonic() - self._last >= self.every_s:
            self.lock.check_held()
            self._last = time.monotonic()

    def run_updated(self, results: Any) -> None:
        pass
