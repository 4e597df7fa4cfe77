"""lab.yaml: which boards the bench knows, how to reach them, how to judge.

YAML is loaded here and nowhere else, with a loader that rejects duplicate
keys. Every value is checked on load; a problem is a `ConfigError` naming the
file, the dotted key (`boards.versa-ecp5.serial`), its line, what was
expected and what was found. Unknown keys are errors so typos do not pass
silently. Relative paths are resolved against the directory of lab.yaml.
"""
from __future__ import annotations

import dataclasses
import ipaddress
import math
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urlsplit

import yaml

from sailbench.harness.paths import REPO_ROOT
from sailbench.harness.errors import ConfigError, UnknownBoardError, UnknownPairError
from sailbench.harness.config.history_url import url_problem

KINDS = ("sim", "hardware")
MAX_LANES = 16
DEFAULT_SIM_PROFILE = "versa-ecp5"
ENV_LAB = "SAILBENCH_LAB"
REPO_LAB = REPO_ROOT / "lab.yaml"


# --- records -------------------------------------------------------------------

@dataclass(frozen=True)
class EtherboneConfig:
    ip: str
    port: int = 1234
    host_ip: str | None = None
    interface: str | None = None


@dataclass(frozen=True)
class SimConfig:
    dram: bool = True
    ethernet: bool = True
    sys_clk_hz: int = 75_000_000
    host_link: str = "tap"          # "sgmii": the host link runs through the SGMII PCS and PHY models


@dataclass(frozen=True)
class LabgridPlace:
    """A board reached through a labgrid place: its serial port (and debugger) are
    resolved from the place on every open; `host` is the exporter host that has it."""
    place: str
    host: str | None = None
    coordinator: str | None = None       # lab.yaml labgrid.coordinator, copied here at load time

    @property
    def address(self) -> str:
        """The coordinator's HOST:PORT: lab.yaml's, else $LG_COORDINATOR (ConfigError if neither)."""
        value = self.coordinator or os.environ.get(ENV_COORDINATOR, "")
        if not value:
            raise ConfigError(f"place '{self.place}' needs a labgrid coordinator: set labgrid.coordinator "
                              f"(HOST:PORT) in lab.yaml or ${ENV_COORDINATOR}", key="labgrid.coordinator")
        try:
            return _coordinator(value)
        except _Invalid as e:
            raise ConfigError(f"${ENV_COORDINATOR}: expected {e}, found {value!r}") from None


@dataclass(frozen=True)
class BoardConfig:
    name: str
    kind: str
    profile: str
    serial: str | None = None
    baudrate: int = 115200
    etherbone: EtherboneConfig | None = None
    cable: str | None = None
    cable_serial: str | None = None      # FTDI serial number: picks one of several boards on the same cable type
    allow_timing_fail: bool = False      # use this board's bitstream even when nextpnr says a clock fails
    timeout_s: float = 2.0
    tags: list[str] = field(default_factory=list)
    sim: SimConfig | None = None
    labgrid: LabgridPlace | None = None  # a place on the lab's coordinator instead of serial/cable


@dataclass(frozen=True)
class PairConfig:
    """Two boards linked by their SerDes lanes (a bench pair). For kind sim the two
    board names name the simulated pair's roles (its own simulation, not lab boards)."""
    name: str
    kind: str
    profile: str
    upstream: str                        # drives the forwarded clock (rank 0)
    downstream: str                      # pulls PRSNT_N low (rank 1)
    lanes: tuple[int, ...] = (0, 1, 2, 3)
    tags: list[str] = field(default_factory=list)
    place: str | None = None             # a labgrid pair place: both boards acquired all or nothing

    @property
    def boards(self) -> tuple[str, str]:
        return (self.upstream, self.downstream)

    @property
    def lane_count(self) -> int:
        """Lanes the gateware must have for these indexes (highest index + 1)."""
        return max(self.lanes) + 1


@dataclass(frozen=True)
class JudgementConfig:
    tolerance: float = 0.10        # measured < constant * (1 - tolerance) -> optimistic
    slack: float = 0.25            # measured > constant * (1 + slack)     -> pessimistic
    clock_tolerance: float = 0.005
    repeats: int = 3


