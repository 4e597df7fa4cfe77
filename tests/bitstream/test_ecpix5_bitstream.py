"""The ECPIX-5 probe bitstream (LFE5UM5G-85F, the sail card's FPGA) with the open toolchain.

Issue 10's acceptance for the second buildable profile: DDR3, the RGMII host link and the SATA
lane (DCU1 CH0, issue 21) in, every clock closes, sys with 10 % margin. A larger device than the Versa's, so the build takes minutes more; plain `pytest`
(CI) leaves it out. Run it by naming this file:

    pytest tests/bitstream/test_ecpix5_bitstream.py -s
"""
import json
from pathlib import Path

import pytest

from sailbench.harness.cli import main

REPO = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.named_only, pytest.mark.timeout(5400)]


@pytest.fixture(scope="module")
def ecpix5_bitstream():
    from sailbench.harness.build.bitstream import ensure_bitstream
    from sailbench.harness.config import load_lab
    from sailbench.harness.errors import SailbenchError
    try:
        return ensure_bitstream(load_lab(REPO / "lab.yaml").board("ecpix5"), progress=lambda m: print(m, flush=True))
    except SailbenchError as e:
        pytest.fail(f"sailbench: {e}", pytrace=False)


def test_ecpix5_build_has_the_probes_and_its_part(ecpix5_bitstream):
    assert b"Part: LFE5UM5G-85F-8CABGA554" in ecpix5_bitstream.path.read_bytes()[:64]
    regs = json.loads((ecpix5_bitstream.build_dir / "csr.json").read_text())["csr_registers"]
    for name in ("cycles_value", "sdram_generator_start", "ddr_accounting_data", "ddrphy_dly_sel",
                 "etherbone_writes_count", "hostlink_tx_start", "hostlink_rx_packets"):
        assert name in regs, name
    m = ecpix5_bitstream.manifest
    assert m.dram.module == "MT41K256M16" and m.lanes == 1 and m.host_link.phy == "rgmii"
    (lane,) = m.lane.channels
    assert (lane.dual, lane.channel, lane.refclk_hz) == (1, 0, 100e6)
    assert lane.pins == {"tx": "AD16/AD17", "rx": "AF15/AF16"}         # litex-boards' `sata` resource


def test_ecpix5_every_clock_passes_and_build_exits_0(ecpix5_bitstream, capsys, tmp_path):
    print("\n" + ecpix5_bitstream.report_text)
    assert ecpix5_bitstream.report_summary.fits
    assert ecpix5_bitstream.timing_passed, ecpix5_bitstream.failing_summary()
    clocks = ecpix5_bitstream.report_summary.clocks
    assert {"lane0_tx", "lane0_rx"} <= set(clocks), sorted(clocks)
    sys_clock = clocks["sys"]
    assert sys_clock.achieved_mhz >= 1.10 * sys_clock.required_mhz, f"sys {sys_clock.achieved_mhz:.1f} MHz"
    capsys.readouterr()
    rc = main(["--lab", str(REPO / "lab.yaml"), "build", "--board", "ecpix5", "--results-dir", str(tmp_path)])
    out, err = capsys.readouterr()
    assert rc == 0 and "timing met" in out, err
