"""The lifecycle every fake board shares: a server loop on a daemon thread, started when the fake is made,
stopped and joined by close() (or the end of a `with` block), its sockets closed last.

A loop step is bounded by its socket's timeout (POLL_S), so close() returns within that plus the join's
limit even when no host ever connects. `FakeServer` serves anything (`_serve_once`); `LoopbackTcpFake`
is a TCP server on 127.0.0.1 that pyserial opens as `socket://127.0.0.1:PORT` (a UART bridge), handing
each chunk a connected host sends to `_received` with that connection's buffer."""
from __future__ import annotations

import socket
import threading

POLL_S = 0.05          # each loop step waits at most this long for the host
JOIN_S = 2.0           # close() waits at most this long for the loop to end


class FakeServer:
    """Subclasses set up their sockets, then call `_start()`; they implement `_serve_once` (one bounded
    step) and `_close_sockets`."""

    def _start(self) -> None:
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True, name=type(self).__name__)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            self._serve_once()

    def _serve_once(self) -> None:
        raise NotImplementedError

    def _close_sockets(self) -> None:
        raise NotImplementedError

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=JOIN_S)
        self._close_sockets()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class LoopbackTcpFake(FakeServer):
    """One host connection at a time on 127.0.0.1:`port` (`url` for pyserial); `_conn` is the host's
    socket while it is connected."""

    RECV_BYTES = 65536

    def __init__(self) -> None:
        self._conn: socket.socket | None = None
        self._srv = socket.create_server(("127.0.0.1", 0))
        self._srv.settimeout(POLL_S)
        self.port = self._srv.getsockname()[1]
        self.url = f"socket://127.0.0.1:{self.port}"
        self._start()

    def _serve_once(self) -> None:
        try:
            conn, _ = self._srv.accept()
        except (socket.timeout, OSError):
            return
        with conn:
            conn.settimeout(POLL_S)
            self._conn = conn
            self._session(conn)
            self._conn = None

    def _session(self, conn: socket.socket) -> None:
        buf = bytearray()
        while not self._stop.is_set():
            try:
                data = conn.recv(self.RECV_BYTES)
            except socket.timeout:
                continue
            except OSError:
                return
            if not data:
                return
            self._received(conn, buf, data)

    def _received(self, conn: socket.socket, buf: bytearray, data: bytes) -> None:
        """Handle `data` the host sent; `buf` is this connection's, kept between chunks."""
        raise NotImplementedError

    def _close_sockets(self) -> None:
        self._srv.close()