@dataclass(frozen=True)
class HistoryConfig:
    path: Path | None = None       # None: <results.dir>/history.sqlite
    url: str | None = None         # postgresql://USER@HOST/DB: the lab's shared history instead of the file
    baseline_runs: int = 5         # baseline = median of the last N runs with the same build hash
    drop_threshold: float = 0.10   # a figure more than this fraction below its baseline is a regression
    quarantine_after: int = 3      # consecutive failed nightly health checks before a board is quarantined


def default_lock_dir() -> Path:
    """Machine-wide, so every checkout on this PC sees the same board locks."""
    run_lock = Path("/run/lock")
    if run_lock.is_dir() and os.access(run_lock, os.W_OK):
        return run_lock / "sailbench"
    return Path(tempfile.gettempdir()) / "sailbench-locks"


@dataclass(frozen=True)
class LocksConfig:
    dir: Path | None = None        # None: default_lock_dir()
    wait_s: float = 600.0          # how long a run waits for a board another run holds


ENV_COORDINATOR = "LG_COORDINATOR"


@dataclass(frozen=True)
class LabgridConfig:
    coordinator: str | None = None  # HOST:PORT; None: $LG_COORDINATOR


@dataclass(frozen=True)
class Lab:
    path: Path
    boards: dict[str, BoardConfig]
    judgement: JudgementConfig = field(default_factory=JudgementConfig)
    constants_path: Path | None = None
    results_dir: Path = Path("results")
    default_board: str = "sim"
    history: HistoryConfig = field(default_factory=HistoryConfig)
    locks: LocksConfig = field(default_factory=LocksConfig)
    pairs: dict[str, PairConfig] = field(default_factory=dict)
    labgrid: LabgridConfig = field(default_factory=LabgridConfig)

    @property
    def coordinator(self) -> str:
        """The labgrid coordinator's HOST:PORT (lab.yaml labgrid.coordinator, else $LG_COORDINATOR)."""
        value = self.labgrid.coordinator or os.environ.get(ENV_COORDINATOR, "")
        if not value:
            raise ConfigError(f"a labgrid place needs a coordinator: set labgrid.coordinator (HOST:PORT) "
                              f"or ${ENV_COORDINATOR}", path=str(self.path), key="labgrid.coordinator")
        try:
            return _coordinator(value)
        except _Invalid as e:
            raise ConfigError(f"${ENV_COORDINATOR}: expected {e}, found {value!r}",
                              path=str(self.path)) from None

    def pair(self, name: str) -> PairConfig:
        try:
            return self.pairs[name]
        except KeyError:
            raise UnknownPairError(name, list(self.pairs), path=str(self.path)) from None

    def board(self, name: str) -> BoardConfig:
        try:
            return self.boards[name]
        except KeyError:
            raise UnknownBoardError(name, list(self.boards), path=str(self.path)) from None

    @property
    def history_path(self) -> Path:
        return self.history.path or self.results_dir / "history.sqlite"

    @property
    def lock_dir(self) -> Path:
        return self.locks.dir or default_lock_dir()


# --- YAML loading ----------------------------------------------------------------

class _Map(dict):
    """A YAML mapping that remembers the line (1-based) of each key."""

    def __init__(self) -> None:
        super().__init__()
        self.line = 0
        self.lines: dict[Any, int] = {}


class _LabLoader(yaml.SafeLoader):
    """SafeLoader that rejects duplicate keys and records key lines."""


def _construct_map(loader: _LabLoader, node: yaml.MappingNode) -> _Map:
    explicit = sum(1 for k, _ in node.value if k.tag != "tag:yaml.org,2002:merge")
    loader.flatten_mapping(node)  # merged (<<) pairs come first and may be overridden
    merged = len(node.value) - explicit
    result = _Map()
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


# --- checks: each returns the value or raises _Invalid("what was expected") ----

class _Invalid(Exception):
    pass


def _found(value: Any) -> str:
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


def _name(value: Any, what: str = "a name") -> str:
    if not isinstance(value, str) or not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", value):
        raise _Invalid(f"{what} (letters, digits, '-', '_', '.')")
    return value


