"""Is a board fit to be measured? Identifier, then a scratch round trip on every link.

Used before the probes by the nightly runner and as stages of bring-up. A
failure raises the harness error that says what is wrong; `classify` sorts
any error into infrastructure (tool, build, cable, load, lock, a silent or
wrong board: the bench could not get to measuring) or measurement (the board
answers, the number is wrong).
"""
from __future__ import annotations

from sailbench.harness.board.board import Board
from sailbench.harness.errors import BoardGarbageError, ProbeError, SailbenchError

SCRATCH_PATTERNS = (0x00000000, 0xFFFFFFFF, 0xA5A55A5A, 0x12345678)
INFRASTRUCTURE, MEASUREMENT, HARNESS = "infrastructure", "measurement", "harness"


def scratch_round_trip(board: Board, link: str | None = None) -> list[str]:
    """Write and read back the scratch register on one link (or every link); returns the links checked."""
    clients = board.clients()
    names = [link] if link else list(clients)
    for name in names:
        client = clients[name]
        for value in SCRATCH_PATTERNS:
            client.write("ctrl_scratch", value)
            got = client.read("ctrl_scratch")
            if got != value:
                raise BoardGarbageError(
                    f"scratch register over {name} read back 0x{got:08x} after writing 0x{value:08x}; "
                    "the bus answers but writes do not stick: check the bitstream and the link's wiring",
                    board=board.name, port=client.transport.name)
    return names


def check_health(board: Board) -> str:
    """Identifier and scratch on every link; returns a one-line summary, raises on failure."""
    ident = board.check_identifier()             # again: the open read it once, the board may have reset since
    links = scratch_round_trip(board)
    return f"identifier '{ident}', scratch round trip OK over {', '.join(links)}"


def classify(error: BaseException) -> str:
    """MEASUREMENT for a probe that ran and failed, INFRASTRUCTURE for every other harness error,
    HARNESS for an unexpected exception (a sailbench bug: report it with the traceback)."""
    if isinstance(error, ProbeError):
        return MEASUREMENT
    if isinstance(error, SailbenchError):
        return INFRASTRUCTURE
    return HARNESS
