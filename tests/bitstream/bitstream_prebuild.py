"""Bitstreams built in the background while the rest of the suite runs.

nextpnr (YoWASP) is single-threaded and a probe bitstream takes minutes; the simulation tests
spend much of their time waiting on simulators and sockets. So once collection has picked the
bitstream tests, one background thread per bitstream builds the bitstreams they need, all at
once (on two cores, one after another left the second core idle for the last build's minutes
once the other tests were done), and the bitstream tests run last. Each fixture calls the same build function: the build cache's file
lock makes a fixture that asks for a bitstream still being built wait for it (never a second
build), and a finished build is a cache hit. A failed background build is not reported here: the
fixture's own call meets the same failure and reports it on its test.
"""
from __future__ import annotations

import os
import threading
import traceback
from pathlib import Path
from typing import Callable

# The simulation tests keep their timing (simulators, sockets, pair deadlines) while nextpnr takes
# whatever CPU they leave; a bitstream test waiting for its build has the machine to itself by then.
NICENESS = 10
# Niced, a build waits for the CPU the tests leave it: its timeout is long (the fixture that needs it
# still has its test's own timeout).
PREBUILD_TIMEOUT_S = 3 * 3600

Builder = Callable[..., object]     # builder(progress, timeout_s=...)

_threads: list[threading.Thread] = []


def start(builders: list[tuple[str, Builder]], log_path: Path) -> None:
    """Build each (name, builder) in a daemon thread of its own; progress lines go to `log_path`."""
    if _threads or not builders:
        return
    log_path.parent.mkdir(parents=True, exist_ok=True)
    log = open(log_path, "a", buffering=1)
    lock = threading.Lock()

    def write(line: str) -> None:
        with lock:
            log.write(line + "\n")

    def run(name: str, builder: Builder) -> None:
        os.nice(NICENESS)   # Linux: this thread only, and the tool processes it starts inherit it
        write(f"prebuild {name}: start")
        try:
            builder(lambda m: write(f"[{name}] {m}"), timeout_s=PREBUILD_TIMEOUT_S)
            write(f"prebuild {name}: done")
        except Exception:   # the fixture's own call reports it on its test
            write(f"prebuild {name}: failed\n{traceback.format_exc()}")

    for name, builder in builders:
        thread = threading.Thread(target=run, args=(name, builder), name=f"bitstream-prebuild-{name}", daemon=True)
        _threads.append(thread)
        thread.start()


def toolchain_last(items: list) -> None:
    """Move the bitstream tests to the end, in place, keeping each group's order."""
    bitstream = [i for i in items if "tests/bitstream/" in str(i.fspath)]
    others = [i for i in items if "tests/bitstream/" not in str(i.fspath)]
    items[:] = others + bitstream