def _profile(value: Any) -> str:
    """A board profile gateware/profiles.py defines (checked here, at load time, not at first use)."""
    from sailbench.gateware.profiles import PROFILES
    name = _name(value, "a board profile name")
    if name not in PROFILES:
        raise _Invalid(f"a known board profile ({', '.join(sorted(PROFILES))})")
    return name


def _text(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _Invalid("a non-empty string")
    return value


def _sim_host_link(value: Any) -> str:
    """What carries a simulated board's Ethernet to its TAP (gateware/sim_options.HOST_LINKS)."""
    from sailbench.gateware.sim_options import HOST_LINKS
    if value not in HOST_LINKS:
        raise _Invalid(f"one of {', '.join(HOST_LINKS)}")
    return value


def _bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise _Invalid("true or false")
    return value


def _int(lo: int, hi: int | None = None, what: str = "an integer") -> Callable[[Any], int]:
    def check(value: Any) -> int:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int) or value < lo \
                or (hi is not None and value > hi):
            raise _Invalid(f"{what} >= {lo}" if hi is None else f"{what} from {lo} to {hi}")
        return value
    return check


def _number(lo: float, hi: float | None = None, what: str = "a number",
            hi_open: bool = False, lo_open: bool = False) -> Callable[[Any], float]:
    def check(value: Any) -> float:
        ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
        ok = ok and (value > lo if lo_open else value >= lo)
        ok = ok and (hi is None or (value < hi if hi_open else value <= hi))
        if not ok:
            low = f"> {lo:g}" if lo_open else f">= {lo:g}"
            high = "" if hi is None else (f" and < {hi:g}" if hi_open else f" and <= {hi:g}")
            raise _Invalid(f"{what} {low}{high}")
        return float(value)
    return check


_FRACTION = "a fraction (0.10 means 10 %)"
_SERIAL_EXPECTED = ("a pyserial URL (/dev/ttyUSB1, /dev/serial/by-id/..., "
                    "socket://HOST:PORT or rfc2217://HOST:PORT)")
_DEV_RE = re.compile(r"/dev/(tty[A-Za-z0-9._-]+|serial/by-(id|path)/[^\s/]+)")


def _serial_url(value: Any) -> str:
    if not isinstance(value, str):
        raise _Invalid(_SERIAL_EXPECTED)
    if value.startswith("/"):
        if _DEV_RE.fullmatch(value):
            return value
        raise _Invalid(_SERIAL_EXPECTED)
    parts = urlsplit(value)
    try:
        port = parts.port
    except ValueError:
        port = None
    if parts.scheme not in ("socket", "rfc2217") or not parts.hostname or port is None \
            or not 1 <= port <= 65535 or parts.path not in ("", "/") or parts.username:
        raise _Invalid(_SERIAL_EXPECTED)
    return value


def _ipv4(value: Any) -> str:
    try:
        return str(ipaddress.IPv4Address(value if isinstance(value, str) else ""))
    except ValueError:
        raise _Invalid("an IPv4 address like 192.168.1.50") from None


def _coordinator(value: Any) -> str:
    what = "HOST:PORT of the labgrid coordinator, e.g. labhost:20408"
    if not isinstance(value, str):
        raise _Invalid(what)
    host, sep, port = value.rpartition(":")
    if not sep or not host or not re.fullmatch(r"[A-Za-z0-9_.\-\[\]:]+", host) \
            or not port.isdigit() or not 1 <= int(port) <= 65535:
        raise _Invalid(what)
    return value


def _ifname(value: Any) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"[A-Za-z0-9_.-]{1,15}", value):
        raise _Invalid("a network interface name of at most 15 characters, e.g. enx001122334455")
    return value


def _kind(value: Any) -> str:
    if value not in KINDS:
        raise _Invalid("'sim' or 'hardware'")
    return value


def _boards(value: Any) -> _Map:
    if not isinstance(value, _Map) or not value:
        raise _Invalid("a mapping of board name -> board settings, with at least one board")
    return value


def _tags(value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(t, str) and t for t in value):
        raise _Invalid("a list of strings, e.g. [hardware, ddr]")
    return list(value)


