"""The Spanker scheduler's bandwidth constants: pinned defaults or bandwidth.rs.

Spanker's `src/scheduler/src/bandwidth.rs` declares one constant a line:

    pub const LOCAL_DDR_BW_BYTES_PER_SEC: u64 = 2_000_000_000;

and is read here with one regex per line, as Spanker's own tooling does.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from sailbench.harness.errors import ConstantsError

LOCAL_DDR = "LOCAL_DDR_BW_BYTES_PER_SEC"
INTERCARD = "INTERCARD_BW_BYTES_PER_SEC"
HOST_LINK = "HOST_LINK_BW_BYTES_PER_SEC"
CONSTANT_NAMES: tuple[str, ...] = (LOCAL_DDR, INTERCARD, HOST_LINK)

_U64_MAX = 2**64 - 1
_CONST_RE = re.compile(
    r"\s*pub\s+const\s+([A-Z][A-Z0-9_]*_BW_BYTES_PER_SEC)\s*:\s*u64\s*=\s*([0-9][0-9_]*)\s*;")
_LOOSE_RE = re.compile(r"\bconst\s+([A-Z][A-Z0-9_]*_BW_BYTES_PER_SEC)\b")
_BLOCK_COMMENT_RE = re.compile(r"/\*.*?\*/", re.S)


@dataclass(frozen=True)
class SchedulerConstants:
    """Bandwidth constants by name (bytes/s) and where they came from."""

    values: dict[str, int]
    source: str

    def __getitem__(self, name: str) -> int:
        return self.values[name]


PINNED = SchedulerConstants(
    values={LOCAL_DDR: 2_000_000_000, INTERCARD: 500_000_000, HOST_LINK: 100_000_000},
    source="pinned: Spanker src/scheduler/src/bandwidth.rs, rev-A values (sailbench defaults)",
)


def _code_lines(text: str) -> list[tuple[int, str]]:
    """(line number, line) for lines outside `//` and `/* */` comments."""
    text = _BLOCK_COMMENT_RE.sub(lambda m: "\n" * m.group().count("\n"), text)
    return [(n, line) for n, line in enumerate(text.splitlines(), start=1)
            if not line.lstrip().startswith("//")]


def parse_bandwidth_rs(text: str, source: str) -> dict[str, int]:
    """Every `pub const NAME_BW_BYTES_PER_SEC: u64 = N;` line in `text`, by name.

    `//` comment lines, block comments and other constants are ignored. A name
    declared twice with different values is a ConstantsError naming `source`.
    """
    found: dict[str, tuple[int, int]] = {}
    for lineno, line in _code_lines(text):
        m = _CONST_RE.match(line)
        if not m:
            continue
        name, value = m.group(1), int(m.group(2).replace("_", ""))
        if value > _U64_MAX:
            raise ConstantsError(f"{source}: line {lineno}: {name} = {value} does not fit in a u64")
        if name in found and found[name][0] != value:
            raise ConstantsError(
                f"{source}: {name} is declared twice with different values: "
                f"{found[name][0]} at line {found[name][1]} and {value} at line {lineno}")
        found[name] = (value, lineno)
    return {name: value for name, (value, _) in found.items()}


def load_constants(path: Path | None) -> SchedulerConstants:
    """The pinned constants for None, else the three constants read from `path`."""
    if path is None:
        return PINNED
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8")
    except FileNotFoundError:
        raise ConstantsError(f"{path}: scheduler constants file not found; check "
                             "scheduler.bandwidth_rs in lab.yaml") from None
    except UnicodeDecodeError as e:
        raise ConstantsError(f"{path}: not UTF-8 text ({e.reason} at byte {e.start})") from e
    except OSError as e:
        raise ConstantsError(f"{path}: cannot read scheduler constants: {e.strerror or e}") from e
    values = parse_bandwidth_rs(text, str(path))
    for name in CONSTANT_NAMES:
        if name not in values:
            declared = [n for n, line in _code_lines(text) if name in _LOOSE_RE.findall(line)]
            why = (f" is declared at line {declared[0]} but not as a plain integer literal"
                   if declared else " is missing")
            raise ConstantsError(
                f"{path}: constant {name}{why}; expected a line like "
                f"`pub const {name}: u64 = 1_234;`")
        if values[name] <= 0:
            raise ConstantsError(f"{path}: constant {name} is {values[name]}; a bandwidth must be > 0")
    digest = hashlib.sha256(raw).hexdigest()[:12]
    return SchedulerConstants(values={n: values[n] for n in CONSTANT_NAMES},
                              source=f"file: {path} (sha256 {digest})")
