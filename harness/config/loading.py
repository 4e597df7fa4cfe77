"""YAML loading for lab.yaml: duplicate keys rejected, each mapping remembering the line of each key (so
every later error names the file and the line); a file that does not parse is one ConfigError naming
the file, the line and the column.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from sailbench.harness.errors import ConfigError

ENV_LAB = "SAILBENCH_LAB"


class PositionedMap(dict):
    """A YAML mapping that remembers the line (1-based) of each key."""

    def __init__(self) -> None:
        super().__init__()
        self.line = 0
        self.lines: dict[Any, int] = {}


class _LabLoader(yaml.SafeLoader):
    """SafeLoader that rejects duplicate keys and records key lines."""


def _construct_map(loader: _LabLoader, node: yaml.MappingNode) -> PositionedMap:
    explicit = sum(1 for k, _ in node.value if k.tag != "tag:yaml.org,2002:merge")
    loader.flatten_mapping(node)  # merged (<<) pairs come first and may be overridden
    merged = len(node.value) - explicit
    result = PositionedMap()
    result.line = node.start_mark.line + 1
    for i, (key_node, value_node) in enumerate(node.value):
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            raise yaml.constructor.ConstructorError(
                None, None, "a mapping key must be a plain value", key_node.start_mark) from None
        line = key_node.start_mark.line + 1
        if key in result and i >= merged and result.lines[key] > 0:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r} (first at line {result.lines[key]})",
                key_node.start_mark)
        result[key] = loader.construct_object(value_node, deep=True)
        result.lines[key] = line if i >= merged else 0
    return result


_LabLoader.add_constructor("tag:yaml.org,2002:map", _construct_map)


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
        return yaml.load(text, Loader=_LabLoader)  # noqa: S506 - SafeLoader subclass
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        what = e.problem or e.context or "malformed YAML"
        raise ConfigError(f"YAML error at {where}{what}", path=str(path)) from e
    except yaml.YAMLError as e:
        raise ConfigError(f"YAML error: {e}", path=str(path)) from e
