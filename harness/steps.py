"""The step log: where the time went.

Each long step (a build, starting the simulator, opening a board, loading it, DRAM init, each
probe, each pair phase) is logged on its layer's logger, `sailbench.<layer>`, when it starts and
with its duration when it ends, like labgrid's step log. Nothing is shown unless logging is
configured: `sailbench -v` sends it to stderr, `--log-file PATH` to a file. What a command prints
(its progress lines) does not change.
"""
from __future__ import annotations

import logging
import time
from contextlib import contextmanager
from typing import Iterator


def layer_logger(layer: str) -> logging.Logger:
    """The logger of one harness layer (`sailbench.board`, `sailbench.probes`, ...)."""
    return logging.getLogger(f"sailbench.{layer}")


@contextmanager
def step(logger: logging.Logger, what: str) -> Iterator[None]:
    """Log `what ...` now and `what done in 1.23 s` (or `failed after`) at the end. Also a
    decorator: `@step(logger, "DRAM init")`."""
    logger.info("%s ...", what)
    t0 = time.monotonic()
    try:
        yield
    except BaseException as e:
        logger.info("%s failed after %.2f s (%s)", what, time.monotonic() - t0, type(e).__name__)
        raise
    logger.info("%s done in %.2f s", what, time.monotonic() - t0)
