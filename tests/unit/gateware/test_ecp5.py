"""Every buildable board profile elaborates to a design the toolchain can take, without running it
(as litex-boards' test_targets.py does with --no-compile); a profile that cannot be built is refused."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

from sailbench.gateware.profiles import BOARDS_DIR, profiles

REPO = Path(__file__).resolve().parents[3]


def generate(profile: str, root: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sailbench.gateware.targets.ecp5", "--profile", profile, "--build-root", str(root),
                           "--no-compile", *extra], cwd=REPO, capture_output=True, text=True, timeout=300)


def generated(r: subprocess.CompletedProcess) -> Path:
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    return Path(json.loads(r.stdout.strip().splitlines()[-1])["generated"])


@pytest.mark.parametrize("name", [n for n, p in profiles().items() if p.buildable and p.dram and p.host_phy])
def test_profile_generates_a_design_with_relative_sources(name, tmp_path):
    r = generate(name, tmp_path)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    out = Path(json.loads(r.stdout.strip().splitlines()[-1])["generated"])
    gw = out / "gateware"
    ys = (gw / "top.ys").read_text()
    assert "read_verilog top.v" in ys and str(tmp_path) not in ys      # YoWASP sees only relative paths
    lpf = (gw / "top.lpf").read_text()
    assert 'FREQUENCY PORT "clk100" 100.0 MHz' in lpf
    assert "125.0 MHz" in lpf                                          # the RGMII RX clock is constrained
    script = (gw / "build_yowasp.sh").read_text() if (gw / "build_yowasp.sh").exists() else ""
    assert script == ""                                                # --no-compile writes no toolchain script
    regs = json.loads((out / "csr.json").read_text())["csr_registers"]
    assert "ddrphy_burstdet_seen" in regs and "sdram_dfii_pi1_rddata" in regs and "hostlink_tx_start" in regs
    # every lane of the profile built (the ECPIX-5's SATA lane: "sata:tx" pads, DCU1 CH0), its
    # reference clock terminated on chip only when the profile says so
    profile = profiles()[name]
    v = (gw / "top.v").read_text()
    for i, c in enumerate(profile.lanes):
        assert f"lane{i}_status" in regs and f'(* CHAN = "CH{c.channel}", LOC = "DCU{c.dual}" *)' in v, c.name
    if profile.lanes:
        rterm = "0b1" if profile.serdes_refclk.termination_ohm else "0b0"
        assert f'(* LOC = "{profile.serdes_refclk.loc}" *)' in v and f'.REFCK_RTERM ("{rterm}")' in v


def test_a_profile_that_cannot_be_built_is_refused_with_its_reason(tmp_path):
    path = tmp_path / "rev-b.yaml"
    path.write_text((BOARDS_DIR / "versa-ecp5.yaml").read_text() + "not_buildable: no pin map yet for rev-B\n")
    r = generate(str(path), tmp_path)
    assert r.returncode == 2
    assert r.stderr.strip() == "error: profile 'rev-b' cannot be built: no pin map yet for rev-B"


def test_versa_has_a_lane_probe_and_clock_meter_on_the_sma_channel(tmp_path):
    out = generated(generate("versa-ecp5", tmp_path, "--mac", "02:53:8d:46:a4:7b"))
    regs = json.loads((out / "csr.json").read_text())["csr_registers"]
    for name in ("lane0_status", "lane0_word_clk_hz", "lane0_latch", "lane0_tx_cycles", "lane0_clock_window",
                 "lane0_clock_start", "lane0_clock_done", "lane0_clock_start_cycle", "lane0_clock_tx_cycles",
                 "lane0_clock_rx_cycles"):
        assert name in regs, name
    assert "lane1_status" not in regs
    v = (out / "gateware" / "top.v").read_text()
    assert '(* CHAN = "CH1", LOC = "DCU0" *)' in v and '(* LOC = "EXTREF0" *)' in v
    assert ".CH1_FF_TXI_CLK         (lane0_tx_clk)" in v
    assert f"'d{0x02538d46a47b};" in v                                  # the board's MAC (--mac) in ARP/IP
    lpf = (out / "gateware" / "top.lpf").read_text()
    assert "62.5 MHz" in lpf                                           # the lane word clocks are constrained


def test_sgmii_host_link_option_replaces_rgmii_and_takes_the_sma_channel(tmp_path):
    out = generated(generate("versa-ecp5", tmp_path, "--host-link", "sgmii"))
    regs = json.loads((out / "csr.json").read_text())["csr_registers"]
    assert "ethphy_status" in regs and "hostlink_tx_start" in regs and "etherbone_writes_count" in regs
    assert not any(n.startswith("lane0_") for n in regs)               # SGMII sits on the lane's DCU
    v = (out / "gateware" / "top.v").read_text()
    assert v.count("DCUA #(") == 1 and "eth_tx_half_clk" in v and "eth_clocks" not in v
