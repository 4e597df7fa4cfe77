"""The one Verilator compile step of the simulated targets (sim, simpair).

LiteX writes build_sim.sh into the build's gateware directory (run=False); this runs it with its
output in `verilator.log` beside the build and checks that `Vsim` exists.
"""
from __future__ import annotations

import subprocess
from pathlib import Path

VSIM = "gateware/obj_dir/Vsim"          # relative to the build directory (the manifest's `vsim`)
MODULES_DIR = "gateware/modules"


def compile_vsim(out: Path) -> Path:
    """Run the generated build script in `out`/gateware; RuntimeError with the log's tail if it fails."""
    gw = out / "gateware"
    log_path = out / "verilator.log"
    with open(log_path, "w") as f:
        r = subprocess.run(["bash", "build_sim.sh"], cwd=gw, stdout=f, stderr=subprocess.STDOUT)
    if r.returncode != 0 or not (out / VSIM).is_file():
        tail = log_path.read_text().splitlines()[-15:]
        raise RuntimeError("Verilator build failed (see {}):\n{}".format(log_path, "\n".join(tail)))
    return out / VSIM
