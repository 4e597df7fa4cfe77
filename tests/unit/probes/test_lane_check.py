"""SerDes bring-up per lane, without a board: what each lane's outcome says and where the lane is."""
from sailbench.harness.judge.pair import BitErrorRatio
from sailbench.harness.probes.lane_check import LaneCheck, lane_place


def ber(errors, bits=10_000_000):
    return BitErrorRatio(0, "loopback", "prbs31", errors, bits, 1000, 62.5e6)


def test_lanes_are_named_by_dcu_channel_and_the_profile_files_connector():
    """Without a manifest (the simulated pair's virtual lanes) the profile file names the channel: a new
    board's file is enough, no table in Python."""
    assert lane_place("versa-ecp5", 0) == "DCU0 CH0, PCIe x1 edge: TX pcie_x1:tx, RX pcie_x1:rx"
    assert lane_place("versa-ecp5", 1) == "DCU0 CH1, SMA: TX sma_tx, RX sma_rx"
    assert lane_place("versa-ecp5", 3) == "DCU1 CH1, not wired to a connector in the profile"   # use: free
    assert lane_place("rev-z", 3) == "DCU1 CH1, no such profile"


def test_a_bitstreams_lane_is_named_by_its_manifest_channel():
    """The Versa build puts lane 0 on the SMA pair (DCU0 CH1), not on the PCIe edge that the
    simulated pair's numbering would give lane 0: the manifest's channel wins."""
    from sailbench.gateware.build.manifest import LaneChannel
    sma = LaneChannel(lane=0, serdes="DCU0 CH1", dual=0, channel=1, tx_pads="sma_tx", rx_pads="sma_rx",
                      tx_clock_domain="lane0_tx", rx_clock_domain="lane0_rx", word_clk_hz=62.5e6,
                      bytes_per_word=2, refclk_hz=156.25e6, pll={}, pins={"tx": "W8/W9", "rx": "Y7/Y8"})
    assert lane_place("versa-ecp5", 0, [sma]) == "DCU0 CH1, sma_tx: TX W8/W9, sma_rx: RX Y7/Y8"
    assert lane_place("versa-ecp5", 1, [sma]) == "DCU0 CH1, SMA: TX sma_tx, RX sma_rx"   # not in this build


def test_each_outcome_says_what_to_check():
    place = lane_place("versa-ecp5", 1)
    cut = LaneCheck(1, place, "Down", "serdes", False, False)
    assert "NOT LOCKED" in cut.text() and "cable or connector" in cut.text()
    cut = LaneCheck(1, place, "Training", "sync", True, False)
    assert not cut.passed and "this lane's cable or connector" in cut.text()
    good = LaneCheck(1, place, "Up", "up", True, True, ber(0))
    assert good.passed
    assert good.text() == f"lane 1 ({place}): locked, aligned, PRBS31 < 3.0e-07 (95 %, 0 errors in 1e+07 bits)"
    bad = LaneCheck(1, place, "Up", "up", True, True, ber(4))
    assert not bad.passed and "marginal lane" in bad.text() and "4 errors" in bad.text()
    assert not LaneCheck(1, place, "Up", "up", True, True, ber(0, bits=0)).passed
    assert not LaneCheck(1, place, "Up", "up", True, True, ber(0), lock_losses=2).passed


def test_a_recovered_word_clock_off_nominal_fails_the_lane_naming_the_reference_clock():
    place = lane_place("versa-ecp5", 1)
    ok = LaneCheck(1, place, "Up", "up", True, True, ber(0), rx_word_clk_hz=62.501e6, nominal_word_clk_hz=62.5e6)
    assert ok.passed and ok.text().endswith("RX word clock 62.5010 MHz")
    # a 125 MHz reference clock where the PLL expects 156.25 MHz: everything 20 % slow
    off = LaneCheck(1, place, "Up", "up", True, True, ber(0), rx_word_clk_hz=50.0e6, nominal_word_clk_hz=62.5e6)
    assert not off.passed and off.clock_off
    assert "RX word clock is 50.0000 MHz, nominal 62.5000 MHz (-20.000%" in off.text()
    assert "reference clock" in off.text()
    assert off.to_dict()["rx_word_clk_hz"] == 50.0e6


def test_an_unlocked_lane_whose_own_tx_clock_is_dead_blames_the_reference_clock_not_the_cable():
    place = lane_place("versa-ecp5", 1)
    dead = LaneCheck(1, place, "Down", "serdes", False, False, tx_clock_cycles=0)
    assert not dead.passed and "reference clock" in dead.text() and "not the cable" in dead.text()
    running = LaneCheck(1, place, "Down", "serdes", False, False, tx_clock_cycles=3413)
    assert "this lane's cable or connector" in running.text()
    assert LaneCheck(1, place, "Down", "serdes", False, False).text() == running.text()   # no meter: as before


class _MeterCsr:
    """The clock meter's CSRs as the gateware behaves (one function's unit test)."""
    def __init__(self, counts):
        self.regmap = {"lane0_clock_start", "lane0_clock_window", "lane0_clock_done", "lane0_clock_tx_cycles"}
        self.counts, self.window, self.writes = counts, None, []

    def write(self, name, value):
        self.writes.append((name, value))
        if name == "lane0_clock_window":
            self.window = value

    def read(self, name):
        return {"lane0_clock_done": 1, "lane0_clock_tx_cycles": self.counts}[name]


def test_tx_clock_cycles_runs_the_meter_over_its_window():
    from sailbench.harness.probes.lane_check import METER_WINDOW, tx_clock_cycles
    csr = _MeterCsr(3413)
    assert tx_clock_cycles(csr, 0) == 3413
    assert csr.writes == [("lane0_clock_window", METER_WINDOW), ("lane0_clock_start", 1)]
    assert tx_clock_cycles(csr, 1) is None                 # no meter on lane 1 in this build