# --- section reader ------------------------------------------------------------------

_MISSING = object()


class _Reader:
    """Reads one file's sections, turning problems into ConfigErrors."""

    def __init__(self, path: Path):
        self.path = path

    def error(self, message: str, key: str | None, line: int = 0) -> ConfigError:
        suffix = f" (line {line})" if line else ""
        return ConfigError(f"{message}{suffix}", path=str(self.path), key=key)

    def mapping(self, value: Any, key: str, allowed: tuple[str, ...], line: int = 0) -> _Map:
        if not isinstance(value, _Map):
            raise self.error(f"expected a mapping with keys {', '.join(allowed)}, "
                             f"found {_found(value)}", key, line)
        for k in value:
            if k not in allowed:
                raise self.error(f"unknown key {k!r}; allowed keys: {', '.join(allowed)}",
                                 f"{key}.{k}" if key else str(k), value.lines.get(k, value.line))
        return value

    def get(self, m: _Map, key: str, name: str, check: Callable[[Any], Any],
            default: Any = _MISSING) -> Any:
        dotted = f"{key}.{name}" if key else name
        if name not in m:
            if default is _MISSING:
                raise self.error(f"missing required key '{name}'", dotted, m.line)
            return default
        try:
            return check(m[name])
        except _Invalid as e:
            raise self.error(f"expected {e}, found {_found(m[name])}", dotted,
                             m.lines.get(name, 0)) from None


_TOP_KEYS = ("boards", "default_board", "judgement", "scheduler", "results", "history", "locks", "pairs",
             "labgrid")
_PAIR_KEYS = ("kind", "profile", "upstream", "downstream", "lanes", "tags", "place")
_BOARD_KEYS = ("kind", "profile", "serial", "baudrate", "etherbone", "timeout_s", "tags")
_KIND_KEYS = {"sim": _BOARD_KEYS + ("sim", "labgrid"),    # a sim board in a place: served elsewhere
              "hardware": _BOARD_KEYS + ("cable", "cable_serial", "allow_timing_fail", "labgrid")}


def _board(r: _Reader, name: str, value: Any, line: int) -> BoardConfig:
    key = f"boards.{name}"
    if not isinstance(value, _Map):
        raise r.error(f"expected a mapping describing the board, found {_found(value)}", key, line)
    kind = r.get(value, key, "kind", _kind)
    m = r.mapping(value, key, _KIND_KEYS[kind], line)
    if kind == "hardware":
        profile = r.get(m, key, "profile", _profile)
    else:
        profile = r.get(m, key, "profile", _profile, DEFAULT_SIM_PROFILE)
    serial = r.get(m, key, "serial", _serial_url, None)
    etherbone = None
    if "etherbone" in m:
        ek = f"{key}.etherbone"
        e = r.mapping(m["etherbone"], ek, ("ip", "port", "host_ip", "interface"), m.lines["etherbone"])
        etherbone = EtherboneConfig(
            ip=r.get(e, ek, "ip", _ipv4),
            port=r.get(e, ek, "port", _int(1, 65535, "a UDP port"), 1234),
            host_ip=r.get(e, ek, "host_ip", _ipv4, None),
            interface=r.get(e, ek, "interface", _ifname, None))
        if etherbone.host_ip == etherbone.ip:
            raise r.error(f"the host and the board cannot both be {etherbone.ip}; host_ip is "
                          "the bench PC's address on the board's link", f"{ek}.host_ip",
                          e.lines["host_ip"])
    labgrid = None
    if "labgrid" in m:
        lk = f"{key}.labgrid"
        lg = r.mapping(m["labgrid"], lk, ("place", "host"), m.lines["labgrid"])
        labgrid = LabgridPlace(place=r.get(lg, lk, "place", lambda v: _name(v, "a labgrid place name")),
                               host=r.get(lg, lk, "host", lambda v: _name(v, "an exporter host name"), None))
        for other in ("serial", "cable"):
            if other in m:
                raise r.error(f"'{other}' and 'labgrid' both set; a board in a labgrid place gets its serial "
                              "port and debugger from the place, so drop one", f"{key}.{other}", m.lines[other])
    if kind == "hardware" and serial is None and etherbone is None and labgrid is None:
        raise r.error("a hardware board needs a transport: set 'serial' (UART, e.g. /dev/ttyUSB1), "
                      "'etherbone' (ip, port) or 'labgrid' (place)", key, line)
    sim = None
    if kind == "sim":
        sk = f"{key}.sim"
        s = r.mapping(m.get("sim", _Map()), sk, ("dram", "ethernet", "sys_clk_hz", "host_link"),
                      m.lines.get("sim", 0))
        sim = SimConfig(dram=r.get(s, sk, "dram", _bool, True),
                        ethernet=r.get(s, sk, "ethernet", _bool, True),
                        sys_clk_hz=r.get(s, sk, "sys_clk_hz", _int(1, what="a clock in Hz"),
                                         75_000_000),
                        host_link=r.get(s, sk, "host_link", _sim_host_link, "tap"))
    return BoardConfig(
        name=name, kind=kind, profile=profile, serial=serial,
        baudrate=r.get(m, key, "baudrate", _int(1, what="a baud rate"), 115200),
        etherbone=etherbone,
        cable=r.get(m, key, "cable", _name, None),
        cable_serial=r.get(m, key, "cable_serial", _name, None),
        allow_timing_fail=r.get(m, key, "allow_timing_fail", _bool, False),
        timeout_s=r.get(m, key, "timeout_s", _number(0, what="seconds", lo_open=True), 2.0),
        tags=r.get(m, key, "tags", _tags, []),
        sim=sim, labgrid=labgrid)


