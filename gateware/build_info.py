"""Build inputs hash and the manifest a build leaves for the host.

The hash covers everything that changes the gateware: the profile, the
target options, every gateware source file and the versions of the LiteX
packages and tools. It names the build directory, is embedded in the
identifier the board answers with, and is how the harness knows a board runs
the build it expects.
"""
from __future__ import annotations

import hashlib
import json
from importlib import metadata
from pathlib import Path

GATEWARE_DIR = Path(__file__).resolve().parent
MANIFEST_NAME = "sailbench.json"
LITEX_PACKAGES = ("litex", "litedram", "liteeth", "liteiclink", "migen")


def package_versions() -> dict[str, str]:
    versions = {}
    for name in LITEX_PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "absent"
    return versions


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


def write_manifest(build_dir: Path, manifest: dict) -> Path:
    """Written last: its presence marks a complete build."""
    path = build_dir / MANIFEST_NAME
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    tmp.replace(path)
    return path


def read_manifest(build_dir: Path) -> dict | None:
    path = build_dir / MANIFEST_NAME
    if not path.is_file():
        return None
    return json.loads(path.read_text())


def compile_jobs() -> int:
    """Parallel C++ compiles for a Verilator build. LiteX's sim Makefile runs `make -j`
    with no limit when none is given: with Verilator's split output that is hundreds of
    compilers at once, which exhausts memory (seen: OOM-killed builds at load 180)."""
    import os
    return max(1, min(os.cpu_count() or 1, 8))
