"""Every buildable board profile elaborates to a design the toolchain can take, without running it
(as litex-boards' test_targets.py does with --no-compile); rev-A is refused."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

from sailbench.gateware.profiles import PROFILES

REPO = Path(__file__).resolve().parents[2]


def generate(profile: str, root: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sailbench.gateware.ecp5", "--profile", profile, "--build-root", str(root),
                           "--no-compile"], cwd=REPO, capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("name", [n for n, p in PROFILES.items() if p.buildable])
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


def test_sail_reva_is_refused_with_no_pin_map_yet(tmp_path):
    r = generate("sail-reva", tmp_path)
    assert r.returncode == 2
    assert r.stderr.strip() == ("error: profile 'sail-reva' cannot be built: no pin map yet for InnerJib7EA rev-A; "
                                "add a platform file and set buildable")
