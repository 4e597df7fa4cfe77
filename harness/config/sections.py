"""lab.yaml's sections: each parsed from its positioned mapping into its record, every value checked
(validation.py), every problem one ConfigError naming the file, the dotted key and the line.
"""
from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any, Callable

from sailbench.harness.config.cables import board_cable, cable_problem, check_revision, serial_interface_problem
from sailbench.harness.config.collisions import check_no_collisions
from sailbench.harness.config.history_url import url_problem
from sailbench.harness.config.loading import PositionedMap
from sailbench.harness.config.records import (BoardConfig, EtherboneConfig, HistoryConfig, JudgementConfig,
                                              LabgridPlace, LocksConfig, PairConfig, SimConfig)
from sailbench.harness.config.validation import (FRACTION, MISSING, Invalid, SectionReader, check_bool,
                                                 check_boards, check_ifname, check_int, check_ipv4, check_kind,
                                                 check_cable_address, check_mac, check_name, check_number,
                                                 check_profile, check_serial_url,
                                                 check_sim_host_link, check_tags, check_text, found)

from sailbench.gateware.targets.ecp5_options import board_mac

MAX_LANES = 16
DEFAULT_SIM_PROFILE = "versa-ecp5"


TOP_KEYS = ("boards", "default_board", "judgement", "scheduler", "results", "history", "locks", "pairs",
             "labgrid", "loader")
_PAIR_KEYS = ("kind", "profile", "upstream", "downstream", "lanes", "tags", "place", "line_rate", "coding")
_BOARD_KEYS = ("kind", "profile", "serial", "baudrate", "etherbone", "timeout_s", "tags")
_KIND_KEYS = {"sim": _BOARD_KEYS + ("sim", "labgrid"),    # a sim board in a place: served elsewhere
              "hardware": _BOARD_KEYS + ("cable", "cable_serial", "cable_address", "allow_timing_fail",
                                        "labgrid", "revision", "cable_override")}


def board_section(r: SectionReader, name: str, value: Any, line: int) -> BoardConfig:
    key = f"boards.{name}"
    if not isinstance(value, PositionedMap):
        raise r.error(f"expected a mapping describing the board, found {found(value)}", key, line)
    kind = r.get(value, key, "kind", check_kind)
    m = r.mapping(value, key, _KIND_KEYS[kind], line)
    if kind == "hardware":
        profile = r.get(m, key, "profile", check_profile)
    else:
        profile = r.get(m, key, "profile", check_profile, DEFAULT_SIM_PROFILE)
    serial = r.get(m, key, "serial", check_serial_url, None)
    etherbone = None
    if "etherbone" in m:
        ek = f"{key}.etherbone"
        e = r.mapping(m["etherbone"], ek, ("ip", "port", "host_ip", "interface", "mac"), m.lines["etherbone"])
        etherbone = EtherboneConfig(
            ip=r.get(e, ek, "ip", check_ipv4),
            port=r.get(e, ek, "port", check_int(1, 65535, "a UDP port"), 1234),
            host_ip=r.get(e, ek, "host_ip", check_ipv4, None),
            interface=r.get(e, ek, "interface", check_ifname, None),
            mac=r.get(e, ek, "mac", check_mac, None) or board_mac(name))
        if etherbone.host_ip == etherbone.ip:
            raise r.error(f"the host and the board cannot both be {etherbone.ip}; host_ip is "
                          "the bench PC's address on the board's link", f"{ek}.host_ip",
                          e.lines["host_ip"])
    labgrid = None
    if "labgrid" in m:
        lk = f"{key}.labgrid"
        lg = r.mapping(m["labgrid"], lk, ("place", "host"), m.lines["labgrid"])
        labgrid = LabgridPlace(place=r.get(lg, lk, "place", lambda v: check_name(v, "a labgrid place name")),
                               host=r.get(lg, lk, "host", lambda v: check_name(v, "an exporter host name"), None))
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
        s = r.mapping(m.get("sim", PositionedMap()), sk, ("dram", "ethernet", "sys_clk_hz", "host_link",
                                                            "serial_latency_ms"),
                      m.lines.get("sim", 0))
        sim = SimConfig(dram=r.get(s, sk, "dram", check_bool, True),
                        ethernet=r.get(s, sk, "ethernet", check_bool, True),
                        sys_clk_hz=r.get(s, sk, "sys_clk_hz", check_int(1, what="a clock in Hz"),
                                         75_000_000),
                        host_link=r.get(s, sk, "host_link", check_sim_host_link, "tap"),
                        serial_latency_ms=r.get(s, sk, "serial_latency_ms",
                                                check_number(0, 255, what="milliseconds (the FTDI latency timer)"),
                                                0.0))
    revision, cable, cable_address, cable_override = _cable_keys(r, m, key, profile, labgrid is not None)
    return BoardConfig(
        name=name, kind=kind, profile=profile, serial=serial,
        baudrate=r.get(m, key, "baudrate", check_int(1, what="a baud rate"), 115200),
        etherbone=etherbone,
        cable=cable, revision=revision, cable_override=cable_override,
        cable_serial=r.get(m, key, "cable_serial", check_name, None),
        cable_address=cable_address,
        allow_timing_fail=r.get(m, key, "allow_timing_fail", check_bool, False),
        timeout_s=r.get(m, key, "timeout_s", check_number(0, what="seconds", lo_open=True), 2.0),
        tags=r.get(m, key, "tags", check_tags, []),
        sim=sim, labgrid=labgrid)


