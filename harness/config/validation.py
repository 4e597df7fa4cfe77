"""lab.yaml's value checks and the section reader that turns a failed check into a ConfigError.

Each check returns the value (converted where needed) or raises Invalid("what was expected");
SectionReader.get adds the file, the dotted key, the line and what was found. Unknown keys are errors
so typos do not pass silently.
"""
from __future__ import annotations

import ipaddress
import math
import os
import re
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urlsplit

from sailbench.harness.config.kind import BoardKind
from sailbench.harness.config.loading import PositionedMap
from sailbench.harness.errors import ConfigError

KINDS = tuple(BoardKind)
ENV_COORDINATOR = "LG_COORDINATOR"


class Invalid(Exception):
    """A value is not what a key takes; the message says what was expected."""


def found(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"boolean {str(value).lower()}"
    if isinstance(value, int):
        return f"integer {value}"
    if isinstance(value, float):
        return f"number {value:g}"
    if isinstance(value, str):
        return f"string {value!r}"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"{type(value).__name__} {value!r}"


def check_name(value: Any, what: str = "a name") -> str:
    if not isinstance(value, str) or not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", value):
        raise Invalid(f"{what} (letters, digits, '-', '_', '.')")
    return value


def check_profile(value: Any) -> str:
    """A board profile of the profile folders, or a profile file's path (checked here, at load time)."""
    from sailbench.gateware.profiles import ProfileError, get_profile, is_profile_path, profile_names
    if isinstance(value, str) and is_profile_path(value):
        try:
            return str(get_profile(value).name and value)
        except ProfileError as e:
            raise Invalid(f"a readable profile file ({e})") from None
    name = check_name(value, "a board profile name")
    try:
        known = profile_names()
    except ProfileError as e:
        raise Invalid(f"a known board profile, but a profile file is bad: {e}") from None
    if name not in known:
        raise Invalid(f"a known board profile ({', '.join(known)})")
    return name


def check_text(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise Invalid("a non-empty string")
    return value


def check_sim_host_link(value: Any) -> str:
    """What carries a simulated board's Ethernet to its TAP (gateware/targets/sim_options.HOST_LINKS)."""
    from sailbench.gateware.targets.sim_options import HOST_LINKS
    if value not in HOST_LINKS:
        raise Invalid(f"one of {', '.join(HOST_LINKS)}")
    return value


def check_bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise Invalid("true or false")
    return value


def check_int(lo: int, hi: int | None = None, what: str = "an integer") -> Callable[[Any], int]:
    def check(value: Any) -> int:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int) or value < lo \
                or (hi is not None and value > hi):
            raise Invalid(f"{what} >= {lo}" if hi is None else f"{what} from {lo} to {hi}")
        return value
    return check


def check_number(lo: float, hi: float | None = None, what: str = "a number",
            hi_open: bool = False, lo_open: bool = False) -> Callable[[Any], float]:
    def check(value: Any) -> float:
        ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
        ok = ok and (value > lo if lo_open else value >= lo)
        ok = ok and (hi is None or (value < hi if hi_open else value <= hi))
        if not ok:
            low = f"> {lo:g}" if lo_open else f">= {lo:g}"
            high = "" if hi is None else (f" and < {hi:g}" if hi_open else f" and <= {hi:g}")
            raise Invalid(f"{what} {low}{high}")
        return float(value)
    return check


FRACTION = "a fraction (0.10 means 10 %)"
_SERIAL_EXPECTED = ("a pyserial URL (/dev/ttyUSB1, /dev/serial/by-id/..., "
                    "socket://HOST:PORT or rfc2217://HOST:PORT)")
_DEV_RE = re.compile(r"/dev/(tty[A-Za-z0-9._-]+|serial/by-(id|path)/[^\s/]+)")


def check_serial_url(value: Any) -> str:
    if not isinstance(value, str):
        raise Invalid(_SERIAL_EXPECTED)
    if value.startswith("/"):
        if _DEV_RE.fullmatch(value):
            return value
        raise Invalid(_SERIAL_EXPECTED)
    parts = urlsplit(value)
    try:
        port = parts.port
    except ValueError:
        port = None
    if parts.scheme not in ("socket", "rfc2217") or not parts.hostname or port is None \
            or not 1 <= port <= 65535 or parts.path not in ("", "/") or parts.username:
        raise Invalid(_SERIAL_EXPECTED)
    return value


def check_ipv4(value: Any) -> str:
    try:
        return str(ipaddress.IPv4Address(value if isinstance(value, str) else ""))
    except ValueError:
        raise Invalid("an IPv4 address like 192.168.1.50") from None


def check_mac(value: Any) -> str:
    """A unicast MAC address, returned in lower case (a multicast one would not be a board's)."""
    if isinstance(value, int) and not isinstance(value, bool):
        raise Invalid("a MAC address in quotes (YAML reads an all-digit 12:34:56:10:20:30 as a number)")
    if not isinstance(value, str) or not re.fullmatch(r"([0-9A-Fa-f]{2}:){5}[0-9A-Fa-f]{2}", value) \
            or int(value[:2], 16) & 1:
        raise Invalid("a unicast MAC address like 02:00:00:00:00:01 (first octet even)")
    return value.lower()


def check_cable_address(value: Any) -> str:
    try:
        return check_coordinator(value)
    except Invalid:
        raise Invalid("HOST:PORT of a network JTAG cable, e.g. 127.0.0.1:2542") from None


def check_coordinator(value: Any) -> str:
    what = "HOST:PORT of the labgrid coordinator, e.g. labhost:20408"
    if not isinstance(value, str):
        raise Invalid(what)
    host, sep, port = value.rpartition(":")
    if not sep or not host or not re.fullmatch(r"[A-Za-z0-9_.\-\[\]:]+", host) \
            or not port.isdigit() or not 1 <= int(port) <= 65535:
        raise Invalid(what)
    return value


def check_ifname(value: Any) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"[A-Za-z0-9_.-]{1,15}", value):
        raise Invalid("a network interface name of at most 15 characters, e.g. enx001122334455")
    return value


