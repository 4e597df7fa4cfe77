"""Reading a build's manifest (`sailbench.json`) as the typed BuildManifest.

The records themselves live in gateware/build/manifest.py (no LiteX), the one
place both sides share; here a manifest that cannot be read or does not
parse becomes a BuildError naming the file.
"""
from __future__ import annotations

from pathlib import Path

from sailbench.gateware.build.manifest import (MANIFEST_NAME, BuildManifest, CsrField, DramAccounting, DramInfo, DramPhy, EtherboneInfo,
                                         HostLinkInfo, InitStep, LaneInfo, ManifestError, PairBoard, ReportSummary,
                                         load_manifest)
from sailbench.harness.errors import BuildError

__all__ = ["MANIFEST_NAME", "BuildManifest", "CsrField", "DramAccounting", "DramInfo", "DramPhy", "EtherboneInfo", "HostLinkInfo",
           "InitStep", "LaneInfo", "PairBoard", "ReportSummary", "read_build_manifest"]


def read_build_manifest(build_dir: Path) -> BuildManifest:
    path = build_dir / MANIFEST_NAME
    try:
        return load_manifest(path)
    except OSError as e:
        raise BuildError(f"build manifest {path} unreadable: {e.strerror or e}; delete {build_dir} to rebuild") from e
    except ManifestError as e:
        raise BuildError(f"build manifest {e}; delete {build_dir} to rebuild") from e
