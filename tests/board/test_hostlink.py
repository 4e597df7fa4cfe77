"""Host-link probe end to end: UDP both ways through the board's LiteEth stack,
rates from the board's cycle counters, loss counted exactly."""
import pytest

pytestmark = pytest.mark.ethernet

# A probe that reaches less than 95 % of the wire's UDP ceiling at full-size
# payloads would hide a slow board behind a slow probe.
PROBE_MIN_EFFICIENCY = 0.95


@pytest.mark.parametrize("direction", ["board_to_host", "host_to_board"])
def test_full_size_udp_reaches_the_ceiling_without_loss(host_link, direction):
    run = host_link.board_to_host if direction == "board_to_host" else host_link.host_to_board
    r = run(1472, 300)
    assert r.packets_received == r.packets_offered == 300
    assert r.lost == r.gaps == r.late == 0
    assert r.bytes == 300 * 1472
    assert PROBE_MIN_EFFICIENCY <= r.efficiency <= 1.001, (
        f"{r.rate_bytes_per_s / 1e6:.2f} MB/s vs ceiling {r.ceiling_bytes_per_s / 1e6:.2f} MB/s")


def test_small_payloads_are_counted_exactly(host_link):
    r = host_link.board_to_host(64, 200)
    assert r.packets_received == 200 and r.gaps == 0 and 0 < r.efficiency <= 1.001


@pytest.fixture
def netns(board):
    if board.sim is None:
        pytest.skip("loss is injected inside the simulated board's network namespace")
    yield board.sim.netns
    board.sim.netns.clear_drops()


def test_injected_loss_host_to_board_shows_up_exactly_as_gaps(host_link, netns):
    netns.drop_udp_to(host_link.link.sink_port, 10)
    r = host_link.host_to_board(256, 400)
    dropped = netns.dropped_packets()
    assert dropped > 0
    # the last packets may be the dropped ones: a gap is only visible before a later arrival
    assert r.gaps + (r.packets_offered - r.packets_received - r.gaps) == dropped
    assert r.packets_received == r.packets_offered - dropped
    assert r.late == 0


def test_injected_loss_board_to_host_shows_up_exactly_as_gaps(host_link, netns):
    from sailbench.harness.probes.hostlink import HOST_RX_PORT
    netns.drop_udp_to(HOST_RX_PORT, 10)
    r = host_link.board_to_host(256, 400)
    dropped = netns.dropped_packets()
    assert dropped > 0
    assert r.packets_received == r.packets_offered - dropped
    assert r.lost == dropped and r.late == 0
