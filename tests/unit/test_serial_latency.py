"""The emulated USB-serial adapter (harness/sim/serial_latency.py): host bytes pass at once,
board bytes go out in FTDI packets of 62 bytes or when the latency timer expires, and the
harness's UartBone works through it. Real loopback sockets; no timing is asserted."""
from __future__ import annotations

import socket

import pytest

from sailbench.harness.errors import ConfigError
from sailbench.harness.sim.serial_latency import PACKET_BYTES, SerialLatencyAdapter
from sailbench.harness.transport.uartbone import UartBone

try:
    from test_csr_fakeboards import FakeUartBone
except ImportError:  # tests/unit became a package
    from .test_csr_fakeboards import FakeUartBone


def _recv_exactly(sock: socket.socket, n: int) -> bytes:
    sock.settimeout(5)
    out = b""
    while len(out) < n:
        part = sock.recv(n - len(out))
        assert part, "the adapter closed the connection"
        out += part
    return out


def test_board_bytes_are_delivered_in_62_byte_packets_and_the_rest_on_the_timer():
    board_side = socket.create_server(("127.0.0.1", 0))
    adapter = SerialLatencyAdapter(board_side.getsockname(), latency_ms=50).start()
    board, _ = board_side.accept()
    host = socket.create_connection(adapter.url.removeprefix("socket://").split(":"), timeout=5)
    try:
        host.sendall(b"to the board")
        assert _recv_exactly(board, 12) == b"to the board"
        data = bytes(range(150))
        board.sendall(data)
        assert _recv_exactly(host, 150) == data
        assert adapter.packets == 3 == -(-150 // PACKET_BYTES)         # 62 + 62 + 26 (the timer)
    finally:
        host.close()
        board.close()
        adapter.stop()
        board_side.close()


def test_uartbone_through_the_adapter_counts_the_same_round_trips():
    with FakeUartBone() as fake:
        adapter = SerialLatencyAdapter(("127.0.0.1", fake.port), latency_ms=2).start()
        link = UartBone(adapter.url)
        try:
            link.write(0x100, [1, 2, 3])
            assert link.read(0x100, 3) == [1, 2, 3]
        finally:
            link.close()
            adapter.stop()
    assert link.counter.total.round_trips == 2
    assert adapter.packets == 2                  # one answer each, both under 62 bytes: the timer sent them


def test_a_latency_outside_the_ftdi_timer_range_is_refused():
    with pytest.raises(ValueError, match="1..255 ms"):
        SerialLatencyAdapter(("127.0.0.1", 1), latency_ms=300)


def test_lab_yaml_takes_serial_latency_ms_on_a_simulated_board(tmp_path):
    from sailbench.harness.config import load_lab
    path = tmp_path / "lab.yaml"
    path.write_text("boards:\n  sim:\n    kind: sim\n    sim: {serial_latency_ms: 16}\n")
    assert load_lab(path).board("sim").sim.serial_latency_ms == 16
    path.write_text("boards:\n  sim:\n    kind: sim\n    sim: {serial_latency_ms: 1000}\n")
    with pytest.raises(ConfigError, match="serial_latency_ms"):
        load_lab(path)
