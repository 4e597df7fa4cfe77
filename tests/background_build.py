"""Builds run in daemon threads while the suite's tests run: the Verilator simulations
(sim_prebuild.py) and the ECP5 bitstreams (bitstream/bitstream_prebuild.py).

A background build only starts a build early: the test or fixture that needs it makes the same
build call, which waits on the build cache's file lock for a build still running (never a second
build) and is a cache hit once it is done. A failed background build is logged, not reported: the
test's own call meets the same failure and reports it on its test.
"""
from __future__ import annotations

import os
import threading
import traceback
from pathlib import Path
from typing import Callable

Progress = Callable[[str], None]
Builder = Callable[[Progress], object]      # builder(progress): one build, raising on failure

_started: dict[Path, list[threading.Thread]] = {}


def start(builders: list[tuple[str, Builder]], log_path: Path, niceness: int = 0,
          one_thread: bool = False) -> list[threading.Thread]:
    """Build each (name, builder) in the background; progress lines and failures go to `log_path`.

    `one_thread`: one thread builds them one after another in the order given (each build is
    wanted by a test in that order); otherwise each gets a thread of its own, all started now.
    `niceness` is added to each thread's (Linux: the thread only, and the tool processes it starts
    inherit it). Once per log file per process: a second call returns the first call's threads.
    """
    if log_path in _started or not builders:
        return _started.get(log_path, [])
    log_path.parent.mkdir(parents=True, exist_ok=True)
    log = open(log_path, "a", buffering=1)
    lock = threading.Lock()

    def write(line: str) -> None:
        with lock:
            log.write(line + "\n")

    def run(batch: list[tuple[str, Builder]]) -> None:
        if niceness:
            os.nice(niceness)
        for name, builder in batch:
            write(f"prebuild {name}: start")
            try:
                builder(lambda m, name=name: write(f"[{name}] {m}"))
                write(f"prebuild {name}: done")
            except Exception:   # the test's own call reports it
                write(f"prebuild {name}: failed\n{traceback.format_exc()}")

    batches = [builders] if one_thread else [[b] for b in builders]
    threads = [threading.Thread(target=run, args=(batch,), daemon=True,
                                name=f"prebuild-{'+'.join(name for name, _ in batch)}") for batch in batches]
    _started[log_path] = threads
    for thread in threads:
        thread.start()
    return threads