def check_kind(value: Any) -> BoardKind:
    if value not in KINDS:
        raise Invalid("'sim' or 'hardware'")
    return BoardKind(value)


def check_boards(value: Any) -> PositionedMap:
    if not isinstance(value, PositionedMap) or not value:
        raise Invalid("a mapping of board name -> board settings, with at least one board")
    return value


def check_tags(value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(t, str) and t for t in value):
        raise Invalid("a list of strings, e.g. [hardware, ddr]")
    return list(value)


def coordinator_address(configured: str | None, needed_by: str, path: Path | None = None) -> str:
    """The labgrid coordinator's HOST:PORT: `configured` (lab.yaml labgrid.coordinator), else
    $LG_COORDINATOR; a ConfigError beginning with `needed_by` if neither is set."""
    value = configured or os.environ.get(ENV_COORDINATOR, "")
    where = {"path": str(path)} if path is not None else {}
    if not value:
        raise ConfigError(f"{needed_by}: set labgrid.coordinator (HOST:PORT) in lab.yaml or ${ENV_COORDINATOR}",
                          key="labgrid.coordinator", **where)
    try:
        return check_coordinator(value)
    except Invalid as e:
        raise ConfigError(f"${ENV_COORDINATOR}: expected {e}, found {value!r}", **where) from None


MISSING = object()


class SectionReader:
    """Reads one file's sections, turning problems into ConfigErrors."""

    def __init__(self, path: Path):
        self.path = path

    def error(self, message: str, key: str | None, line: int = 0) -> ConfigError:
        suffix = f" (line {line})" if line else ""
        return ConfigError(f"{message}{suffix}", path=str(self.path), key=key)

    def mapping(self, value: Any, key: str, allowed: tuple[str, ...], line: int = 0) -> PositionedMap:
        if not isinstance(value, PositionedMap):
            raise self.error(f"expected a mapping with keys {', '.join(allowed)}, "
                             f"found {found(value)}", key, line)
        for k in value:
            if k not in allowed:
                raise self.error(f"unknown key {k!r}; allowed keys: {', '.join(allowed)}",
                                 f"{key}.{k}" if key else str(k), value.lines.get(k, value.line))
        return value

    def get(self, m: PositionedMap, key: str, name: str, check: Callable[[Any], Any],
            default: Any = MISSING) -> Any:
        dotted = f"{key}.{name}" if key else name
        if name not in m:
            if default is MISSING:
                raise self.error(f"missing required key '{name}'", dotted, m.line)
            return default
        try:
            return check(m[name])
        except Invalid as e:
            raise self.error(f"expected {e}, found {found(m[name])}", dotted,
                             m.lines.get(name, 0)) from None
