"""Build inputs hash, and the versions of the packages and tools a build is made with.

The hash covers everything that changes the gateware: the profile, the
target options, every gateware source file and the versions of the LiteX
packages and tools. It names the build directory, is embedded in the
identifier the board answers with, and is how the harness knows a board runs
the build it expects.
"""
from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from importlib import metadata
from pathlib import Path

GATEWARE_DIR = Path(__file__).resolve().parents[1]
LITEX_PACKAGES = ("litex", "litedram", "liteeth", "liteiclink", "migen")


def distribution_versions(names: tuple[str, ...]) -> dict[str, str]:
    """Installed version of each Python distribution ("absent" if not installed)."""
    versions = {}
    for name in names:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "absent"
    return versions


def package_versions() -> dict[str, str]:
    return distribution_versions(LITEX_PACKAGES)


def verilator_version() -> str:
    exe = shutil.which("verilator")
    if not exe:
        return "absent"
    return subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=30).stdout.strip()


def project_version() -> str:
    try:
        return metadata.version("sailbench")
    except metadata.PackageNotFoundError:
        return "0+unknown"


def build_hash(inputs: dict, sources: tuple[str, ...] = ("**/*.py",)) -> str:
    """12 hex digits of sha256 over the inputs and the gateware sources (glob patterns
    relative to gateware/; a target names the files it is built from, so editing
    another target's files does not rebuild it)."""
    h = hashlib.sha256()
    h.update(json.dumps(inputs, sort_keys=True, default=str).encode())
    h.update(json.dumps(package_versions(), sort_keys=True).encode())
    paths = {p for pattern in sources for p in GATEWARE_DIR.glob(pattern) if p.suffix in (".py", ".c")}
    for path in sorted(paths):
        h.update(str(path.relative_to(GATEWARE_DIR)).encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:12]


def compile_jobs() -> int:
    """Parallel C++ compiles for a Verilator build. LiteX's sim Makefile runs `make -j`
    with no limit when none is given: with Verilator's split output that is hundreds of
    compilers at once, which exhausts memory (seen: OOM-killed builds at load 180)."""
    import os
    return max(1, min(os.cpu_count() or 1, 8))
