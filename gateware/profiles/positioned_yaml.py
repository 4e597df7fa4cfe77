"""YAML mappings that remember where they are: duplicate keys refused, each key's line kept.

lab.yaml (harness/config/loading.py) and the board profile files (gateware/profiles/profile_yaml.py) are read
with this one loader, so both name the file, the dotted key and the line in every error. Pure Python
and PyYAML (no LiteX): the harness may import it. A merge key (`<<`) is allowed; its pairs may be
overridden by explicit keys and have no line of their own (0).
"""
from __future__ import annotations

from typing import Any

import yaml


class PositionedMap(dict):
    """A YAML mapping that remembers its own line and the line (1-based) of each key."""

    def __init__(self) -> None:
        super().__init__()
        self.line = 0
        self.lines: dict[Any, int] = {}


class _PositionedLoader(yaml.SafeLoader):
    """SafeLoader that rejects duplicate keys and records key lines."""


def _construct_map(loader: _PositionedLoader, node: yaml.MappingNode) -> PositionedMap:
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


_PositionedLoader.add_constructor("tag:yaml.org,2002:map", _construct_map)


def parse_positioned(text: str) -> Any:
    """Parse YAML text; mappings become PositionedMaps. Raises yaml.YAMLError (MarkedYAMLError with
    the line) on what does not parse or repeats a key."""
    return yaml.load(text, Loader=_PositionedLoader)  # noqa: S506 - SafeLoader subclass
