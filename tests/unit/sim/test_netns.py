"""Network namespaces (harness/sim/netns.py), for real: what is opened inside stays inside, a
namespace is removed with its owner, and one left by a killed run is cleaned up. Needs root, as the
simulated board does."""
import os
import socket
import subprocess

import pytest

from sailbench.harness.errors import SimulatorError
from sailbench.harness.sim.netns import NETNS_DIR, PREFIX, NetNamespace, remove_stale_namespaces

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="network namespaces need root")


def _listener() -> socket.socket:
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    s.listen(1)
    return s


def test_a_socket_opened_inside_is_reachable_only_inside():
    with NetNamespace() as ns:
        server = ns.run_inside(_listener)
        port = server.getsockname()[1]
        try:
            inside = ns.run_inside(lambda: socket.create_connection(("127.0.0.1", port), timeout=2))
            inside.close()
            with pytest.raises(OSError):
                socket.create_connection(("127.0.0.1", port), timeout=2).close()
        finally:
            server.close()
        assert os.path.exists(os.path.join(NETNS_DIR, ns.name))
    assert not os.path.exists(os.path.join(NETNS_DIR, ns.name)) and not ns.created


def test_an_error_inside_is_raised_in_the_callers_thread():
    def fail():
        raise ValueError("inside")
    with NetNamespace() as ns, pytest.raises(ValueError, match="inside"):
        ns.run_inside(fail)


def test_entering_a_namespace_that_is_gone_is_a_simulator_error():
    ns = NetNamespace().create()
    ns.remove()
    with pytest.raises((SimulatorError, FileNotFoundError)):
        ns.run_inside(lambda: None)


def test_a_namespace_left_by_a_killed_run_is_removed():
    dead = subprocess.Popen(["true"])
    dead.wait()
    stale = NetNamespace(f"{PREFIX}{dead.pid}-test").create()
    mine = NetNamespace().create()
    try:
        removed = remove_stale_namespaces()
        assert stale.name in removed and mine.name not in removed
        assert not os.path.exists(os.path.join(NETNS_DIR, stale.name))
    finally:
        mine.remove()
        stale.remove()
