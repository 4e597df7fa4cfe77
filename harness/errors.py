"""The sailbench error tree.

One root (`SailbenchError`), one subclass per layer. Every message names what
is wrong, where (file and key, board and port) and what to check, in one line,
so the command line can print `str(error)` and nothing else.
"""
from __future__ import annotations


class SailbenchError(Exception):
    """Root of every error sailbench raises on purpose."""


class ConfigError(SailbenchError):
    """lab.yaml, a profile or an option is malformed.

    `path` is the file, `key` the dotted key path inside it (e.g.
    `boards.versa-ecp5.serial`)."""

    def __init__(self, message: str, *, path: str | None = None, key: str | None = None):
        where = ""
        if path and key:
            where = f"{path}: {key}: "
        elif path:
            where = f"{path}: "
        elif key:
            where = f"{key}: "
        super().__init__(f"{where}{message}")
        self.path = path
        self.key = key


class UnknownBoardError(ConfigError):
    """A board name that lab.yaml does not define."""

    def __init__(self, name: str, known: list[str], *, path: str | None = None):
        listed = ", ".join(sorted(known)) or "(none)"
        super().__init__(f"unknown board '{name}'; lab.yaml defines: {listed}", path=path)
        self.name = name
        self.known = known


class UnknownPairError(ConfigError):
    """A pair name that lab.yaml's `pairs` does not define."""

    def __init__(self, name: str, known: list[str], *, path: str | None = None):
        listed = ", ".join(sorted(known)) or "(none)"
        super().__init__(f"unknown pair '{name}'; lab.yaml pairs: {listed}", path=path)
        self.name = name
        self.known = known


class ConstantsError(SailbenchError):
    """The scheduler's bandwidth constants could not be read."""


class ToolError(SailbenchError):
    """A required external tool is missing or failed (verilator, yowasp, openFPGALoader)."""


class BuildError(SailbenchError):
    """Building gateware (simulation or bitstream) failed."""


class BoardError(SailbenchError):
    """Talking to a board failed. `board` and `port` say which one and where."""

    def __init__(self, message: str, *, board: str | None = None, port: str | None = None):
        prefix = ""
        if board and port:
            prefix = f"board '{board}' on {port}: "
        elif board:
            prefix = f"board '{board}': "
        elif port:
            prefix = f"{port}: "
        super().__init__(f"{prefix}{message}")
        self.board = board
        self.port = port


class BoardSilentError(BoardError):
    """The board did not answer within the timeout."""


class BoardGarbageError(BoardError):
    """The board answered something that is not the expected protocol."""


class IdentifierMismatchError(BoardError):
    """The board runs another build than the one the harness expects."""


class SimulatorError(BoardError):
    """The simulated board could not be started or died."""


class BoardBusyError(BoardError):
    """Another run holds the board's lock. `holder` says who (pid, host, command, since)."""

    def __init__(self, message: str, *, board: str | None = None, holder: dict | None = None):
        super().__init__(message, board=board)
        self.holder = holder or {}


class ProbeError(SailbenchError):
    """A probe could not complete a measurement (timeout, bad setting)."""


class MeasurementError(ProbeError):
    """A measurement completed but the result is a failure (e.g. checker errors)."""


class ResultsError(SailbenchError):
    """The results file could not be written (directory missing, not writable, disk full)."""


class SinkError(SailbenchError):
    """Something that follows a results file as it is written (a results sink) could not keep up.
    Each sink raises this or its own subclass; the results file knows no particular sink."""


class HistoryError(SinkError):
    """The history database could not be opened, migrated or written."""


class PairError(SailbenchError):
    """A bench pair run could not go on. `pair` names the pair, `phase` the run's phase then."""

    def __init__(self, message: str, *, pair: str | None = None, phase: str | None = None):
        super().__init__(f"pair '{pair}': {message}" if pair else message)
        self.pair = pair
        self.phase = phase


class PairBusyError(PairError):
    """No pair could be reserved (strict placement on a busy pair, or every candidate busy)."""


class PairPendingError(PairError):
    """The run is still Pending (not placed) when the caller stopped waiting; `reason` says why."""

    def __init__(self, message: str, *, pair: str | None = None, reason: str = ""):
        super().__init__(message, pair=pair, phase="Pending")
        self.reason = reason


class PhaseError(PairError):
    """A phase change the run's state machine does not allow (e.g. out of a terminal phase)."""


class PairRunFailed(PairError):
    """The run ended Failed; `ranks` holds each failed rank's exit record."""

    def __init__(self, message: str, *, pair: str | None = None, ranks: list | None = None):
        super().__init__(message, pair=pair, phase="Failed")
        self.ranks = ranks or []


class PairCancelled(PairError):
    """The run was cancelled (Ctrl-C or cancel()); partial results are on disk."""
