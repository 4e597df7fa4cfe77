"""Bitstreams built in the background while the rest of the suite runs.

nextpnr (YoWASP) is single-threaded and a probe bitstream takes minutes; the simulation tests
spend much of their time waiting on simulators and sockets. So once collection has picked the
bitstream tests, one background thread per bitstream builds the bitstreams they need, all at
once (on two cores, one after another left the second core idle for the last build's minutes
once the other tests were done), and the bitstream tests run last (tests/sim_prebuild.py's run
order). Each fixture calls the same build function (background_build.py: a fixture that asks for a
bitstream still being built waits for it, never a second build).
"""
from __future__ import annotations

import functools
from pathlib import Path
from typing import Callable

import background_build

# Normal priority, not niced: a bitstream build is one single-threaded chain of yosys then nextpnr,
# the longest of the suite. Niced (10), it got only the CPU the tests left it and finished after
# them, alone on one core while the other idled (the Versa probe in a CI run: yosys 715 s while the
# tests ran, the build 1061 s, the suite's tail). At normal priority it takes its fair share from the
# start and the machine stays busy to the end: the same CPU work in less wall time, the tests'
# simulators somewhat slower meanwhile.
NICENESS = 0
# A build beside the tests (and beside other jobs on a shared machine) may take far longer than
# alone: its timeout is long (the fixture that needs it still has its test's own timeout).
PREBUILD_TIMEOUT_S = 3 * 3600

BitstreamBuilder = Callable[..., object]     # builder(progress, timeout_s=...)


def start(builders: list[tuple[str, BitstreamBuilder]], log_path: Path) -> None:
    """Build each (name, builder) in a background thread of its own, all started now."""
    background_build.start([(name, functools.partial(builder, timeout_s=PREBUILD_TIMEOUT_S))
                            for name, builder in builders], log_path, niceness=NICENESS)
