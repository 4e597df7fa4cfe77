"""SerDes bring-up per lane on the simulated pair: a cut lane and a lane with bit errors each show
as that one lane, named with its channel; the others pass with their PRBS bound."""
from __future__ import annotations

import pytest

from sailbench.harness.board.sim_pair import open_sim_pair
from sailbench.harness.probes.lane_check import check_lanes, lane_place
from sailbench.harness.probes.lanes import Lanes


@pytest.fixture(scope="module")
def pair():
    p = open_sim_pair("lane-bringup", "versa-ecp5", 4, progress=lambda m: print(m, flush=True))
    yield p
    p.close()


def test_clean_lanes_pass_with_their_bound(pair):
    up, down = Lanes.of(pair.boards["upstream"]), Lanes.of(pair.boards["downstream"])
    sys_hz = pair.boards["downstream"].manifest.sys_clk_hz
    checks = check_lanes(up, down, "versa-ecp5", seconds=0.3, direction="upstream->downstream", sys_clk_hz=sys_hz)
    assert [c.lane for c in checks] == [0, 1, 2, 3]
    assert all(c.passed for c in checks), [c.text() for c in checks]
    assert all("< " in c.text() and "95 %" in c.text() for c in checks)
    # each recovered word clock counted against sys over the PRBS window (lane group latches)
    for c in checks:
        assert c.rx_word_clk_hz == pytest.approx(62.5e6, rel=1e-4) and not c.clock_off, c.text()
        assert f"RX word clock {c.rx_word_clk_hz / 1e6:.4f} MHz" in c.text()   # 62.4998 is +-2 counts
    assert checks[1].place == "DCU0 CH1, SMA: TX sma_tx, RX sma_rx"    # the profile file names the channel


def test_a_cut_lane_and_an_erroring_lane_show_as_those_lanes(pair):
    up, down = Lanes.of(pair.boards["upstream"]), Lanes.of(pair.boards["downstream"])
    down.fault(1, cut=1)
    try:
        # lane 1 has lost its link: wait until it is down before checking
        import time
        deadline = time.monotonic() + 60        # 16 quiet words on the board; generous for a loaded machine
        while down.states()[1]["aligned"] and time.monotonic() < deadline:
            time.sleep(0.05)                    # polling the board's own lane state (no event to wait on)
        assert not down.states()[1]["aligned"], "lane 1 still aligned 60 s after its cut"
        checks = check_lanes(up, down, "versa-ecp5", seconds=0.3, settle_s=0.5,
                             during=lambda: down.inject_errors(2, 0b1011, 5000))
    finally:
        down.fault(1, cut=0)
    by_lane = {c.lane: c for c in checks}
    print("\n" + "\n".join(c.text() for c in checks))
    assert [c.lane for c in checks if not c.passed] == [1, 2], [c.text() for c in checks]
    assert not by_lane[1].aligned and "this lane's cable or connector" in by_lane[1].text()
    if not by_lane[1].locked:              # its own TX clock still runs (clock meter): the cable, not the refclk
        assert by_lane[1].tx_clock_cycles > 0
    assert by_lane[1].text().startswith(f"lane 1 ({lane_place('versa-ecp5', 1)})")
    assert by_lane[2].aligned and by_lane[2].ber.errors == 3 and "marginal lane" in by_lane[2].text()
    assert by_lane[0].passed and by_lane[3].passed


def test_bringups_lane_stage_on_a_board_cabled_into_the_pair_checks_both_ways(pair):
    """Bring-up's SerDes stage of the upstream board, its partner the downstream board: each direction
    checked by its receiver; a lane cut into the partner fails the stage naming that lane and direction."""
    from contextlib import nullcontext
    from sailbench.harness.config import BoardConfig, PairConfig
    from sailbench.harness.errors import StageFailed
    from sailbench.harness.run.bringup import PASSED, _Bringup
    from sailbench.harness.run.bringup_pair import PairLink
    up, down = pair.boards["upstream"], pair.boards["downstream"]
    link = PairLink(PairConfig("lane-bringup", "sim", "versa-ecp5", up.name, down.name, (0, 1, 2, 3)), up.name,
                    "upstream")
    runner = _Bringup(BoardConfig(name=up.name, kind="sim", profile="versa-ecp5"), lambda m: print(m, flush=True),
                      strategy=object(), pair=link, open_partner=lambda _link: nullcontext(down))
    runner.board = up
    status, detail = runner.serdes()
    print(detail)
    assert status == PASSED and detail.count("locked, aligned, PRBS31") == 8
    assert detail.startswith(f"{up.name} -> {down.name}: lane 0") and f"\n      {down.name} -> {up.name}: lane 0" in detail
    record = runner.records[-1]
    assert record["partner"] == down.name and list(record["directions"]) == [f"{up.name} -> {down.name}",
                                                                             f"{down.name} -> {up.name}"]
    Lanes.of(down).fault(3, cut=1)                     # the cable into the partner's lane 3
    try:
        with pytest.raises(StageFailed) as e:
            runner.serdes()
    finally:
        Lanes.of(down).fault(3, cut=0)
    print(e.value.detail)
    failed = e.value.next_step.split(" failed, the others pass")[0]   # the far end may lose lane 3 too
    assert failed.startswith(f"lane 3 {up.name} -> {down.name}") and not any(f"lane {i} " in failed for i in range(3))
    assert f"between '{up.name}' and '{down.name}'" in e.value.next_step
