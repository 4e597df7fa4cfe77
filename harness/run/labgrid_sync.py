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
from sailbench.harness.config import BoardConfig, Lab
from sailbench.harness.config.cables import board_cable
from sailbench.harness.errors import ConfigError

DEFAULT_USB_ID = "0403:6010"          # a profile without cable data: the FT2232H of the Versa-ECP5

# labgrid 26's USBDebugger takes only the USB IDs of its own list (resource/udev.py); of the FTDI
# chips our boards carry, that is the FT2232H (0403:6010) but not the FT4232H (0403:6011, ECPIX-5 R03).
USB_DEBUGGER_IDS = {("0403", "6010"), ("0403", "6014")}
JTAG_FALLBACK = "USBFlashableDevice"  # any USB device by its udev match; exported with busnum/devnum too


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


def jtag_resource(usb_id: str) -> str:
    """The exporter resource for the board's debugger: USBDebugger where labgrid accepts its USB ID,
    else a USBFlashableDevice matched by the same udev properties (the place's NetworkUSBFlashableDevice
    gives the debugger's host and bus/device as a NetworkUSBDebugger would)."""
    return "USBDebugger" if tuple(usb_id.split(":")) in USB_DEBUGGER_IDS else JTAG_FALLBACK


def board_usb_resources(name: str, b: BoardConfig) -> list[str]:
    """One board's exporter group: the UART (USBSerialPort on the cable's UART interface) and the JTAG
    resource, matched by the USB ID of its profile's cable (per revision, harness/config/cables.py)."""
    cable = board_cable(b.profile, b.revision, b.cable)
    usb_id = cable.usb_id if cable else DEFAULT_USB_ID
    vendor, product = usb_id.split(":")
    match = {"ID_VENDOR_ID": vendor, "ID_MODEL_ID": product}
    lines = []
    if b.cable_serial:
        match["ID_SERIAL_SHORT"] = b.cable_serial
    else:
        lines.append(f"## board '{name}' has no cable_serial in lab.yaml: the match below takes the first "
                     f"{usb_id} device; set cable_serial (the FTDI serial number) when a host has several")
    jtag = jtag_resource(usb_id)
    lines.append(f"{b.labgrid.place}:     ## board '{name}' ({b.profile}"
                 f"{f' {b.revision}' if b.revision else ''}, USB {usb_id})")
    lines += ["  USBSerialPort:", "    match:"] + [f"      {k}: '{v}'" for k, v in match.items()]
    lines.append(f"      ID_USB_INTERFACE_NUM: '{cable.uart_interface if cable else 1:02d}'")
    lines.append(f"    speed: {b.baudrate}")
    if jtag != "USBDebugger":
        lines.append(f"  ## labgrid's USBDebugger does not take {usb_id}: the debugger is the whole USB device")
        match["DEVTYPE"] = "usb_device"
    lines += [f"  {jtag}:", "    match:"] + [f"      {k}: '{v}'" for k, v in match.items()]
    return lines


def exporter_config(lab: Lab, host: str) -> str:
    """labgrid-exporter configuration for the boards lab.yaml puts on `host` (labgrid.host).
    One group per place: the UART (USBSerialPort, exported through ser2net while the place is held),
    the JTAG interface (USBDebugger, or USBFlashableDevice for a USB ID labgrid's USBDebugger does not
    take) and the board's Ethernet NIC when it has one."""
    boards = [(n, b) for n, b in sorted(lab.boards.items()) if b.labgrid is not None and b.labgrid.host == host]
    lines = [f"## labgrid-exporter config for {host}: written by `sailbench labgrid sync --exporter-config {host}`",
             "## (a Jinja2 template: comments start with ##). Start: labgrid-exporter -c COORDINATOR "
             f"-n {host} --hostname {host} THIS_FILE"]
    if not boards:
        lines.append(f"## lab.yaml puts no board on host '{host}' (boards.NAME.labgrid.host)")
    for name, b in boards:
        lines += board_usb_resources(name, b)
        if b.etherbone is not None and b.etherbone.interface:
            lines.append("  NetworkInterface:")
            lines.append(f"    ifname: {b.etherbone.interface}")
    return "\n".join(lines) + "\n"
