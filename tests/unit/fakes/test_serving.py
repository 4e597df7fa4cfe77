"""The fake boards' shared lifecycle (tests/unit/fakes/serving.py): close() ends the loop and frees the
port whether or not a host came, and each host connection starts with an empty buffer."""
import socket

from unit.fakes.serving import LoopbackTcpFake


class Echo(LoopbackTcpFake):
    """Answers each complete line with its length and keeps a partial line for the next chunk."""

    def _received(self, conn, buf, data):
        buf += data
        while b"\n" in buf:
            line, _, rest = bytes(buf).partition(b"\n")
            buf[:] = rest
            conn.sendall(b"%d\n" % len(line))


def ask(port: int, *chunks: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=2) as s:
        for c in chunks:
            s.sendall(c)
        return s.recv(64)


def test_close_without_a_host_ends_the_thread_and_frees_the_port():
    fake = Echo()
    port = fake.port
    assert fake.url == f"socket://127.0.0.1:{port}"
    fake.close()
    assert not fake._thread.is_alive()
    with socket.socket() as s:
        assert s.connect_ex(("127.0.0.1", port)) != 0, "nobody listens once closed"


def test_a_buffer_per_connection():
    with Echo() as fake:
        assert ask(fake.port, b"ab", b"cd\n") == b"4\n", "a line split over two chunks"
        assert ask(fake.port, b"xyz\n") == b"3\n", "the next host starts afresh"
    assert not fake._thread.is_alive()
