"""The labgrid coordinator, as sailbench uses it: one client session per coordinator address.

labgrid (>= 26) keeps places (named sets of resource matches) on a coordinator
that every host of a lab talks to over gRPC; exporters on the hosts with the
boards publish their resources (`NetworkSerialPort`, `NetworkUSBDebugger`, ...).
This module wraps `labgrid.remote.client.start_session` and calls the
coordinator's stub directly (`ClientSession.acquire()` reads argparse
arguments). labgrid allows one client session per address per process, so
sessions are shared and re-opened when the coordinator went away (a restart
drops every acquisition; the place lock notices, see place_lock.py).

Identity on the coordinator is `LG_HOSTNAME/LG_USERNAME` (default: this
host's name and the user). There is no authentication: a trusted lab
network only (docs/labgrid.md).
"""
from __future__ import annotations

import asyncio
import getpass
import logging
import os
import socket
import threading
from dataclasses import dataclass
from typing import Any

from sailbench.harness.errors import LabgridError

log = logging.getLogger("sailbench.board")

CALL_TIMEOUT_S = 10.0


def identity() -> str:
    """Who we are on the coordinator: LG_HOSTNAME/LG_USERNAME, as labgrid's own client says it."""
    return f"{os.environ.get('LG_HOSTNAME', socket.gethostname())}/{os.environ.get('LG_USERNAME', getpass.getuser())}"


@dataclass(frozen=True)
class Resource:
    """One resource a place matches: where it is exported, its class and parameters."""
    exporter: str
    group: str
    cls: str
    name: str
    params: dict[str, Any]
    avail: bool
    acquired_by: str | None       # the place that holds it, if any

    @property
    def host(self) -> str | None:
        return self.params.get("host")


class Coordinator:
    """A client session on one coordinator; every call synchronises with it first and has a timeout."""

    def __init__(self, address: str):
        self.address = address
        self._session: Any = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._lock = threading.RLock()

    # --- session -----------------------------------------------------------------------

    def _open(self) -> Any:
        """labgrid's start_session, with a timeout on connecting (start_session has none)."""
        from labgrid.remote.client import ClientSession
        from labgrid.util.proxy import proxymanager
        if self._loop is None or self._loop.is_closed():
            self._loop = asyncio.new_event_loop()
        asyncio.set_event_loop(self._loop)     # grpc.aio binds the channel to the thread's current loop
        session = None
        try:
            session = ClientSession(proxymanager.get_grpc_address(self.address, default_port=20408), self._loop)
            self._loop.run_until_complete(asyncio.wait_for(session.start(), CALL_TIMEOUT_S))
            return session
        except Exception as e:   # labgrid's ServerError, gRPC errors, refused connections, the timeout
            if session is not None:
                try:
                    self._loop.run_until_complete(asyncio.wait_for(session.close(), 2.0))
                except Exception:   # noqa: BLE001
                    pass
            why = f"no answer within {CALL_TIMEOUT_S:.0f} s" if isinstance(e, asyncio.TimeoutError) else str(e)
            raise LabgridError(f"cannot reach the labgrid coordinator at {self.address} ({why}); check that "
                               "labgrid-coordinator runs there (docs/labgrid.md) and lab.yaml labgrid.coordinator"
                               ) from None

    def _alive(self) -> Any:
        s = self._session
        if s is not None and not s.stopping.is_set():
            return s
        if s is not None:
            self._drop()
            log.info("labgrid coordinator %s: session lost, reconnecting", self.address)
        self._session = self._open()
        return self._session

    def _drop(self) -> None:
        s, self._session = self._session, None
        if s is None:
            return
        asyncio.set_event_loop(s.loop)
        try:
            s.loop.run_until_complete(asyncio.wait_for(s.stop(), 2.0))
            s.loop.run_until_complete(asyncio.wait_for(s.close(), 2.0))
        except Exception:   # noqa: BLE001 - a dead session has nothing left to say
            pass

    def _run(self, s: Any, coro: Any, what: str) -> Any:
        asyncio.set_event_loop(s.loop)     # any thread may call (the pair runner has its own); calls are serialised
        try:
            return s.loop.run_until_complete(asyncio.wait_for(coro, CALL_TIMEOUT_S))
        except asyncio.TimeoutError:
            self._drop()
            raise LabgridError(f"labgrid coordinator at {self.address} did not answer within "
                               f"{CALL_TIMEOUT_S:.0f} s ({what})") from None

    def sync(self) -> Any:
        """A live session whose view of places and resources is current."""
        with self._lock:
            s = self._alive()
            ok = self._run(s, s.sync_with_coordinator(), "sync")
            if not ok:
                s = self._alive()   # went away since the last call: reconnect once
                if not self._run(s, s.sync_with_coordinator(), "sync"):
                    raise LabgridError(f"labgrid coordinator at {self.address} went away")
            return s

    def call(self, method: str, request: Any) -> None:
        """One coordinator RPC (AcquirePlace, SetPlaceComment, ...); gRPC errors become LabgridError
        with the coordinator's reason in `grpc_details`."""
        import grpc
        with self._lock:
            s = self.sync()
            try:
                self._run(s, getattr(s.stub, method)(request), method)
            except grpc.aio.AioRpcError as e:
                error = LabgridError(f"labgrid coordinator at {self.address}: {method}: {e.details()}")
                error.grpc_code = e.code()
                error.grpc_details = e.details()
                raise error from None
            self._run(s, s.sync_with_coordinator(), method)

    def close(self) -> None:
        with self._lock:
            self._drop()

    # --- views ---------------------------------------------------------------------------

    def place(self, name: str) -> Any:
        """labgrid's Place (acquired, comment, matches, acquired_resources, tags); LabgridError if unknown."""
        places = self.sync().places
        if name not in places:
            raise LabgridError(f"place '{name}' does not exist on the labgrid coordinator at {self.address}; "
                               "create it with `sailbench labgrid sync`")
        return places[name]

    def places(self) -> dict[str, Any]:
        return dict(self.sync().places)

    def resources(self) -> list[Resource]:
        """Every resource the coordinator knows, online or not."""
        out = []
        for exporter, groups in self.sync().resources.items():
            for group, entries in groups.items():
                for name, entry in entries.items():
                    if "cls" not in entry.data:       # deleted by its exporter
                        continue
                    out.append(Resource(exporter, group, entry.cls, name, dict(entry.params), bool(entry.avail),
                                        entry.acquired or None))
        return out

    def matched(self, place: Any) -> list[Resource]:
        """The resources the place's matches cover, as the coordinator knows them now."""
        return [r for r in self.resources() if place.hasmatch((r.exporter, r.group, r.cls, r.name))]

    def acquired_resources(self, place: Any) -> list[Resource]:
        """The resources the coordinator gave the place when it was acquired and that are still exported."""
        known = {(r.exporter, r.group, r.cls, r.name): r for r in self.resources()}
        return [known[tuple(p)] for p in place.acquired_resources if tuple(p) in known]


_coordinators: dict[str, Coordinator] = {}
_registry_lock = threading.Lock()


def coordinator(address: str) -> Coordinator:
    """The process's one session wrapper for `address` (labgrid allows one session per address)."""
    with _registry_lock:
        c = _coordinators.get(address)
        if c is None:
            c = _coordinators[address] = Coordinator(address)
        return c
