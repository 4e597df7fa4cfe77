"""The history database a command records into, and the sinks that feed it (none with --no-history)."""
from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Callable, Iterator

from sailbench.harness.config import Lab
from sailbench.harness.record.history import History, open_history
from sailbench.harness.record.history_sink import HistorySink


@contextmanager
def recording(lab: Lab, enabled: bool, progress: Callable[[str], None]) -> Iterator[tuple[History | None, list[Any]]]:
    """(history, sinks) for one run: lab.yaml's history database and a sink writing each record into it, or
    (None, []) when not `enabled`. The database is closed when the block ends."""
    if not enabled:
        yield None, []
        return
    with open_history(lab) as history:
        yield history, [HistorySink(history, lab.history, progress)]