def _cable_keys(r: SectionReader, m: PositionedMap, key: str, profile: str, in_place: bool):
    """(revision, cable, cable_address, cable_override), the cable one its profile allows (cables.py);
    a board outside labgrid with a revision and no cable gets the revision's."""
    revision = r.get(m, key, "revision", lambda v: check_revision(profile, check_name(v, "a board revision")), None)
    cable = r.get(m, key, "cable", check_name, None)
    cable_address = r.get(m, key, "cable_address", check_cable_address, None)
    cable_override = r.get(m, key, "cable_override", check_bool, False)
    if cable is not None and cable_address is None and not cable_override:
        why = cable_problem(profile, cable, revision)
        if why:
            raise r.error(why, f"{key}.cable", m.lines["cable"])
    usb = board_cable(profile, revision, cable) if cable_address is None and not cable_override else None
    if cable is None and revision is not None and not in_place and usb is not None:
        cable = usb.openfpgaloader
    serial = m.get("serial")
    why = serial_interface_problem(serial, usb) if usb is not None and isinstance(serial, str) else None
    if why:
        raise r.error(why, f"{key}.serial", m.lines["serial"])
    return revision, cable, cable_address, cable_override


def judgement_section(r: SectionReader, value: Any, line: int) -> JudgementConfig:
    k = "judgement"
    m = r.mapping(value, k, ("tolerance", "slack", "clock_tolerance", "repeats"), line)
    return JudgementConfig(
        tolerance=r.get(m, k, "tolerance", check_number(0, 1, FRACTION, hi_open=True), 0.10),
        slack=r.get(m, k, "slack", check_number(0, None, FRACTION), 0.25),
        clock_tolerance=r.get(m, k, "clock_tolerance", check_number(0, 1, FRACTION, hi_open=True),
                              0.005),
        repeats=r.get(m, k, "repeats", check_int(1, what="a number of repeats"), 3))


def history_section(r: SectionReader, value: Any, line: int, base: Path) -> HistoryConfig:
    k = "history"
    m = r.mapping(value, k, ("path", "url", "baseline_runs", "drop_threshold", "quarantine_after"), line)
    path = r.get(m, k, "path", check_text, None)
    url = m.get("url")
    if "url" in m and (problem := url_problem(url)):       # never echoes the URL: it may hold a password
        raise r.error(problem, f"{k}.url", m.lines.get("url", 0))
    return HistoryConfig(
        path=relative_path(base, path) if path is not None else None,
        url=url.strip() if url else None,
        baseline_runs=r.get(m, k, "baseline_runs", check_int(1, what="a number of runs"), 5),
        drop_threshold=r.get(m, k, "drop_threshold",
                             check_number(0, 1, FRACTION, hi_open=True, lo_open=True), 0.10),
        quarantine_after=r.get(m, k, "quarantine_after", check_int(1, what="a number of nights"), 3))


