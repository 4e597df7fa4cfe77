"""Etherbone over a lossy link: lost packets are retried a bounded number of times,
and writes land exactly once (the SoC's write counter proves it)."""
import pytest

pytestmark = pytest.mark.sim_only


@pytest.fixture
def lossy(board):
    from sailbench.harness.record.promises import promised_probes
    if board.sim is None:                 # sim_only: selection leaves it out on hardware; never reached there
        pytest.skip("loss is injected inside the simulated board's network namespace")
    if board.etherbone is None:
        if "hostlink" in promised_probes(board.config):
            pytest.fail(f"board '{board.name}': lab.yaml promises Ethernet, its build has no Etherbone",
                        pytrace=False)
        pytest.skip(f"board '{board.name}' is configured without Ethernet (lab.yaml)")
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
