"""The build skeleton every target shares: a build directory is complete once its manifest is in it.

    manifest in `out`         -> `out` as it is (a warm start builds nothing)
    `out` without a manifest  -> a half-built directory (a killed or failed build): removed
    make(out)                 -> fills `out` and returns the target's typed BuildManifest
    the manifest              -> written last, with the build's seconds, so its presence marks a
                                 complete build

LiteX-free: the skeleton knows nothing of what a target builds.
"""
from __future__ import annotations

import dataclasses
import shutil
import time
from pathlib import Path
from typing import Callable

from sailbench.gateware.build.manifest import BuildManifest, manifest_exists, write_manifest


def build_once(out: Path, make: Callable[[Path], BuildManifest], log: Callable[[str], None] = print,
               label: str = "build") -> Path:
    """Build into `out` unless it is complete; returns `out`. An exception from `make` leaves no
    manifest, so the next call starts again from scratch."""
    if manifest_exists(out):
        return out
    if out.exists():
        shutil.rmtree(out)
    t0 = time.monotonic()
    manifest = make(out)
    seconds = round(time.monotonic() - t0, 1)
    write_manifest(out, dataclasses.replace(manifest, build_seconds=seconds))
    log(f"[{label}] done in {seconds:.1f} s: {out}")
    return out
