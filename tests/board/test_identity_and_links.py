"""End to end on the board chosen with --board (the simulated board by default):
identity, register round trips over every link, errors that name the board."""
import socket
import threading
import time
from dataclasses import replace

import pytest

from sailbench.harness.transport.client import CsrClient
from sailbench.harness.transport.uartbone import UartBone
from sailbench.harness.errors import BoardSilentError, IdentifierMismatchError


def test_identifier_matches_the_build(board):
    ident = board.csr.read_identifier()
    assert ident == board.manifest.identifier
    assert f"hash={board.build_hash}" in ident
    assert f"profile={board.profile}" in ident


@pytest.mark.parametrize("link", ["uart", "etherbone"])
def test_scratch_round_trip(board, link):
    from sailbench.harness.record.promises import promised_probes
    clients = board.clients()
    if link not in clients:
        if link == "uart" or "hostlink" in promised_probes(board.config):   # lab.yaml promises it: a lost link
            pytest.fail(f"board '{board.name}': lab.yaml promises a {link} link, its build has none", pytrace=False)
        pytest.skip(f"board '{board.name}' is configured without Ethernet (lab.yaml), so no {link} link")
    c = clients[link]
    for value in (0x00000000, 0xFFFFFFFF, 0xA5A55A5A, 0x12345678):
        c.write("ctrl_scratch", value)
        assert c.read("ctrl_scratch") == value


def test_burst_read_matches_single_reads(board):
    base = board.regmap.base("identifier_mem")
    burst = board.csr.read_words(base, 64)
    singles = [board.csr.read_words(base + 4 * i, 1)[0] for i in range(0, 64, 9)]
    assert singles == burst[::9]


def test_cycle_counter_runs(board):
    board.csr.write("cycles_latch", 1)
    a = board.csr.read("cycles_value")
    board.csr.write("cycles_latch", 1)
    b = board.csr.read("cycles_value")
    assert b > a


def test_identifier_mismatch_is_a_clear_error(board):
    other = replace(board, manifest=replace(board.manifest, identifier=board.manifest.identifier.replace(
        board.build_hash, "000000000000")), sim=None)
    with pytest.raises(IdentifierMismatchError, match=r"runs another build.*sailbench load"):
        other.check_identifier()


def test_silent_port_gives_project_error_within_timeout(board):
    """A port that accepts and never answers: BoardSilentError naming board and port, in bounded time."""
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)
    port = srv.getsockname()[1]
    held = []
    t = threading.Thread(target=lambda: held.append(srv.accept()), daemon=True)
    t.start()
    url = f"socket://127.0.0.1:{port}"
    timeout = 0.5
    client = CsrClient(UartBone(url, timeout_s=timeout, board="silent-board"), board.regmap, "silent-board")
    t0 = time.monotonic()
    with pytest.raises(BoardSilentError) as e:
        client.read_identifier()
    elapsed = time.monotonic() - t0
    client.close()
    srv.close()
    # bounded, never a hang; generous (a loaded 2-core machine stretches time): the timeout itself is
    # tested against the fake in tests/unit/transport/test_uartbone.py
    assert elapsed < 30 * timeout
    assert "silent-board" in str(e.value) and url in str(e.value)
