"""A LiteX ECP5 platform from a profile's pin table, so a board given by a pin map or an LPF
(docs/boards.md) builds without a platform module: each (resource, index) becomes one `_io`
entry, with Subsignals where the pins have them, their I/O standard and attributes."""
from __future__ import annotations

from collections import defaultdict

from litex.build.generic_platform import IOStandard, Misc, Pins, Subsignal
from litex.build.lattice import LatticeECP5Platform

from sailbench.gateware.profiles import BoardProfile


def _constraints(rows: list[tuple]) -> list:
    rows = sorted(rows, key=lambda r: r[3])
    out = [Pins(" ".join(r[4] for r in rows))]
    if rows[0][5]:
        out.append(IOStandard(rows[0][5]))
    out += [Misc(m) for m in rows[0][6]]
    return out


def io_of(profile: BoardProfile) -> list[tuple]:
    groups: dict[tuple[str, int], dict[str | None, list[tuple]]] = defaultdict(lambda: defaultdict(list))
    for row in profile.pin_table:            # (resource, index, subsignal, bit, ball, io, misc)
        groups[(row[0], row[1])][row[2]].append(row)
    io = []
    for (resource, index), subs in groups.items():
        if None in subs:
            io.append((resource, index, *_constraints(subs[None])))
        else:
            io.append((resource, index, *[Subsignal(s, *_constraints(rows)) for s, rows in subs.items()]))
    return io


def pin_table_platform(profile: BoardProfile) -> LatticeECP5Platform:
    class Platform(LatticeECP5Platform):
        default_clk_name = profile.clk_in
        default_clk_period = 1e9 / profile.clk_in_hz
    return Platform(profile.fpga, io_of(profile), toolchain="trellis")