def _judgement(r: _Reader, value: Any, line: int) -> JudgementConfig:
    k = "judgement"
    m = r.mapping(value, k, ("tolerance", "slack", "clock_tolerance", "repeats"), line)
    return JudgementConfig(
        tolerance=r.get(m, k, "tolerance", _number(0, 1, _FRACTION, hi_open=True), 0.10),
        slack=r.get(m, k, "slack", _number(0, None, _FRACTION), 0.25),
        clock_tolerance=r.get(m, k, "clock_tolerance", _number(0, 1, _FRACTION, hi_open=True),
                              0.005),
        repeats=r.get(m, k, "repeats", _int(1, what="a number of repeats"), 3))


def _history(r: _Reader, value: Any, line: int, base: Path) -> HistoryConfig:
    k = "history"
    m = r.mapping(value, k, ("path", "url", "baseline_runs", "drop_threshold", "quarantine_after"), line)
    path = r.get(m, k, "path", _text, None)
    url = m.get("url")
    if "url" in m and (problem := url_problem(url)):       # never echoes the URL: it may hold a password
        raise r.error(problem, f"{k}.url", m.lines.get("url", 0))
    return HistoryConfig(
        path=_relative(base, path) if path is not None else None,
        url=url.strip() if url else None,
        baseline_runs=r.get(m, k, "baseline_runs", _int(1, what="a number of runs"), 5),
        drop_threshold=r.get(m, k, "drop_threshold",
                             _number(0, 1, _FRACTION, hi_open=True, lo_open=True), 0.10),
        quarantine_after=r.get(m, k, "quarantine_after", _int(1, what="a number of nights"), 3))


def _locks(r: _Reader, value: Any, line: int, base: Path) -> LocksConfig:
    k = "locks"
    m = r.mapping(value, k, ("dir", "wait_s"), line)
    directory = r.get(m, k, "dir", _text, None)
    return LocksConfig(
        dir=_relative(base, directory) if directory is not None else None,
        wait_s=r.get(m, k, "wait_s", _number(0, what="seconds"), 600.0))


def _lanes(value: Any) -> tuple[int, ...]:
    expected = (f"a lane count from 1 to {MAX_LANES} or a list of distinct lane indexes "
                f"from 0 to {MAX_LANES - 1}, e.g. 4 or [0, 1]")
    if isinstance(value, int) and not isinstance(value, bool):
        if not 1 <= value <= MAX_LANES:
            raise _Invalid(expected)
        return tuple(range(value))
    if not isinstance(value, list) or not value or len(set(map(repr, value))) != len(value) \
            or not all(isinstance(i, int) and not isinstance(i, bool) and 0 <= i < MAX_LANES for i in value):
        raise _Invalid(expected)
    return tuple(sorted(value))


