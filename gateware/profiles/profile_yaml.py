"""YAML reading for board profiles: duplicate keys refused, every key's line remembered.

A profile file's problems name the file, the dotted key and its line, as lab.yaml's
do: both are read with gateware/profiles/positioned_yaml.py. A mapping is a `LineMap` (a dict
with `line`, the mapping's first line, and `lines`, each key's line), and `Fields`
reads typed values out of one, raising `ProfileError` with file, key and line.
"""
from __future__ import annotations

import math
from pathlib import Path
from typing import Any, Callable

import yaml

from sailbench.gateware.profiles.positioned_yaml import PositionedMap, parse_positioned


class ProfileError(Exception):
    """A board profile is unknown, malformed, over its part's budget or not buildable.

    `path`, `key` and `line` say where, when the problem is in a profile file."""

    def __init__(self, message: str, *, path: str | None = None, key: str | None = None, line: int = 0):
        where = f"{path}: " if path else ""
        where += f"{key}: " if key else ""
        suffix = f" (line {line})" if line else ""
        super().__init__(f"{where}{message}{suffix}")
        self.path, self.key, self.line = path, key, line


LineMap = PositionedMap     # a profile file's mapping: `line`, and `lines` for each key


def load_profile_yaml(path: Path) -> LineMap:
    """Parse one profile file into a LineMap; any problem is a ProfileError naming the file."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ProfileError("profile file not found", path=str(path)) from None
    except (OSError, UnicodeDecodeError) as e:
        raise ProfileError(f"cannot read: {e}", path=str(path)) from None
    try:
        data = parse_positioned(text)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        raise ProfileError(f"YAML error: {e.problem or e.context or 'malformed YAML'}", path=str(path),
                           line=mark.line + 1 if mark else 0) from None
    except yaml.YAMLError as e:
        raise ProfileError(f"YAML error: {e}", path=str(path)) from None
    if not isinstance(data, LineMap):
        raise ProfileError("expected a mapping (name, fpga, ...) at the top of the file", path=str(path))
    return data


class Invalid(Exception):
    """A check's "what was expected"; Fields turns it into a ProfileError with the key and line."""


_MISSING = object()


def found(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"boolean {str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"number {value:g}" if isinstance(value, float) else f"integer {value}"
    if isinstance(value, str):
        return f"string {value!r}"
    return "a mapping" if isinstance(value, dict) else "a list" if isinstance(value, list) else repr(value)


class Fields:
    """Reads the keys of one mapping of one profile file, with errors that say where."""

    def __init__(self, path: Path, m: Any, key: str, allowed: tuple[str, ...], line: int = 0):
        self.path, self.key = path, key
        if not isinstance(m, LineMap):
            raise self.error(f"expected a mapping with keys {', '.join(allowed)}, found {found(m)}", key, line)
        self.m = m
        for k in m:
            if k not in allowed:
                raise self.error(f"unknown key {k!r}; allowed keys: {', '.join(allowed)}", self.dotted(k),
                                 m.lines.get(k, m.line))

    def dotted(self, name: Any) -> str:
        return f"{self.key}.{name}" if self.key else str(name)

    def error(self, message: str, key: str | None, line: int = 0) -> ProfileError:
        return ProfileError(message, path=str(self.path), key=key, line=line)

    def line(self, name: str) -> int:
        return self.m.lines.get(name, self.m.line)

    def has(self, name: str) -> bool:
        return name in self.m

    def get(self, name: str, check: Callable[[Any], Any], default: Any = _MISSING) -> Any:
        if name not in self.m:
            if default is _MISSING:
                raise self.error(f"missing required key '{name}'", self.dotted(name), self.m.line)
            return default
        try:
            return check(self.m[name])
        except Invalid as e:
            raise self.error(f"expected {e}, found {found(self.m[name])}", self.dotted(name),
                             self.line(name)) from None

    def sub(self, name: str, allowed: tuple[str, ...]) -> "Fields":
        return Fields(self.path, self.m[name], self.dotted(name), allowed, self.line(name))


def text(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise Invalid("a non-empty string")
    return value


def one_of(*choices: str) -> Callable[[Any], str]:
    def check(value: Any) -> str:
        if value not in choices:
            raise Invalid("one of " + ", ".join(choices))
        return value
    return check


def integer(lo: int, hi: int | None = None, what: str = "an integer") -> Callable[[Any], int]:
    def check(value: Any) -> int:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int) or value < lo or (hi is not None and value > hi):
            raise Invalid(f"{what} >= {lo}" if hi is None else f"{what} from {lo} to {hi}")
        return value
    return check


def number(lo: float, what: str = "a number") -> Callable[[Any], float]:
    def check(value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < lo:
            raise Invalid(f"{what} >= {lo:g}")
        return float(value)
    return check


def boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise Invalid("true or false")
    return value


def names(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise Invalid("a list of strings (quote one that holds ': ')")
    return tuple(value)
