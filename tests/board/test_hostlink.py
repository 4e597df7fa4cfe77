"""Host-link probe end to end: UDP both ways through the board's LiteEth stack,
rates from the board's cycle counters, loss counted exactly."""
import pytest

pytestmark = pytest.mark.ethernet

# The ceiling (judge/ceilings.py) already charges every byte the wire carries per datagram: headers,
# padding to the minimum frame, preamble, FCS and gap where the wire has them. What is left is the probe's
# own per-packet cost, a few cycles between frames: a probe that reaches less than 95 % of the ceiling at
# any payload size would hide a slow board behind a slow probe (a requirement, the same on hardware and
# in simulation). Above the ceiling (beyond the counters' +-1 cycle) the clock or the byte count is wrong.
PROBE_MIN_EFFICIENCY = 0.95
CEILING_MARGIN = 1.001


@pytest.mark.parametrize("direction", ["board_to_host", "host_to_board"])
def test_full_size_udp_reaches_the_ceiling_without_loss(board, host_link, direction):
    run = host_link.board_to_host if direction == "board_to_host" else host_link.host_to_board
    r = run(1472, 300)
    assert r.packets_received == r.packets_offered == 300
    assert r.lost == r.gaps == r.late == 0
    assert r.bytes == 300 * 1472
    low = PROBE_MIN_EFFICIENCY
    assert low <= r.efficiency <= CEILING_MARGIN, (
        f"{r.rate_bytes_per_s / 1e6:.2f} MB/s vs ceiling {r.ceiling_bytes_per_s / 1e6:.2f} MB/s")


def test_small_payloads_are_counted_exactly(board, host_link):
    r = host_link.board_to_host(64, 200)
    assert r.packets_received == 200 and r.gaps == 0 and r.bytes == 200 * 64
    # 64 B payloads pad to the minimum frame: the ceiling is far below full size, and the probe reaches it
    assert r.ceiling_bytes_per_s < 0.6 * host_link.board_to_host(1472, 50).ceiling_bytes_per_s
    assert PROBE_MIN_EFFICIENCY <= r.efficiency <= CEILING_MARGIN, f"{r.rate_bytes_per_s / 1e6:.2f} of {r.ceiling_bytes_per_s / 1e6:.2f} MB/s"


@pytest.fixture
def netns(board):
    if board.sim is None:
        pytest.skip("loss is injected inside the simulated board's network namespace")
    yield board.sim.netns
    board.sim.netns.clear_drops()


@pytest.mark.sim_only
def test_injected_loss_host_to_board_shows_up_exactly_as_gaps(host_link, netns):
    # only packets 0..389 may be dropped: 390..399 all arrive, so every drop is followed by a later
    # arrival and must show up as a sequence gap (a dropped tail would be invisible as a gap)
    netns.drop_udp_to(host_link.link.sink_port, 10, sequence_below=390)
    r = host_link.host_to_board(256, 400)
    dropped = netns.dropped_packets()
    assert dropped > 0
    assert r.gaps == dropped, f"{dropped} packets dropped but the board's sink counted {r.gaps} gaps"
    assert r.packets_received == r.packets_offered - dropped and r.lost == dropped
    assert r.late == 0


@pytest.mark.sim_only
def test_injected_loss_board_to_host_shows_up_exactly_as_gaps(host_link, netns):
    from sailbench.harness.probes.hostlink import HOST_RX_PORT
    netns.drop_udp_to(HOST_RX_PORT, 10, sequence_below=390)      # the last 10 always arrive (see above)
    r = host_link.board_to_host(256, 400)
    dropped = netns.dropped_packets()
    assert dropped > 0
    assert r.gaps == dropped, f"{dropped} packets dropped but the host counted {r.gaps} gaps"
    assert r.packets_received == r.packets_offered - dropped
    assert r.lost == dropped and r.late == 0