def _pair(r: _Reader, name: str, value: Any, line: int, boards: dict[str, BoardConfig]) -> PairConfig:
    key = f"pairs.{name}"
    if not isinstance(value, _Map):
        raise r.error(f"expected a mapping describing the pair, found {_found(value)}", key, line)
    m = r.mapping(value, key, _PAIR_KEYS, line)
    kind = r.get(m, key, "kind", _kind)
    pair = PairConfig(
        name=name, kind=kind,
        profile=r.get(m, key, "profile", _profile, DEFAULT_SIM_PROFILE if kind == "sim" else _MISSING),
        upstream=r.get(m, key, "upstream", lambda v: _name(v, "a board name")),
        downstream=r.get(m, key, "downstream", lambda v: _name(v, "a board name")),
        lanes=r.get(m, key, "lanes", _lanes, (0, 1, 2, 3)),
        tags=r.get(m, key, "tags", _tags, []),
        place=r.get(m, key, "place", lambda v: _name(v, "a labgrid pair place name"), None))
    if pair.upstream == pair.downstream:
        raise r.error(f"upstream and downstream are both '{pair.upstream}'; a pair is two different boards",
                      f"{key}.downstream", m.lines.get("downstream", line))
    for role in ("upstream", "downstream"):
        board = getattr(pair, role)
        where = f"{key}.{role}"
        if kind == "sim":
            if board in boards:
                raise r.error(f"'{board}' is a board in boards; a simulated pair's roles get names of their "
                              "own (the pair runs its own simulation)", where, m.lines.get(role, line))
            continue
        if board not in boards:
            raise r.error(f"board '{board}' is not defined; boards: {', '.join(sorted(boards))}",
                          where, m.lines.get(role, line))
        if boards[board].kind != "hardware" or boards[board].profile != pair.profile:
            raise r.error(f"board '{board}' is kind {boards[board].kind}, profile {boards[board].profile}; a "
                          f"hardware pair of profile {pair.profile} needs hardware boards of that profile",
                          where, m.lines.get(role, line))
    if pair.place is not None:
        if kind == "sim":
            raise r.error("a simulated pair runs its own simulation and has no labgrid place",
                          f"{key}.place", m.lines["place"])
        plain = [b for b in pair.boards if boards[b].labgrid is None]
        if plain:
            raise r.error(f"board '{plain[0]}' has no labgrid place; a pair place covers its boards' places, "
                          f"so give each board 'labgrid: {{place: NAME}}'", f"{key}.place", m.lines["place"])
        taken = {boards[b].labgrid.place for b in pair.boards}
        if pair.place in taken:
            raise r.error(f"'{pair.place}' is already a board's place; a pair place needs a name of its own",
                          f"{key}.place", m.lines["place"])
    return pair


def _pairs(r: _Reader, value: Any, line: int, boards: dict[str, BoardConfig]) -> dict[str, PairConfig]:
    if not isinstance(value, _Map):
        raise r.error(f"expected a mapping of pair name -> pair settings, found {_found(value)}", "pairs", line)
    pairs: dict[str, PairConfig] = {}
    sim_roles: dict[str, str] = {}
    for name, body in value.items():
        pline = value.lines.get(name, line)
        if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", name):
            raise r.error(f"a pair name must be letters, digits, '-', '_' or '.', found {_found(name)}",
                          f"pairs.{name}", pline)
        pair = _pair(r, name, body, pline, boards)
        if pair.kind == "sim":
            for board in pair.boards:
                if board in sim_roles:
                    raise r.error(f"'{board}' already names a role of simulated pair '{sim_roles[board]}'; "
                                  "each simulated pair has boards of its own", f"pairs.{name}", pline)
                sim_roles[board] = name
        pairs[name] = pair
    return pairs


def _relative(base: Path, value: str) -> Path:
    p = Path(value).expanduser()
    return p if p.is_absolute() else base / p