def locks_section(r: SectionReader, value: Any, line: int, base: Path) -> LocksConfig:
    k = "locks"
    m = r.mapping(value, k, ("dir", "wait_s"), line)
    directory = r.get(m, k, "dir", check_text, None)
    return LocksConfig(
        dir=relative_path(base, directory) if directory is not None else None,
        wait_s=r.get(m, k, "wait_s", check_number(0, what="seconds"), 600.0))


def check_lanes(value: Any) -> tuple[int, ...]:
    expected = (f"a lane count from 1 to {MAX_LANES} or a list of distinct lane indexes "
                f"from 0 to {MAX_LANES - 1}, e.g. 4 or [0, 1]")
    if isinstance(value, int) and not isinstance(value, bool):
        if not 1 <= value <= MAX_LANES:
            raise Invalid(expected)
        return tuple(range(value))
    if not isinstance(value, list) or not value or len(set(map(repr, value))) != len(value) \
            or not all(isinstance(i, int) and not isinstance(i, bool) and 0 <= i < MAX_LANES for i in value):
        raise Invalid(expected)
    return tuple(sorted(value))


def check_coding(value: Any) -> str:
    from sailbench.gateware.profiles.lane_rates import CODINGS
    if value not in CODINGS:
        raise Invalid(f"a lane line code ({', '.join(CODINGS)})")
    return value


def check_line_rate(profile: str) -> Callable[[Any], float]:
    """A line rate in Gb/s the lane probe supports; 5 only on an ECP5-5G part (LFE5UM5G)."""
    def parse(value: Any) -> float:
        from sailbench.gateware.profiles.lane_rates import FIVE_G_ONLY_GBPS, LINE_RATES_GBPS
        from sailbench.gateware.profiles import get_profile
        five_g = "UM5G" in get_profile(profile).fpga.upper()
        allowed = [r for r in LINE_RATES_GBPS if five_g or r not in FIVE_G_ONLY_GBPS]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or float(value) not in allowed:
            more = "" if five_g else f" (5 Gb/s needs an ECP5-5G part; profile {profile} is not one)"
            raise Invalid(f"a line rate in Gb/s: one of {', '.join(f'{r:g}' for r in allowed)}{more}")
        return float(value)
    return parse


def pair_section(r: SectionReader, name: str, value: Any, line: int, boards: dict[str, BoardConfig]) -> PairConfig:
    key = f"pairs.{name}"
    if not isinstance(value, PositionedMap):
        raise r.error(f"expected a mapping describing the pair, found {found(value)}", key, line)
    m = r.mapping(value, key, _PAIR_KEYS, line)
    kind = r.get(m, key, "kind", check_kind)
    pair = PairConfig(
        name=name, kind=kind,
        profile=r.get(m, key, "profile", check_profile, DEFAULT_SIM_PROFILE if kind == "sim" else MISSING),
        upstream=r.get(m, key, "upstream", lambda v: check_name(v, "a board name")),
        downstream=r.get(m, key, "downstream", lambda v: check_name(v, "a board name")),
        lanes=r.get(m, key, "lanes", check_lanes, (0, 1, 2, 3)),
        tags=r.get(m, key, "tags", check_tags, []),
        place=r.get(m, key, "place", lambda v: check_name(v, "a labgrid pair place name"), None))
    pair = dataclasses.replace(pair, line_rate=r.get(m, key, "line_rate", check_line_rate(pair.profile), 1.25),
                               coding=r.get(m, key, "coding", check_coding, "8b10b"))
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
    if kind == "hardware":
        _pair_channel_budget(r, pair, f"{key}.lanes", m.lines.get("lanes", line))
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


