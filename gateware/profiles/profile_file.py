"""One board profile file (in gateware/boards/, named after the profile) -> a checked BoardProfile.

The file's name is the profile's name. Every key is read with its line; a problem
is a ProfileError naming the file, the dotted key and the line, like lab.yaml's.
The format is described in docs/boards.md; the shipped files are examples.
"""
from __future__ import annotations

import re
from pathlib import Path

from sailbench.gateware.profiles.profile_yaml import (Fields, Invalid, LineMap, ProfileError, boolean, found, integer,
                                             load_profile_yaml, names, number, one_of, text)
from sailbench.gateware.profiles import (HOST_PHYS, BoardProfile, Cable, DramProfile, SerDesChannel, SerDesRefClk,
                                         channel_budget_error, serdes_channels_of)

TOP_KEYS = ("description", "fpga", "sys_clk_hz", "pins", "clk_in", "clk_in_hz", "dram", "host_link", "serdes", "cable",
            "not_buildable", "notes")
PACKAGE_CODES = {"CABGA256": "BG256", "CABGA381": "BG381", "CABGA554": "BG554", "CABGA756": "BG756",
                 "CSFBGA285": "MG285", "TQFP144": "TG144"}
PARTS = ("LFE5U-12F", "LFE5U-25F", "LFE5U-45F", "LFE5U-85F", "LFE5UM-25F", "LFE5UM-45F", "LFE5UM-85F",
         "LFE5UM5G-25F", "LFE5UM5G-45F", "LFE5UM5G-85F")
_CHANNEL_RE = re.compile(r"DCU(\d) CH(\d)")
# Record field -> profile-file key, for the checks made on the record (profile_checks.py).
FIELD_KEYS = {"name": "", "sys_clk_hz": "sys_clk_hz", "host_phy": "host_link.phy", "fpga": "fpga",
              "platform": "pins", "not_buildable_reason": "not_buildable", "mac_address": "host_link.mac",
              "lanes": "serdes.channels", "sgmii_channel": "serdes", "serdes_refclk": "serdes.refclk",
              "serdes_refclk_dcu1": "serdes.refclk_dcu1",
              "serdes_channels": "serdes.channels"}


def _key_line(data: LineMap, dotted: str) -> int:
    """The line of a dotted key in the file (its deepest existing part)."""
    m, line = data, 0
    for part in dotted.split(".") if dotted else ():
        if not isinstance(m, LineMap) or part not in m:
            break
        line, m = m.lines[part], m[part]
    return line or data.line


def _part(value) -> str:
    if value not in PARTS:
        raise Invalid("an ECP5 part: " + ", ".join(PARTS))
    return value


def _mac(value) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}", value):
        raise Invalid("a MAC address like 10:e2:d5:00:00:00")
    return value.lower()


def _usb_id(value) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"[0-9a-f]{4}:[0-9a-f]{4}", value):
        raise Invalid("a USB vendor:product id like '0403:6010' (quoted, lower-case hex)")
    return value


def _read_dram(f: Fields) -> DramProfile:
    d = f.sub("dram", ("part", "memtype", "data_width", "ratio", "speed_bin", "chip_width", "io_standard", "timings"))
    part = d.get("part", text)
    width = re.search(r"M(4|8|16)$", part)
    chip_width = d.get("chip_width", integer(4, 16, "a chip width in bits"), int(width.group(1)) if width else None)
    if chip_width is None:
        raise d.error(f"cannot tell the chip width of '{part}' from its name; set dram.chip_width (4, 8 or 16)",
                      "dram.chip_width", d.m.line)
    overrides = ()
    if d.has("timings"):
        t = d.sub("timings", ("tRP", "tRCD", "tWR", "tRFC", "tFAW", "tRAS", "tREFI", "tWTR", "tRRD"))
        overrides = tuple((k, t.get(k, number(0.001, "a time in ns"))) for k in t.m)
    return DramProfile(module=part, memtype=d.get("memtype", one_of("DDR3"), "DDR3"),
                       data_width=d.get("data_width", integer(8, 72, "DQ bits")),
                       ratio=d.get("ratio", integer(1, 4, "a sys:DRAM clock ratio")),
                       speed_bin=d.get("speed_bin", text), chip_width=chip_width,
                       io_standard=d.get("io_standard", text, "SSTL135_I"), timing_overrides=overrides)


