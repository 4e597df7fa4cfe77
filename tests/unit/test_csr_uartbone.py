"""UartBone against a fake bridge on a loopback TCP port (pyserial socket://)."""
from __future__ import annotations

import socket
import threading
import time

import pytest

from sailbench.harness.transport.uartbone import UartBone, burst_words_for
from sailbench.harness.errors import BoardError, BoardGarbageError, BoardSilentError

try:
    from test_csr_fakeboards import CMD_READ, CMD_WRITE, FakeUartBone
except ImportError:  # tests/unit became a package
    from .test_csr_fakeboards import CMD_READ, CMD_WRITE, FakeUartBone


@pytest.fixture
def fake():
    with FakeUartBone() as f:
        yield f


def test_write_then_read_back(fake):
    with UartBone(fake.url, board="sim") as link:
        link.write(0x1000, [0xDEADBEEF, 0x01234567])
        assert link.read(0x1000, 2) == [0xDEADBEEF, 0x01234567]
        assert link.read(0x1004) == [0x01234567]
    assert fake.memory == {0x1000: 0xDEADBEEF, 0x1004: 0x01234567}


def test_write_is_confirmed_by_a_fence_read(fake):
    with UartBone(fake.url) as link:
        link.write(0x20, [7, 8, 9])
    assert fake.commands == [(CMD_WRITE, 3, 0x20), (CMD_READ, 1, 0x28)]


def test_fence_reads_ack_addr_when_given(fake):
    with UartBone(fake.url, ack_addr=0x4) as link:
        link.write(0x20, [1])
        link.write(0x0, [2], confirm=False)
        link.read(0x0)
    assert fake.commands == [(CMD_WRITE, 1, 0x20), (CMD_READ, 1, 0x4),
                             (CMD_WRITE, 1, 0x0), (CMD_READ, 1, 0x0)]


def test_long_burst_is_split_into_chunks_of_at_most_255(fake):
    fake.memory.update({4 * i: i * 3 for i in range(600)})
    with UartBone(fake.url, baudrate=3_000_000) as link:
        assert link.max_burst == 255
        assert link.read(0, 600) == [i * 3 for i in range(600)]
    assert [(c, n) for c, n, _ in fake.commands] == [(CMD_READ, 255), (CMD_READ, 255),
                                                    (CMD_READ, 90)]
    assert [a for _, _, a in fake.commands] == [0, 1020, 2040]


def test_burst_size_follows_the_bridge_timer():
    assert burst_words_for(115200) == 142   # 574 bytes = 50 ms at 115200 8N1
    assert burst_words_for(1_000_000) == 255
    assert burst_words_for(9600) == 10


def test_long_write_is_fenced_every_kibibyte(fake):
    data = list(range(400))
    with UartBone(fake.url, baudrate=3_000_000) as link:
        link.write(0x100, data)
        assert link.read(0x100, 400) == data
    kinds = [(c, n) for c, n, _ in fake.commands]
    assert kinds == [(CMD_WRITE, 255), (CMD_READ, 1), (CMD_WRITE, 145), (CMD_READ, 1),
                     (CMD_READ, 255), (CMD_READ, 145)]


def test_stale_input_is_flushed_before_a_command(fake):
    fake.memory[0x10] = 0x55
    with UartBone(fake.url) as link:
        assert link.read(0x10) == [0x55]
        fake.inject(b"\x00\x01\x02 leftovers")  # bytes from before this command
        _wait_for(lambda: link._ser.in_waiting > 0)   # they have arrived: the next command must flush them
        assert link.read(0x10) == [0x55]


def _wait_for(condition, bound_s: float = 10.0) -> None:
    """Until `condition()` (a state change we cannot be notified of), bounded; never a fixed sleep."""
    deadline = time.monotonic() + bound_s
    while not condition():
        assert time.monotonic() < deadline, "condition not reached"
        time.sleep(0.005)


def test_silent_port_raises_board_silent_within_the_timeout():
    with FakeUartBone(mode="silent") as fake:
        link = UartBone(fake.url, timeout_s=0.3, board="versa")
        t0 = time.monotonic()
        with pytest.raises(BoardSilentError) as err:
            link.read(0x1000)
        elapsed = time.monotonic() - t0
        link.close()
    # it never hangs: bounded by the link's timeout, generously (a busy 2-core machine stretches it); that
    # one command went out and nothing else is what the fake counts
    assert elapsed < 10 and len(fake.commands) <= 1
    msg = str(err.value)
    assert "board 'versa' on socket://127.0.0.1" in msg
    assert "no answer to a 1-word read at 0x00001000" in msg
    assert "sailbench probe" in msg
    assert err.value.board == "versa" and err.value.port == fake.url


def test_silent_port_also_catches_lost_writes():
    with FakeUartBone(mode="silent") as fake:
        with UartBone(fake.url, timeout_s=0.2) as link:
            with pytest.raises(BoardSilentError):
                link.write(0x0, [1])


def test_console_answering_text_is_garbage():
    with FakeUartBone(mode="console") as fake:
        with UartBone(fake.url, timeout_s=0.3, board="versa") as link:
            with pytest.raises(BoardGarbageError) as err:
                link.read(0x0)
    assert "console" in str(err.value)
    assert "board 'versa'" in str(err.value)


def test_short_answer_names_the_byte_count():
    with FakeUartBone(mode="short") as fake:
        with UartBone(fake.url, timeout_s=0.2) as link:
            t0 = time.monotonic()
            with pytest.raises(BoardSilentError) as err:
                link.read(0x0)
            assert time.monotonic() - t0 < 10          # never hangs (generous: a busy machine stretches time)
    assert "only 2 of 4 bytes" in str(err.value)


def test_link_recovers_after_a_timeout():
    with FakeUartBone(mode="silent") as fake:
        with UartBone(fake.url, timeout_s=0.2) as link:
            with pytest.raises(BoardSilentError):
                link.read(0x0)
            fake.mode = "ok"
            fake.memory[0x8] = 42
            assert link.read(0x8) == [42]


def test_closed_port_is_a_board_error_naming_the_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()  # nothing listens there now
    with pytest.raises(BoardError) as err:
        UartBone(f"socket://127.0.0.1:{port}", board="sim")
    assert f"socket://127.0.0.1:{port}" in str(err.value)
    assert "simulator" in str(err.value)


def test_missing_tty_is_a_board_error_with_hints():
    with pytest.raises(BoardError) as err:
        UartBone("/dev/ttyUSB_sailbench_missing", board="versa")
    msg = str(err.value)
    assert "/dev/ttyUSB_sailbench_missing" in msg and "plugged in" in msg
    assert "another program" in msg


def test_board_closing_the_connection_is_a_board_error():
    srv = socket.create_server(("127.0.0.1", 0))
    port = srv.getsockname()[1]

    def accept_and_close():
        srv.settimeout(2)
        try:
            conn, _ = srv.accept()
            conn.close()
        except OSError:
            pass
    t = threading.Thread(target=accept_and_close, daemon=True)
    t.start()
    link = UartBone(f"socket://127.0.0.1:{port}", timeout_s=0.5)
    t.join(timeout=2)
    try:
        with pytest.raises(BoardError):
            link.read(0)
    finally:
        link.close()
        srv.close()


def test_misaligned_address_is_refused(fake):
    with UartBone(fake.url) as link:
        with pytest.raises(ValueError):
            link.read(0x1002)
        with pytest.raises(ValueError):
            link.write(0x0, [1 << 32])