def _pair_channel_budget(r: SectionReader, pair: PairConfig, key: str, line: int) -> None:
    """A hardware pair's lanes must fit its profile's part (channel_budget_error in gateware/profiles/)."""
    from sailbench.gateware.profiles import channel_budget_error, get_profile
    profile = get_profile(pair.profile)
    why = channel_budget_error(profile.part, pair.lane_count, profile.host_phy == "sgmii") if profile.part else None
    if why:
        raise r.error(f"profile {pair.profile}: {why}", key, line)


def pairs_section(r: SectionReader, value: Any, line: int, boards: dict[str, BoardConfig]) -> dict[str, PairConfig]:
    if not isinstance(value, PositionedMap):
        raise r.error(f"expected a mapping of pair name -> pair settings, found {found(value)}", "pairs", line)
    pairs: dict[str, PairConfig] = {}
    sim_roles: dict[str, str] = {}
    for name, body in value.items():
        pline = value.lines.get(name, line)
        if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", name):
            raise r.error(f"a pair name must be letters, digits, '-', '_' or '.', found {found(name)}",
                          f"pairs.{name}", pline)
        pair = pair_section(r, name, body, pline, boards)
        if pair.kind == "sim":
            for board in pair.boards:
                if board in sim_roles:
                    raise r.error(f"'{board}' already names a role of simulated pair '{sim_roles[board]}'; "
                                  "each simulated pair has boards of its own", f"pairs.{name}", pline)
                sim_roles[board] = name
        pairs[name] = pair
    return pairs


def relative_path(base: Path, value: str) -> Path:
    p = Path(value).expanduser()
    return p if p.is_absolute() else base / p


def boards_section(r: SectionReader, top: PositionedMap) -> dict[str, BoardConfig]:
    """`boards`, each board checked; a labgrid place names one board only; no two hardware boards collide
    on the network (collisions.py)."""
    boards_map = r.get(top, "", "boards", check_boards)
    boards: dict[str, BoardConfig] = {}
    places: dict[str, str] = {}
    for name, value in boards_map.items():
        line = boards_map.lines.get(name, 0)
        if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", name):
            raise r.error(f"a board name must be letters, digits, '-', '_' or '.', "
                          f"found {found(name)}", f"boards.{name}", line)
        board = boards[name] = board_section(r, name, value, line)
        if board.labgrid is None:
            continue
        if board.labgrid.place in places:
            raise r.error(f"place '{board.labgrid.place}' is already the place of board "
                          f"'{places[board.labgrid.place]}'; one place per board", f"boards.{name}.labgrid.place",
                          boards_map[name].lines.get("labgrid", 0))
        places[board.labgrid.place] = name
    check_no_collisions(r, boards_map, boards)
    return boards


def pair_places_are_their_own(r: SectionReader, top: PositionedMap, boards: dict[str, BoardConfig],
                              pairs: dict[str, PairConfig]) -> None:
    """A pair's labgrid place is neither a board's place nor another pair's."""
    places = {b.labgrid.place: name for name, b in boards.items() if b.labgrid is not None}
    seen: dict[str, str] = {}
    for name, pair in pairs.items():
        if pair.place is None:
            continue
        if pair.place in places or pair.place in seen:
            other = f"board '{places[pair.place]}'" if pair.place in places else f"pair '{seen[pair.place]}'"
            raise r.error(f"place '{pair.place}' is already the place of {other}; each pair place is its own",
                          f"pairs.{name}.place", top["pairs"][name].lines.get("place", 0))
        seen[pair.place] = name


def single_value(r: SectionReader, top: PositionedMap, section: str, key: str, check, default):
    """`section: {key: value}` (a section of one key), checked; `default` when the section is absent."""
    if section not in top:
        return default
    m = r.mapping(top[section], section, (key,), top.lines[section])
    return r.get(m, section, key, check, default)

