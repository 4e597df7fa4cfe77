"""The sailbench error tree: every error the harness raises on purpose.

One root (`SailbenchError`), one subclass per layer. Every message names what
is wrong and where (file and key, board and port), in one line, so the
command line can print `str(error)` and nothing else. Every error also
carries `hint`: what to check next. The raiser may give one that knows more
(`hint=...`), a caller that knows the context may replace it (`e.hint = ...`),
else the class's own hint applies; bring-up prints it as its "check next".

The gateware's own errors (gateware.profiles.ProfileError, ToolchainError,
ReportError, ManifestError) stay in gateware/, which never imports the
harness; the harness wraps them where it meets them.
"""
from __future__ import annotations

import difflib
from typing import Any, ClassVar


class SailbenchError(Exception):
    """Root of every error sailbench raises on purpose."""

    default_hint: ClassVar[str] = "read the message above; run the command again once it is fixed"

    def __init__(self, message: str = "", *, hint: str | None = None):
        super().__init__(message)
        self._hint = hint

    @property
    def hint(self) -> str:
        """What to check next: the raiser's (or a caller's) hint, else the class's."""
        return self._hint or self.class_hint()

    @hint.setter
    def hint(self, value: str | None) -> None:
        self._hint = value

    def class_hint(self) -> str:
        """The hint of this kind of error; subclasses may fill in fields (the board's name...)."""
        return self.default_hint


class ConfigError(SailbenchError):
    """lab.yaml, a profile or an option is malformed.

    `path` is the file, `key` the dotted key path inside it (e.g.
    `boards.versa-ecp5.serial`)."""

    default_hint = "fix the named file and key (docs/lab.md describes lab.yaml), then run the command again"

    def __init__(self, message: str, *, path: str | None = None, key: str | None = None, hint: str | None = None):
        where = ""
        if path and key:
            where = f"{path}: {key}: "
        elif path:
            where = f"{path}: "
        elif key:
            where = f"{key}: "
        super().__init__(f"{where}{message}", hint=hint)
        self.path = path
        self.key = key


class UnknownBoardError(ConfigError):
    """A board name that lab.yaml does not define."""

    default_hint = "pick one of the boards listed (`sailbench boards`) or add it to lab.yaml's `boards`"

    def __init__(self, name: str, known: list[str], *, path: str | None = None):
        listed = ", ".join(sorted(known)) or "(none)"
        super().__init__(f"unknown board '{name}'; lab.yaml defines: {listed}", path=path)
        self.name = name
        self.known = known


class UnknownPairError(ConfigError):
    """A pair name that lab.yaml's `pairs` does not define."""

    default_hint = "pick one of the pairs listed or add it to lab.yaml's `pairs`"

    def __init__(self, name: str, known: list[str], *, path: str | None = None):
        listed = ", ".join(sorted(known)) or "(none)"
        super().__init__(f"unknown pair '{name}'; lab.yaml pairs: {listed}", path=path)
        self.name = name
        self.known = known


class UnknownNameError(ConfigError):
    """A register, constant, memory or CSR base that csr.json does not define."""

    def __init__(self, kind: str, name: str, known: list[str], *, path: str | None = None):
        close = difflib.get_close_matches(name, known, n=5, cutoff=0.6)
        if close:
            said = "did you mean: " + ", ".join(close)
        else:
            said = f"it defines {len(known)} {kind}s; is this the csr.json of the running build?"
        super().__init__(f"no {kind} '{name}' in csr.json; {said}", path=path, key=name,
                         hint="the build and the code disagree: rebuild (the build cache keys on the gateware "
                              "sources) or use a name csr.json defines")
        self.kind = kind
        self.name = name
        self.close_matches = close


class ConstantsError(SailbenchError):
    """The scheduler's bandwidth constants could not be read."""

    default_hint = ("check the constants file (lab.yaml `constants`, or --constants): one "
                    "`pub const NAME: u64 = 1_234;` line per constant")


class ToolError(SailbenchError):
    """A required external tool is missing or failed (verilator, yowasp, openFPGALoader)."""

    default_hint = "install the missing tool (scripts/setup.sh installs what the bench needs)"


class BuildError(SailbenchError):
    """Building gateware (simulation or bitstream) failed."""

    default_hint = "the build failed: read the build log named above; a clean rebuild is `rm -rf` of that build dir"


class TimingFailedError(BuildError):
    """nextpnr says a clock of the build misses its required frequency. `report` is the printed report."""

    default_hint = ("read nextpnr's timing report named above; to use the bitstream anyway set the board's "
                    "allow_timing_fail: true in lab.yaml (its figures then say so)")

    def __init__(self, message: str, *, report: str, report_path: Any):
        super().__init__(message)
        self.report = report
        self.report_path = report_path


class BoardError(SailbenchError):
    """Talking to a board failed. `board` and `port` say which one and where; `detail` is the
    message without that prefix (for an error that wraps this one)."""

    default_hint = "see the message; `sailbench bringup --board {board}` walks the board's stages one by one"

    def __init__(self, message: str, *, board: str | None = None, port: str | None = None,
                 hint: str | None = None):
        prefix = ""
        if board and port:
            prefix = f"board '{board}' on {port}: "
        elif board:
            prefix = f"board '{board}': "
        elif port:
            prefix = f"{port}: "
        super().__init__(f"{prefix}{message}", hint=hint)
        self.detail = message
        self.board = board
        self.port = port

    def class_hint(self) -> str:
        return self.default_hint.format(board=self.board or "BOARD", port=self.port or "its port")


