"""YAML loading for lab.yaml: duplicate keys rejected, each mapping remembering the line of each key (so
every later error names the file and the line); a file that does not parse is one ConfigError naming
the file, the line and the column.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from sailbench.gateware.profiles.positioned_yaml import PositionedMap, parse_positioned  # noqa: F401 (re-exported)
from sailbench.harness.errors import ConfigError

ENV_LAB = "SAILBENCH_LAB"


def load_yaml(path: Path) -> Any:
    """Parse one YAML file; any problem is a ConfigError naming the file (and line)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"file not found; pass --lab, set {ENV_LAB} or create it",
                          path=str(path)) from None
    except UnicodeDecodeError as e:
        raise ConfigError(f"not UTF-8 text ({e.reason} at byte {e.start})", path=str(path)) from e
    except OSError as e:
        raise ConfigError(f"cannot read: {e.strerror or e}", path=str(path)) from e
    try:
        return parse_positioned(text)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        what = e.problem or e.context or "malformed YAML"
        raise ConfigError(f"YAML error at {where}{what}", path=str(path)) from e
    except yaml.YAMLError as e:
        raise ConfigError(f"YAML error: {e}", path=str(path)) from e
