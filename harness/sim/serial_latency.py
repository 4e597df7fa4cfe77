"""An emulated USB-serial adapter between the harness and the simulated board's UART.

A real board's UART reaches the host through an FTDI chip (FT2232H on the Versa-ECP5),
which does not pass received bytes on as they come: it buffers them and sends a USB
packet when 62 bytes are waiting (a 64-byte packet less its 2 status bytes) or when its
latency timer expires (16 ms by default on Linux; 1 ms after
`echo 1 > /sys/bus/usb-serial/devices/ttyUSB1/latency_timer`). Every UARTBone round trip
therefore waits up to one latency period for its answer. The simulator's serial2tcp
answers at once, so a simulated board would hide that cost; `SerialLatencyAdapter` puts
it back: a TCP server on loopback that forwards host bytes to the simulator's UART port
at once and holds the simulator's bytes as an FTDI does. lab.yaml: `sim:
{serial_latency_ms: 16}` on a simulated board.

One client session (the harness's UartBone); the adapter ends when either side closes,
when `stop()` is called, and every wait in it is bounded.
"""
from __future__ import annotations

import select
import socket
import threading
import time

from sailbench.harness.errors import SimulatorError

PACKET_BYTES = 62               # FTDI: 64-byte bulk-in packet, 2 modem-status bytes
POLL_S = 0.05                   # stop() is noticed within this


class SerialLatencyAdapter:
    """Forward host <-> `upstream` (host, port); board-to-host bytes delivered per FTDI rules."""

    def __init__(self, upstream: tuple[str, int], latency_ms: float, host: str = "127.0.0.1",
                 connect_timeout_s: float = 5.0):
        if not 0 < latency_ms <= 255:
            raise ValueError(f"serial latency must be 1..255 ms (the FTDI timer's range), got {latency_ms}")
        self.latency_s = latency_ms / 1000
        self.upstream = upstream
        self.connect_timeout_s = connect_timeout_s
        self.packets = 0                    # USB packets delivered to the host
        self._stop = threading.Event()
        self._listener = socket.create_server((host, 0))
        self._listener.settimeout(POLL_S)
        self.url = f"socket://{host}:{self._listener.getsockname()[1]}"
        self._board: socket.socket | None = None
        self._thread = threading.Thread(target=self._run, name="serial-latency", daemon=True)

    def start(self) -> "SerialLatencyAdapter":
        """Connect to the simulator's UART now (in the caller's network namespace), then serve."""
        try:
            self._board = socket.create_connection(self.upstream, timeout=self.connect_timeout_s)
        except OSError as e:
            self._listener.close()
            raise SimulatorError(f"the emulated USB-serial adapter could not reach the simulator's UART at "
                                 f"{self.upstream[0]}:{self.upstream[1]}: {e}") from e
        self._board.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=2)

    def _run(self) -> None:
        try:
            host = None
            while host is None and not self._stop.is_set():
                try:
                    host, _ = self._listener.accept()
                except socket.timeout:
                    continue
            if host is not None:
                with host:
                    host.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                    self._session(host, self._board)
        except OSError:
            pass                            # a side went away: the session is over
        finally:
            self._listener.close()
            if self._board is not None:
                self._board.close()

    def _session(self, host: socket.socket, board: socket.socket) -> None:
        held = bytearray()
        due: float | None = None            # when the latency timer expires for the held bytes
        while not self._stop.is_set():
            wait = POLL_S if due is None else max(0.0, min(POLL_S, due - time.monotonic()))
            ready, _, _ = select.select([host, board], [], [], wait)
            if host in ready:
                data = host.recv(65536)
                if not data:
                    return
                board.sendall(data)         # host -> board: out on the wire at once
            if board in ready:
                data = board.recv(65536)
                if not data:
                    return
                if not held:
                    due = time.monotonic() + self.latency_s
                held += data
            while len(held) >= PACKET_BYTES:
                self._deliver(host, held[:PACKET_BYTES])
                del held[:PACKET_BYTES]
                due = time.monotonic() + self.latency_s if held else None
            if held and due is not None and time.monotonic() >= due:
                self._deliver(host, held)
                held.clear()
                due = None

    def _deliver(self, host: socket.socket, packet: bytes | bytearray) -> None:
        self.packets += 1               # counted first: a reader that has the bytes sees the count
        host.sendall(bytes(packet))


def sim_uart_url(sim, config) -> str:
    """The URL the harness opens for a simulated board's UART: the simulator's own port, or
    an emulated USB-serial adapter in front of it when lab.yaml sets `sim.serial_latency_ms`
    (started inside the simulator's network namespace; it ends when the harness closes it)."""
    latency = config.sim.serial_latency_ms if config.sim else 0.0
    if not latency:
        return sim.uart_url
    upstream = sim.uart_url.removeprefix("socket://").rsplit(":", 1)
    adapter = sim.netns.run_inside(lambda: SerialLatencyAdapter((upstream[0], int(upstream[1])), latency).start())
    return adapter.url