class CableError(BoardError):
    """The board's cable or serial port is not there, or no (or the wrong) FPGA is on its JTAG chain.
    Looked for before anything is built, so a missing board fails in seconds."""

    default_hint = ("check the USB cable and the board's power, and boards.{board}.cable / serial in lab.yaml; "
                    "`openFPGALoader --detect` lists what the cable sees")


class LoadError(BoardError):
    """openFPGALoader found the FPGA but could not load the bitstream into it."""

    default_hint = ("load the probe bitstream by hand (`sailbench load --board {board}`) and read "
                    "openFPGALoader's output")


class BoardSilentError(BoardError):
    """The board did not answer within the timeout."""

    def class_hint(self) -> str:
        board = self.board or "BOARD"
        if (self.port or "").startswith("udp"):
            return (f"check the Ethernet cable and link LEDs, boards.{board}.etherbone (ip, host_ip) in lab.yaml, "
                    "the PC's address on that interface (ip addr), then `ping` the board")
        return (f"check boards.{board}.serial and baudrate in lab.yaml, the USB cable, the board's power, and that "
                f"the probe bitstream is loaded (sailbench load --board {board})")


class BoardGarbageError(BoardError):
    """The board answered something that is not the expected protocol."""

    default_hint = "something answers but not as the probe SoC: check the port, the baud rate and the bitstream"


class IdentifierMismatchError(BoardError):
    """The board runs another build than the one the harness expects."""

    default_hint = "the board runs another build: load this one (sailbench load --board {board})"


class DramInitError(BoardError):
    """Bringing the DRAM up from the host failed."""

    default_hint = ("check the DRAM module's seating and supply and the build's DRAM profile; "
                    "`sailbench bringup --board {board}` shows the DRAM stages")


class LevelingError(DramInitError):
    """Read leveling found a byte lane with no working delay; `leveling` keeps the whole scan
    (the bring-up report draws it)."""

    default_hint = ("a byte lane never reads back: check that lane's DQS pair and its termination, the DQ "
                    "lines of the lane and the module's seating; the scan is in the bring-up report")

    def __init__(self, message: str, *, board: str | None = None, leveling: list = ()):
        super().__init__(message, board=board)
        self.leveling = list(leveling)


class SimulatorError(BoardError):
    """The simulated board could not be started or died."""

    default_hint = ("the simulator did not start or died: read its output above; the simulated board needs root "
                    "(network namespaces) and Verilator")


class BoardBusyError(BoardError):
    """Another run holds the board's lock. `holder` says who (pid, host, command, since)."""

    default_hint = "wait for the holder named above to finish, or raise --lock-wait"

    def __init__(self, message: str, *, board: str | None = None, holder: dict | None = None):
        super().__init__(message, board=board)
        self.holder = holder or {}


class LabgridError(BoardError):
    """The labgrid coordinator or a place failed us (unreachable, unknown place, offline exporter):
    an infrastructure failure, never a measurement."""

    default_hint = ("check the coordinator address in lab.yaml, that labgrid-exporter runs on the board's "
                    "host, and `labgrid-client places` (docs/labgrid.md)")


class PlaceLostError(LabgridError):
    """A place this run held is no longer held by it (a coordinator restart drops every hold)."""

    default_hint = "run again once the coordinator is back; what was measured before the loss is kept"


class StageFailed(SailbenchError):
    """A bring-up check ran and found the board wrong: `detail` what it found, `next_step` (the hint)
    what to check next."""

    def __init__(self, detail: str, next_step: str):
        super().__init__(detail, hint=next_step)

    @property
    def detail(self) -> str:
        return str(self)

    @property
    def next_step(self) -> str:
        return self.hint


class ProbeError(SailbenchError):
    """A probe could not complete a measurement (timeout, bad setting)."""

    default_hint = "the probe did not finish: DRAM not initialised or calibrated? check the DRAM init and the clock"


class MeasurementError(ProbeError):
    """A measurement completed but the result is a failure (e.g. checker errors)."""

    default_hint = "the measurement ran and found errors: `sailbench bringup` checks the part stage by stage"


class ResultsError(SailbenchError):
    """The results file could not be written (directory missing, not writable, disk full)."""

    default_hint = "check that the results directory (lab.yaml results_dir, --results-dir) exists and is writable"


class SinkError(SailbenchError):
    """Something that follows a results file as it is written (a results sink) could not keep up.
    Each sink raises this or its own subclass; the results file knows no particular sink."""


class HistoryError(SinkError):
    """The history database could not be opened, migrated or written."""

    default_hint = "check lab.yaml history.path: the directory must be writable and the file a sailbench database"


class PairError(SailbenchError):
    """A bench pair run could not go on. `pair` names the pair, `phase` the run's phase then."""

    default_hint = "read the pair run's results file and each rank's log named above"

    def __init__(self, message: str, *, pair: str | None = None, phase: str | None = None,
                 hint: str | None = None):
        super().__init__(f"pair '{pair}': {message}" if pair else message, hint=hint)
        self.pair = pair
        self.phase = phase


class PairBusyError(PairError):
    """No pair could be reserved (strict placement on a busy pair, or every candidate busy)."""

    default_hint = "wait for the holders named above, or use --placement preferred to take a free pair"


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

    default_hint = "the partial results are on disk; run the pair again"


class PodStepError(PairError):
    """A pod step failed, timed out, or the pod is gone. `rank` says which pod."""

    default_hint = "read that rank's pod log (named above); the board's own error is in it"

    def __init__(self, message: str, *, rank: int, board: str, pod_gone: bool = False):
        super().__init__(f"rank {rank} (board '{board}'): {message}")
        self.rank = rank
        self.board = board
        self.pod_gone = pod_gone
