"""4 inter-card lanes on the LFE5UM5G-85F (the sail card's FPGA): both channels of both DCUs,
one DCUA per DCU (gateware/phy/dcu_ecp5.py), each lane with its probe and clock meter, through
yosys, nextpnr and ecppack. A lanes-only build (`sail-lanes` profile: no DRAM, no host link,
UARTBone only), so it needs no board pin map: SerDes pins are dedicated.

Named-only: it runs when its file is named (`pytest tests/bitstream/test_lanes_85f_bitstream.py -s`,
the nightly's or a bring-up engineer's command), not in plain `pytest`. Its 85F place and route is
about 8 CPU-minutes (yosys 93 s, nextpnr 370 s alone) on top of the Versa's, and with both the
developer suite cannot stay within 25 minutes on CI's two cores (measured: 31.4 minutes of pytest,
7.8 of them waiting for this build alone at the end).
"""
import json

import pytest

from sailbench.gateware.build.pnr_report import BuildReport

pytestmark = [pytest.mark.named_only, pytest.mark.timeout(3600)]

LANE_CLOCKS = [f"lane{i}_{d}" for i in range(4) for d in ("tx", "rx")]


def test_four_lanes_on_two_dcus_of_the_85f(lanes_85f_bitstream):
    assert b"Part: LFE5UM5G-85F-8CABGA381" in lanes_85f_bitstream.path.read_bytes()[:64]
    m = lanes_85f_bitstream.manifest
    assert m.lanes == 4 and m.dram is None and m.etherbone is None
    assert [(c.dual, c.channel) for c in m.lane.channels] == [(0, 0), (0, 1), (1, 0), (1, 1)]
    report = BuildReport.from_dict(json.loads((lanes_85f_bitstream.build_dir / "report.json").read_text()))
    assert report.fits
    u = {x.resource: x for x in report.utilisation}
    assert u["DCUA"].used == 2 == u["DCUA"].available        # one DCUA per DCU, both channels in each


def test_every_lane_clock_is_reported_and_passes(lanes_85f_bitstream):
    print("\n" + lanes_85f_bitstream.report_text)
    clocks = lanes_85f_bitstream.report_summary.clocks
    assert set(LANE_CLOCKS) <= set(clocks), sorted(clocks)
    for domain in LANE_CLOCKS:
        assert clocks[domain].required_mhz == 62.5, domain
    assert lanes_85f_bitstream.timing_passed, lanes_85f_bitstream.failing_summary()
