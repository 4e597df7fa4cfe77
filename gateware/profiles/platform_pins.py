"""Dump a LiteX platform module's pin table as JSON (one object per ball), for the host.

    python -m sailbench.gateware.profiles.platform_pins litex_boards.platforms.lattice_versa_ecp5

The harness never imports LiteX, so `sailbench board check` and `board new` read a
litex-boards platform's pins through this (gateware/profiles/pin_map.Pin fields).
"""
from __future__ import annotations

import importlib
import json
import sys


def platform_pins(module: str) -> list[dict]:
    from litex.build.generic_platform import IOStandard, Misc, Pins, Subsignal
    out = []
    for entry in importlib.import_module(module)._io:
        name, index, items = entry[0], entry[1], entry[2:]
        outer_io = next((c.name for c in items if isinstance(c, IOStandard)), None)
        outer_misc = [c.misc for c in items if isinstance(c, Misc)]
        groups = [(None, items)] if any(isinstance(c, Pins) for c in items) else \
            [(s.name, s.constraints) for s in items if isinstance(s, Subsignal)]
        for sub, cons in groups:
            pins = next((c for c in cons if isinstance(c, Pins)), None)
            if pins is None:
                continue
            io = next((c.name for c in cons if isinstance(c, IOStandard)), outer_io)
            misc = [c.misc for c in cons if isinstance(c, Misc)] + outer_misc
            for bit, ball in enumerate(pins.identifiers):
                out.append({"resource": name, "index": index, "subsignal": sub, "bit": bit, "ball": ball,
                            "io": io, "misc": misc})
    return out


if __name__ == "__main__":
    print(json.dumps(platform_pins(sys.argv[1])))
