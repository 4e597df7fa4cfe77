"""Etherbone over a lossy link: lost packets are retried a bounded number of times,
and writes land exactly once (the SoC's write counter proves it)."""
import pytest

pytestmark = pytest.mark.sim_only


@pytest.fixture
def lossy(board):
    if board.sim is None or board.etherbone is None:
        pytest.skip("loss is injected inside the simulated board's network namespace")
    board.sim.netns.drop_udp(board.manifest.etherbone.port, 25)
    yield board.etherbone
    board.sim.netns.clear_drops()


def test_lossy_link_loses_no_reads_and_no_writes(lossy):
    link = lossy.transport
    link.retries = 12                     # 25 % each way: about 44 % of round trips fail
    saved_timeout, link.timeout_s = link.timeout_s, 0.1   # the simulated board answers in ~2 ms
    retries_before = link.retries_used
    before = lossy.read("etherbone_writes_count")
    for i in range(60):
        lossy.write("ctrl_scratch", 0x5A000000 + i)
        assert lossy.read("ctrl_scratch") == 0x5A000000 + i
    after = lossy.read("etherbone_writes_count")
    assert (after - before) & 0xFFFFFFFF == 60      # exactly once, never twice
    assert link.retries_used - retries_before > 10  # the loss really happened and was absorbed
    link.retries, link.timeout_s = 5, saved_timeout