def _channel(s: Fields, name: str) -> tuple[int, int, Fields]:
    m = _CHANNEL_RE.fullmatch(str(name))
    line = s.m.lines.get(name, s.m.line)
    if m is None:
        raise s.error(f"a channel is named like 'DCU0 CH1', found {found(name)}", s.dotted(name), line)
    c = Fields(s.path, s.m[name], s.dotted(name), ("use", "optional", "tx", "rx", "connector", "tx_polarity",
                                                 "rx_polarity", "termination_ohm"), line)
    return int(m.group(1)), int(m.group(2)), c


def _read_refclk(s: Fields, key: str, loc: str) -> SerDesRefClk | None:
    if not s.has(key):
        return None
    r = s.sub(key, ("pads", "index", "hz", "loc", "enables", "termination_ohm"))
    return SerDesRefClk(pads=r.get("pads", text), index=r.get("index", integer(0, 7), 0),
                        hz=r.get("hz", number(1e6, "a clock in Hz")), loc=r.get("loc", text, loc),
                        enables=r.get("enables", names, ()),
                        termination_ohm=r.get("termination_ohm", integer(0, 200, "ohms"), None))


def _read_serdes(f: Fields, part: str, host_phy: str | None):
    s = f.sub("serdes", ("refclk", "refclk_dcu1", "channels", "sgmii_option"))
    refclk, refclk_dcu1 = _read_refclk(s, "refclk", "EXTREF0"), _read_refclk(s, "refclk_dcu1", "EXTREF1")
    have = serdes_channels_of(part)
    m = s.m.get("channels", LineMap())
    if not isinstance(m, LineMap):
        raise s.error(f"expected a mapping of channel ('DCU0 CH1') -> use, found {found(m)}", "serdes.channels",
                      s.line("channels"))
    chans = Fields(s.path, m, "serdes.channels", tuple(m), s.line("channels"))
    lanes, optional, free, sgmii, by_name = [], [], [], None, {}
    for name in m:
        dual, ch, c = _channel(chans, name)
        use = c.get("use", one_of("lane", "sgmii", "free"))
        rec = SerDesChannel(tx_pads=c.get("tx", text, ""), rx_pads=c.get("rx", text, ""), dual=dual, channel=ch,
                            tx_polarity=c.get("tx_polarity", integer(0, 1), 0),
                            rx_polarity=c.get("rx_polarity", integer(0, 1), 0), use=use,
                            optional=c.get("optional", boolean, False), connector=c.get("connector", text, ""),
                            termination_ohm=c.get("termination_ohm", integer(0, 200, "ohms"), None))
        by_name[rec.name] = rec
        if use != "free" and not (rec.tx_pads and rec.rx_pads):
            raise c.error(f"a {use} channel needs its 'tx' and 'rx' pads", c.key, c.m.line)
        if use == "free":
            free.append(rec.name)
        elif use == "sgmii":
            sgmii = rec
        else:
            (optional if rec.optional else lanes).append(rec)
    asked = len(lanes) + (1 if sgmii else 0)
    beyond = [n for n in by_name if 2 * by_name[n].dual + by_name[n].channel >= have]
    if asked > have or beyond:
        why = channel_budget_error(part, len(lanes), sgmii is not None) or \
            f"{', '.join(beyond)} is not a channel of {part} ({have} channels)"
        raise s.error(why, "serdes.channels", s.line("channels"))
    if s.has("sgmii_option"):
        name = s.get("sgmii_option", text)
        if name not in by_name or by_name[name].use == "free":
            raise s.error(f"'{name}' is not a listed lane channel of this profile", "serdes.sgmii_option",
                          s.line("sgmii_option"))
        if sgmii is None:
            sgmii = SerDesChannel(**{**by_name[name].__dict__, "use": "sgmii", "optional": True})
    if host_phy == "sgmii" and (sgmii is None or sgmii.optional):
        raise s.error("host_link.phy is sgmii: mark the channel it uses 'use: sgmii'", "serdes.channels",
                      s.line("channels"))
    return tuple(lanes), tuple(optional), tuple(free), sgmii, (refclk, refclk_dcu1), have


def _read_cables(f: Fields) -> tuple[Cable, ...]:
    value = f.m["cable"]
    if not isinstance(value, list) or not value:
        raise f.error(f"expected a list of cables (one per board revision), found {found(value)}", "cable",
                      f.line("cable"))
    out = []
    for i, item in enumerate(value):
        c = Fields(f.path, item, f"cable[{i}]", ("revision", "openfpgaloader", "usb_id", "uart_interface",
                                                 "jtag_interface"), f.line("cable"))
        out.append(Cable(revision=str(c.get("revision", text, "")), openfpgaloader=c.get("openfpgaloader", text),
                         usb_id=c.get("usb_id", _usb_id), uart_interface=c.get("uart_interface", integer(0, 7)),
                         jtag_interface=c.get("jtag_interface", integer(0, 7), 0)))
    return tuple(out)