def load_lab(path: Path | str) -> Lab:
    """Load and validate lab.yaml; raises ConfigError on any problem."""
    path = Path(path)
    r = _Reader(path)
    data = load_yaml(path)
    if data is None:
        raise r.error("the file is empty; expected a mapping with at least 'boards'", None)
    top = r.mapping(data, "", _TOP_KEYS)
    boards_map = r.get(top, "", "boards", _boards)
    boards: dict[str, BoardConfig] = {}
    for name, value in boards_map.items():
        line = boards_map.lines.get(name, 0)
        if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", name):
            raise r.error(f"a board name must be letters, digits, '-', '_' or '.', "
                          f"found {_found(name)}", f"boards.{name}", line)
        boards[name] = _board(r, name, value, line)
    default_board = r.get(top, "", "default_board", _name, "sim")
    if "default_board" in top and default_board not in boards:
        raise r.error(f"default board {default_board!r} is not defined; boards: "
                      f"{', '.join(sorted(boards))}", "default_board", top.lines["default_board"])
    judgement = JudgementConfig()
    if "judgement" in top:
        judgement = _judgement(r, top["judgement"], top.lines["judgement"])
    base = path.parent
    constants_path = None
    if "scheduler" in top:
        s = r.mapping(top["scheduler"], "scheduler", ("bandwidth_rs",), top.lines["scheduler"])
        rs = r.get(s, "scheduler", "bandwidth_rs", _text, None)
        constants_path = _relative(base, rs) if rs is not None else None
    results_dir = "results"
    if "results" in top:
        s = r.mapping(top["results"], "results", ("dir",), top.lines["results"])
        results_dir = r.get(s, "results", "dir", _text, "results")
    history = HistoryConfig()
    if "history" in top:
        history = _history(r, top["history"], top.lines["history"], base)
    locks = LocksConfig()
    if "locks" in top:
        locks = _locks(r, top["locks"], top.lines["locks"], base)
    places: dict[str, str] = {}
    for name, board in boards.items():
        if board.labgrid is None:
            continue
        if board.labgrid.place in places:
            raise r.error(f"place '{board.labgrid.place}' is already the place of board "
                          f"'{places[board.labgrid.place]}'; one place per board", f"boards.{name}.labgrid.place",
                          boards_map[name].lines.get("labgrid", 0))
        places[board.labgrid.place] = name
    labgrid = LabgridConfig()
    if "labgrid" in top:
        lg = r.mapping(top["labgrid"], "labgrid", ("coordinator",), top.lines["labgrid"])
        labgrid = LabgridConfig(coordinator=r.get(lg, "labgrid", "coordinator", _coordinator, None))
        boards = {name: b if b.labgrid is None else dataclasses.replace(
                      b, labgrid=dataclasses.replace(b.labgrid, coordinator=labgrid.coordinator))
                  for name, b in boards.items()}
    pairs = _pairs(r, top["pairs"], top.lines["pairs"], boards) if "pairs" in top else {}
    seen: dict[str, str] = {}
    for name, pair in pairs.items():
        if pair.place is None:
            continue
        if pair.place in places or pair.place in seen:
            other = f"board '{places[pair.place]}'" if pair.place in places else f"pair '{seen[pair.place]}'"
            raise r.error(f"place '{pair.place}' is already the place of {other}; each pair place is its own",
                          f"pairs.{name}.place", top["pairs"][name].lines.get("place", 0))
        seen[pair.place] = name
    return Lab(path=path, boards=boards, judgement=judgement, constants_path=constants_path,
               results_dir=_relative(base, results_dir), default_board=default_board,
               history=history, locks=locks, pairs=pairs, labgrid=labgrid)


def find_lab(explicit: str | None) -> Path:
    """lab.yaml to use: the explicit path, else $SAILBENCH_LAB, else ./lab.yaml, else the repo's."""
    if explicit:
        return Path(explicit).expanduser().absolute()
    env = os.environ.get(ENV_LAB)
    if env:
        return Path(env).expanduser().absolute()
    here = Path.cwd() / "lab.yaml"
    if here.is_file():
        return here
    return REPO_LAB
