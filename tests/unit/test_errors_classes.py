"""Errors in the right class: bad options are configuration errors (the nightly counts them as
infrastructure, not as measurement failures), no builtin TimeoutError escapes the host UDP
sender, and lab.yaml `etherbone.interface` binds the host's sockets to that interface."""
import socket

import pytest

from sailbench.harness.board.health import INFRASTRUCTURE, classify
from sailbench.harness.errors import BoardError, ConfigError
from sailbench.harness.probes.ddr import DdrProbe
from sailbench.harness.probes.hostlink import HostLinkProbe
from sailbench.harness.probes.lanes import Lanes
from sailbench.harness.transport.etherbone import EtherboneLink, bind_to_interface
from sailbench.harness.transport.udp_host import send_sequence


def bare(cls, **attrs):
    """An instance without its board: only the option checks are exercised."""
    obj = object.__new__(cls)
    obj.__dict__.update(attrs)
    return obj


@pytest.mark.parametrize("call", [
    lambda: bare(DdrProbe, word_bytes=16, size=1 << 20).check_region(0, 100),
    lambda: bare(DdrProbe, word_bytes=16, size=1 << 20).check_region(0, 48),
    lambda: bare(DdrProbe, word_bytes=16, size=1 << 20).check_region(16, 1 << 10),
    lambda: bare(DdrProbe, word_bytes=16, size=1 << 20).check_region(0, 1 << 21),
    lambda: bare(DdrProbe, word_bytes=16, size=1 << 20)._setup("write", 0, 1 << 10, "zigzag"),
    lambda: bare(HostLinkProbe)._check_payload(1500),
    lambda: bare(Lanes, lanes=[0], board="a").prbs("prbs99"),
    lambda: bare(Lanes, lanes=[0], board="a").fault(0, no_such_knob=1),
    lambda: bare(Lanes, lanes=[0], board="a").payload_start(3, 7),
])
def test_bad_probe_options_are_configuration_errors(call):
    with pytest.raises(ConfigError) as info:
        call()
    assert classify(info.value) == INFRASTRUCTURE


class _FullQueue:
    def sendto(self, data, dest):
        raise BlockingIOError(11, "Resource temporarily unavailable")


def test_a_send_that_never_goes_out_is_a_board_error_naming_the_port():
    with pytest.raises(BoardError) as info:
        send_sequence(_FullQueue(), ("10.0.0.9", 5678), 64, 3, deadline_s=0.05, board="hw")
    assert not isinstance(info.value, TimeoutError)
    assert str(info.value).startswith("board 'hw' on udp://10.0.0.9:5678: could not send UDP packet 0 of 3")


def _free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_etherbone_interface_binds_the_socket_to_it():
    link = EtherboneLink("127.0.0.1", _free_udp_port(), board="hw", interface="lo")
    try:
        bound = link._sock.getsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, 16)
        assert bound.rstrip(b"\0") == b"lo"
    finally:
        link.close()


def test_an_unknown_etherbone_interface_is_named():
    port = _free_udp_port()
    with pytest.raises(BoardError) as info:
        EtherboneLink("127.0.0.1", port, board="hw", interface="nosuchif9")
    message = str(info.value)
    assert message.startswith(f"board 'hw' on udp://127.0.0.1:{port}: ")
    assert "network interface 'nosuchif9' (lab.yaml etherbone.interface)" in message


def test_bind_to_interface_on_a_plain_socket():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        bind_to_interface(s, "lo")
        with pytest.raises(BoardError, match="nosuchif9"):
            bind_to_interface(s, "nosuchif9")


def test_host_link_sockets_on_hardware_use_the_interface():
    from types import SimpleNamespace
    board = SimpleNamespace(is_sim=False, config=SimpleNamespace(etherbone=SimpleNamespace(interface="lo")))
    sock = bare(HostLinkProbe, board=board)._socket()
    try:
        assert sock.getsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, 16).rstrip(b"\0") == b"lo"
    finally:
        sock.close()