def read_profile(path: Path) -> BoardProfile:
    """Read and check profile file `path`; ProfileError with file, key and line on any problem."""
    from sailbench.gateware.profiles.profile_checks import check_profile
    data = load_profile_yaml(path)
    f = Fields(path, data, "", TOP_KEYS, data.line)
    fp = f.sub("fpga", ("part", "package", "speed_grade", "temperature"))
    part, package = fp.get("part", _part), fp.get("package", text)
    speed, temp = fp.get("speed_grade", integer(6, 8, "a speed grade")), fp.get("temperature", one_of("C", "I"), "C")
    device = f"{part}-{speed}{PACKAGE_CODES.get(package, package)}{temp}"
    platform = device_arg = pins_file = None
    pin_table: tuple = ()
    if f.has("pins"):
        p = f.sub("pins", ("platform", "device", "lpf", "map"))
        platform, device_arg = p.get("platform", text, None), p.get("device", text, None)
        pins_file = p.get("lpf", text, None)
        if pins_file and not (path.parent / pins_file).is_file():
            raise p.error(f"no file '{pins_file}' beside {path.name}", "pins.lpf", p.line("lpf"))
        if sum(1 for k in ("platform", "lpf", "map") if p.has(k)) != 1:
            raise p.error("give the pins one way: platform (a LiteX platform module), lpf (a file beside this "
                          "one) or map", "pins", f.line("pins"))
        from sailbench.gateware.profiles.pin_map import pins_from_lpf, read_map
        table = []
        if p.has("map"):
            if not isinstance(p.m["map"], LineMap):
                raise p.error(f"expected a mapping of resource -> pins, found {found(p.m['map'])}", "pins.map",
                              p.line("map"))
            table, pins_file = read_map(path, p.m["map"]), "(map)"
        elif pins_file:
            table = pins_from_lpf(path.parent / pins_file)
        pin_table = tuple((q.resource, q.index, q.subsignal, q.bit, q.ball, q.io, q.misc) for q in table)
    host_phy, mac, eth_phy, txd, rxd = None, None, 0, 2.0, 2.0
    if f.has("host_link"):
        h = f.sub("host_link", ("phy", "eth_phy", "rgmii_tx_delay_ns", "rgmii_rx_delay_ns", "mac"))
        host_phy = h.get("phy", one_of(*HOST_PHYS))
        eth_phy, mac = h.get("eth_phy", integer(0, 3), 0), h.get("mac", _mac, None)
        txd = h.get("rgmii_tx_delay_ns", number(0, "ns"), 2.0)
        rxd = h.get("rgmii_rx_delay_ns", number(0, "ns"), 2.0)
    lanes, optional, free, sgmii, refclks, have = (), (), (), None, (None, None), serdes_channels_of(part)
    if f.has("serdes"):
        lanes, optional, free, sgmii, refclks, have = _read_serdes(f, part, host_phy)
    reason = f.get("not_buildable", text, "")
    profile = BoardProfile(
        name=path.stem, description=f.get("description", text), fpga=device, package=package,
        sys_clk_hz=f.get("sys_clk_hz", integer(1, what="a clock in Hz")),
        dram=_read_dram(f) if f.has("dram") else None, host_phy=host_phy, serdes_channels=have,
        platform=platform, platform_device=device_arg, clk_in=f.get("clk_in", text, "clk100"), eth_phy=eth_phy,
        rgmii_tx_delay_ns=txd, rgmii_rx_delay_ns=rxd, lanes=lanes, sgmii_channel=sgmii, serdes_refclk=refclks[0],
        serdes_refclk_dcu1=refclks[1],
        buildable=not reason, not_buildable_reason=reason, notes=f.get("notes", names, ()), part=part,
        speed_grade=speed, optional_lanes=optional, free_channels=free, mac_address=mac,
        cables=_read_cables(f) if f.has("cable") else (), pins_file=pins_file, pin_table=pin_table,
        clk_in_hz=f.get("clk_in_hz", number(1e6, "a clock in Hz"), 100e6))
    problem = check_profile(profile)
    if problem is not None:
        field_name, why = problem
        key = FIELD_KEYS.get(field_name, field_name)
        raise ProfileError(why, path=str(path), key=key or "(file name)", line=_key_line(data, key))
    return profile
