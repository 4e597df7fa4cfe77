"""`sailbench labgrid sync`: the places lab.yaml implies, created or updated on the coordinator.

A board `b` with `labgrid: {place: P}` gets place P matching `*/P/*`: the
exporter on the board's host exports the board's resources in a group named P
(see `exporter_config`). A pair with `place: Q` gets place Q matching both
boards' groups, so the coordinator acquires it all or nothing and neither
board can be taken alone while it is held. Tags say what sailbench made the
place for. Running it twice changes nothing the second time.
"""
from __future__ import annotations

from typing import Callable

from sailbench.harness.board.labgrid_place import coordinator
from sailbench.harness.config import Lab
from sailbench.harness.errors import ConfigError

FTDI_VENDOR, FT2232_PRODUCT = "0403", "6010"     # the Versa-ECP5's FT2232H: interface 0 JTAG, 1 UART


def wanted_places(lab: Lab) -> dict[str, tuple[set[str], dict[str, str]]]:
    """place -> (match patterns, tags) for every board place and pair place in lab.yaml."""
    out: dict[str, tuple[set[str], dict[str, str]]] = {}
    for name, board in sorted(lab.boards.items()):
        if board.labgrid is not None:
            out[board.labgrid.place] = ({f"*/{board.labgrid.place}/*"},
                                        {"sailbench": "board", "board": name, "profile": board.profile})
    for name, pair in sorted(lab.pairs.items()):
        if pair.place is not None:
            groups = [lab.board(b).labgrid.place for b in pair.boards]   # validated: both have places
            out[pair.place] = ({f"*/{g}/*" for g in groups},
                               {"sailbench": "pair", "pair": name, "profile": pair.profile})
    return out


def sync_places(lab: Lab, progress: Callable[[str], None] = print) -> list[str]:
    """Create/update the places; returns (and says) one line per change. A lab.yaml with no place is
    a ConfigError saying so (before the coordinator is asked for)."""
    wanted = wanted_places(lab)
    if not wanted:
        raise ConfigError("no labgrid places to sync: no board has `labgrid: {place: P}` and no pair has "
                          "`place: Q`", path=str(lab.path),
                          hint="add a place to the boards (or pairs) a labgrid coordinator should hand out "
                               "(docs/labgrid.md)")
    from labgrid.remote.generated import labgrid_coordinator_pb2 as pb
    c = coordinator(lab.coordinator)
    changes: list[str] = []

    def change(text: str) -> None:
        changes.append(text)
        progress(text)

    existing = c.places()
    for place, (matches, tags) in wanted.items():
        if place not in existing:
            c.call("AddPlace", pb.AddPlaceRequest(name=place))
            change(f"created place '{place}'")
        have = {repr(m) for m in c.place(place).matches}
        for pattern in sorted(matches - have):
            c.call("AddPlaceMatch", pb.AddPlaceMatchRequest(placename=place, pattern=pattern))
            change(f"place '{place}': added match {pattern}")
        for pattern in sorted(have - matches):
            c.call("DeletePlaceMatch", pb.DeletePlaceMatchRequest(placename=place, pattern=pattern))
            change(f"place '{place}': removed match {pattern}")
        if dict(c.place(place).tags) != tags:
            c.call("SetPlaceTags", pb.SetPlaceTagsRequest(placename=place, tags=tags))
            change(f"place '{place}': tags " + " ".join(f"{k}={v}" for k, v in sorted(tags.items())))
    if not changes:
        progress(f"places on {lab.coordinator} already match lab.yaml ({len(wanted)} places)")
    return changes


def exporter_config(lab: Lab, host: str) -> str:
    """labgrid-exporter configuration for the boards lab.yaml puts on `host` (labgrid.host).
    One group per place: the UART (USBSerialPort, exported through ser2net while the place is held),
    the JTAG interface (USBDebugger) and the board's Ethernet NIC when it has one."""
    boards = [(n, b) for n, b in sorted(lab.boards.items()) if b.labgrid is not None and b.labgrid.host == host]
    lines = [f"## labgrid-exporter config for {host}: written by `sailbench labgrid sync --exporter-config {host}`",
             "## (a Jinja2 template: comments start with ##). Start: labgrid-exporter -c COORDINATOR "
             f"-n {host} --hostname {host} THIS_FILE"]
    if not boards:
        lines.append(f"## lab.yaml puts no board on host '{host}' (boards.NAME.labgrid.host)")
    for name, b in boards:
        serial = b.cable_serial
        match = {"ID_VENDOR_ID": FTDI_VENDOR, "ID_MODEL_ID": FT2232_PRODUCT}
        if serial:
            match["ID_SERIAL_SHORT"] = serial
        else:
            lines.append(f"## board '{name}' has no cable_serial in lab.yaml: the match below takes the first "
                         "FT2232H; set cable_serial (the FTDI serial number) when a host has several")
        lines.append(f"{b.labgrid.place}:     ## board '{name}' ({b.profile})")
        lines.append("  USBSerialPort:")
        lines.append("    match:")
        for k, v in match.items():
            lines.append(f"      {k}: '{v}'")
        lines.append("      ID_USB_INTERFACE_NUM: '01'")
        lines.append(f"    speed: {b.baudrate}")
        lines.append("  USBDebugger:")
        lines.append("    match:")
        for k, v in match.items():
            lines.append(f"      {k}: '{v}'")
        if b.etherbone is not None and b.etherbone.interface:
            lines.append("  NetworkInterface:")
            lines.append(f"    ifname: {b.etherbone.interface}")
    return "\n".join(lines) + "\n"
