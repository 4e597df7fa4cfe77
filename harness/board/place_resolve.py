"""A board in a labgrid place, resolved from the place on every open (nothing is cached).

- Serial: the place's `NetworkSerialPort` (ser2net on the exporter host, started while the place
  is held, on a new port each time) becomes `rfc2217://HOST:PORT?ign_set_control` (raw protocol:
  `socket://HOST:PORT`).
- JTAG: the place's `NetworkUSBDebugger{host, busnum, devnum}` (or `NetworkUSBFlashableDevice` for a
  debugger labgrid's USBDebugger does not take, e.g. the ECPIX-5 R03's FT4232H) says where openFPGALoader runs:
  on that host over ssh, the bitstream copied there first (labgrid's own pattern for OpenOCD);
  locally when the debugger is on this host, with the cable of the board's profile and revision
  (`place_cable`). See `loader.Cable`.
- Ethernet: probes that need the board's NIC (host link, Etherbone) can only run on the host that
  has it (tunnelling would measure the tunnel): from any other host, one error naming that host.
"""
from __future__ import annotations

import dataclasses
import socket
from dataclasses import dataclass

from sailbench.harness.board.labgrid_place import LabgridError, Resource, coordinator, identity
from sailbench.harness.config import BoardConfig
from sailbench.harness.config.cables import board_cable

PLACE_CABLE = "ft2232"          # a profile without cable data: the Versa's FT2232H
# The place's JTAG resource: a NetworkUSBDebugger, or a NetworkUSBFlashableDevice where labgrid's
# USBDebugger does not take the debugger's USB ID (ECPIX-5 R03's FT4232H; harness/run/labgrid_sync.py).
DEBUGGER_CLASSES = ("NetworkUSBDebugger", "NetworkUSBFlashableDevice")


def place_cable(config: BoardConfig) -> str:
    """openFPGALoader's cable for a board in a place: its profile's cable for its revision
    (ECPIX-5 R02 `ecpix5-debug`, R03 `ft4232`), else the profile's default, else ft2232."""
    cable = board_cable(config.profile, config.revision, config.cable)
    return cable.openfpgaloader if cable is not None else PLACE_CABLE


def serial_url(resource: Resource) -> str:
    """pyserial URL of a NetworkSerialPort."""
    host, port = resource.params.get("host"), resource.params.get("port")
    if not host or not port:
        raise LabgridError(f"NetworkSerialPort {resource.exporter}/{resource.group} has no host/port yet "
                           "(ser2net starts when the place is acquired)")
    if resource.params.get("protocol", "rfc2217") == "raw":
        return f"socket://{host}:{port}"
    return f"rfc2217://{host}:{port}?ign_set_control"


def local_names() -> set[str]:
    """Names and addresses that mean this host."""
    names = {"localhost", "127.0.0.1", "::1", socket.gethostname(), socket.getfqdn()}
    try:
        names.update(socket.gethostbyname_ex(socket.gethostname())[2])
    except OSError:
        pass
    return names


def is_local(host: str | None) -> bool:
    return host is None or host in local_names()


@dataclass(frozen=True)
class PlaceView:
    """What the place says about its board right now."""
    place: str
    serial: list[Resource]
    debuggers: list[Resource]
    interfaces: list[Resource]

    @property
    def host(self) -> str | None:
        """The exporter host the board hangs on (its NIC's, else its serial port's)."""
        for group in (self.interfaces, self.serial, self.debuggers):
            for r in group:
                if r.host:
                    return r.host
        return None


def view(config: BoardConfig, address: str) -> PlaceView:
    """The board's resources from its place: those the place holds when this run holds it, else those
    its matches cover (e.g. `sailbench ident` without a lock)."""
    if config.labgrid is None:
        raise ValueError(f"board '{config.name}' has no labgrid place")
    c = coordinator(address)
    place = c.place(config.labgrid.place)
    resources = c.acquired_resources(place) if place.acquired == identity() else c.matched(place)
    pick = lambda *classes: [r for r in resources if r.cls in classes and r.avail]   # noqa: E731
    return PlaceView(config.labgrid.place, pick("NetworkSerialPort"), pick(*DEBUGGER_CLASSES),
                     pick("RemoteNetworkInterface"))


def resolve_board(config: BoardConfig, address: str) -> BoardConfig:
    """`config` with its serial URL read from the place now; the NIC check for Etherbone boards."""
    v = view(config, address)
    if not v.serial:
        raise LabgridError(f"place '{v.place}' exports no serial port (NetworkSerialPort) now: its exporter is "
                           "offline or the place is not held; this is the lab's failure, not the board's",
                           board=config.name)
    if config.etherbone is not None:
        check_nic_local(config, v)
    return dataclasses.replace(config, serial=serial_url(v.serial[0]))


def nic_elsewhere(config: BoardConfig) -> str | None:
    """The other host that has this board's Ethernet, by lab.yaml (`labgrid.host`), else None: a nightly
    on each exporter host runs the boards whose NICs are local."""
    if config.labgrid is None or config.etherbone is None or is_local(config.labgrid.host):
        return None
    return config.labgrid.host


def check_nic_local(config: BoardConfig, v: PlaceView) -> None:
    host = v.host or (config.labgrid.host if config.labgrid else None)
    if not is_local(host):
        raise LabgridError(f"the board's Ethernet (Etherbone, host link) is on host '{host}' and this is "
                           f"'{socket.gethostname()}': run this on {host} (e.g. the nightly of that exporter "
                           "host); tunnelling the link would measure the tunnel", board=config.name)


def debugger(config: BoardConfig, address: str) -> tuple[str | None, str | None]:
    """(host to run openFPGALoader on, None if this one; 'BUS:DEV' of the debugger, None if unknown)."""
    v = view(config, address)
    if not v.debuggers:
        raise LabgridError(f"place '{v.place}' exports no JTAG debugger ({' or '.join(DEBUGGER_CLASSES)}) now: "
                           "its exporter is offline or lacks the debugger's resource (sailbench labgrid sync "
                           "--exporter-config HOST)", board=config.name)
    d = v.debuggers[0]
    busdev = (f"{int(d.params['busnum'])}:{int(d.params['devnum'])}"
              if d.params.get("busnum") is not None and d.params.get("devnum") is not None else None)
    return (None if is_local(d.host) else d.host), busdev
