"""A hardware board's cable against its profile's cable data (gateware/boards/*.yaml `cable:`).

A profile lists a cable per board revision: openFPGALoader's cable name, the debugger's USB
vendor:product and the USB interface of its UART (ECPIX-5 R02: `ecpix5-debug`, 0403:6010; R03:
`ft4232`, 0403:6011). lab.yaml's `revision` picks one; a board's `cable` must be one its
profile (its revision, when given) lists, unless `cable_override: true` says the other cable is
meant. A network cable (`cable_address`: xvc-client, remote-bitbang) reaches whatever answers at
that address and is not checked against the board's USB debugger. `revision` alone sets the cable
(a board outside labgrid), and a `/dev/serial/by-id/...-ifNN-port0` serial path must be the
cable's UART interface.
"""
from __future__ import annotations

import re

from sailbench.gateware.profiles import Cable, get_profile
from sailbench.harness.config.validation import Invalid


def profile_cables(profile: str) -> tuple[Cable, ...]:
    return get_profile(profile).cables


def describe(c: Cable) -> str:
    rev = f"revision {c.revision}: " if c.revision else ""
    return f"{rev}{c.openfpgaloader} (USB {c.usb_id}, UART on interface {c.uart_interface})"


def check_revision(profile: str, revision: str) -> str:
    """`revision` must be one the profile lists a cable for."""
    known = [c.revision for c in profile_cables(profile) if c.revision]
    if revision not in known:
        raise Invalid(f"a revision profile {profile} lists a cable for ({', '.join(known) or 'none'})")
    return revision


def cable_problem(profile: str, cable: str, revision: str | None) -> str | None:
    """Why `cable` is not a cable of `profile` (at `revision`), else None."""
    cables = profile_cables(profile)
    if revision is not None:
        cables = tuple(c for c in cables if c.revision == revision)
    if not cables or any(c.openfpgaloader == cable for c in cables):
        return None
    takes = "; ".join(describe(c) for c in cables)
    return (f"profile {profile}{f' revision {revision}' if revision else ''} takes {takes}, not '{cable}'; "
            "set the revision's cable, or cable_override: true if this cable is meant")


def board_cable(profile: str, revision: str | None, cable: str | None = None) -> Cable | None:
    """The profile's cable for this board: its revision's, else the one named `cable`, else the
    profile's first (default). None when the profile lists no cable."""
    cables = profile_cables(profile)
    if revision is not None:
        return next((c for c in cables if c.revision == revision), None)
    if cable is not None:
        named = next((c for c in cables if c.openfpgaloader == cable), None)
        if named is not None:
            return named
    return cables[0] if cables else None


def serial_interface_problem(serial: str, cable: Cable) -> str | None:
    """Why a /dev/serial/by-id/...-ifNN-portM path is not the cable's UART interface, else None."""
    m = re.search(r"-if(\d{2})-port\d+$", serial)
    if m is None or int(m.group(1)) == cable.uart_interface:
        return None
    jtag = " (the JTAG side)" if int(m.group(1)) == cable.jtag_interface else ""
    return (f"{serial} is USB interface {int(m.group(1))}{jtag}; the UART of {describe(cable)} is on interface "
            f"{cable.uart_interface}: use the ...-if{cable.uart_interface:02d}-port0 path")
