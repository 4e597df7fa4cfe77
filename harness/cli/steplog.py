"""-v / --log-file: the `sailbench.*` step loggers (harness/steps.py) at DEBUG, to stderr and/or a file."""
from __future__ import annotations

import logging
import sys
from pathlib import Path

from sailbench.harness.errors import ConfigError


def start_step_log(verbose: bool, log_file: Path | None) -> list[logging.Handler]:
    """To stderr with -v, to a file with --log-file. Without either nothing is configured, so the output
    is only the progress lines. The handlers returned go to stop_step_log."""
    handlers: list[logging.Handler] = []
    if verbose:
        handlers.append(logging.StreamHandler(sys.stderr))
    if log_file is not None:
        try:
            handlers.append(logging.FileHandler(log_file, encoding="utf-8"))
        except OSError as e:
            raise ConfigError(f"cannot write the log file {log_file}: {e.strerror or e}") from e
    logger = logging.getLogger("sailbench")
    for handler in handlers:
        handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s: %(message)s"))
        logger.addHandler(handler)
    if handlers:
        logger.setLevel(logging.DEBUG)
    return handlers


def stop_step_log(handlers: list[logging.Handler]) -> None:
    logger = logging.getLogger("sailbench")
    for handler in handlers:
        logger.removeHandler(handler)
        handler.close()
    if handlers:
        logger.setLevel(logging.NOTSET)
