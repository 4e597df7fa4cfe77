"""Every exit status `sailbench` and its bench pods return, in one place.

    0    OK            everything held (bench, pair), built (build), passed (bringup)
    1    FAILED        a verdict or invariant did not hold, a measurement failed or regressed, a stage failed,
                       a clock fails timing
    2    ERROR         the command could not run (board, config, tool, a board held by another run, Pending)
    3    NO_BOARD      a bench pod could not open its board (the pair runner reads it)
    130  INTERRUPTED   Ctrl-C or SIGTERM; what was measured is kept

The nightly's status is a sum of bits instead: NIGHTLY_VERDICTS | NIGHTLY_MEASUREMENT |
NIGHTLY_INFRASTRUCTURE, or ERROR when it could not run at all.
"""
from __future__ import annotations

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_ERROR = 2
EXIT_NO_BOARD = 3
EXIT_INTERRUPTED = 130

NIGHTLY_VERDICTS = 1          # a scheduler constant or invariant did not hold (the bench's finding)
NIGHTLY_MEASUREMENT = 4       # a board answered but a number is wrong: regression, checker errors, probe failed
NIGHTLY_INFRASTRUCTURE = 8    # a board could not be measured: health check, tool, build, lock, silent board, bug
