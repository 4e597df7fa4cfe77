"""The one Verilator compile step of the simulated targets (sim, simpair).

LiteX writes build_sim.sh into the build's gateware directory (run=False); this runs it with its
output in `verilator.log` beside the build and checks that `Vsim` exists.

LiteX's sim Makefile compiles the model with `-ggdb`: debug information for hundreds of generated
C++ files, about a fifth of a probe's compile time, which nobody here reads (a simulator that
misbehaves is debugged from its trace, which stays). `no_debug_info` turns it off in the script
(`-g0` after LiteX's flags) before it runs, so the script on disk is the command that ran.
"""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

VSIM = "gateware/obj_dir/Vsim"          # relative to the build directory (the manifest's `vsim`)
MODULES_DIR = "gateware/modules"


def compile_vsim(out: Path) -> Path:
    """Run the generated build script in `out`/gateware; RuntimeError with the log's tail if it fails."""
    gw = out / "gateware"
    script = gw / "build_sim.sh"
    script.write_text(no_debug_info(script.read_text()))
    log_path = out / "verilator.log"
    with open(log_path, "w") as f:
        r = subprocess.run(["bash", "build_sim.sh"], cwd=gw, stdout=f, stderr=subprocess.STDOUT)
    if r.returncode != 0 or not (out / VSIM).is_file():
        tail = log_path.read_text().splitlines()[-15:]
        raise RuntimeError("Verilator build failed (see {}):\n{}".format(log_path, "\n".join(tail)))
    return out / VSIM


def no_debug_info(script: str) -> str:
    """LiteX's build script with `-g0` appended to its OPT_LEVEL (the Makefile puts it after
    `-ggdb` in the compiler flags of the model and the simulator core, not of the C modules)."""
    if "-g0" in script:
        return script
    patched, n = re.subn(r"\bOPT_LEVEL=(\S+)", r"'OPT_LEVEL=\1 -g0'", script)
    if n != 1:
        raise RuntimeError("LiteX's build_sim.sh has no OPT_LEVEL=... to add -g0 to (has LiteX's sim "
                           "Makefile changed?):\n" + script)
    return patched
