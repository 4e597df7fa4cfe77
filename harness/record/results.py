"""results/<run-id>.json, written as the run goes.

The file exists from the moment the run starts and is rewritten atomically
(temporary file + os.replace) after every record, verdict, error and status
change, so a crash or Ctrl-C leaves valid JSON holding everything measured
until then. Rates are in bytes/s.

A run killed outright (SIGKILL, power loss) cannot record how it ended: its
file says "running". The file names its process (`process`, record/liveness.py),
so a reader on the same host sees it as "interrupted (process gone)" (`settled`),
and the next run in the same results directory writes that into the file and
the history (`mark_stale_runs`).
"""
from __future__ import annotations

import dataclasses
import json
import platform
import re
import secrets
import shutil
import socket
import subprocess
from datetime import datetime
from importlib import metadata
from pathlib import Path
from typing import Any, Iterable, Protocol

from sailbench.harness.record.liveness import gone_text, process_gone, this_process
from sailbench.harness.record.outcome import run_outcome
from sailbench.harness.paths import REPO_ROOT
from sailbench.harness.timestamps import now_iso
from sailbench.harness.atomic_file import replace_file
from sailbench.harness.errors import ResultsError, SinkError
from sailbench.harness.judge.verdict import InvariantVerdict, Verdict

SCHEMA_VERSION = 1
STATUSES = ("running", "passed", "failed", "error", "interrupted")
PROCESS_GONE = "process gone"        # `status_detail` of a run found interrupted by a later reader
_RUNNING_HEAD = re.compile(r'"status":\s*"running"')
REPO = REPO_ROOT
PACKAGES = ("litex", "litedram", "liteeth", "liteiclink", "migen")


def new_run_id(board: str, now: datetime | None = None) -> str:
    """`20261123-102233-sim-ab12cd`: time, board, 6 random hex digits."""
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "-", board).strip("-") or "board"
    return f"{stamp}-{safe}-{secrets.token_hex(3)}"


def _run(cmd: list[str], cwd: Path | None = None) -> str | None:
    """stdout of a short command, or None if it is missing or fails."""
    try:
        done = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def git_revision(repo: Path = REPO) -> str:
    """HEAD's SHA, "unknown" outside a repo, "-dirty" if tracked files changed."""
    sha = _run(["git", "rev-parse", "HEAD"], repo) or "unknown"
    status = _run(["git", "status", "--porcelain", "--untracked-files=no"], repo)
    return f"{sha}-dirty" if status else sha


def tool_versions() -> dict[str, str | None]:
    """Python, the LiteX family and verilator; None for what is not installed."""
    versions: dict[str, str | None] = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    versions["verilator"] = _run(["verilator", "--version"]) if shutil.which("verilator") else None
    return versions


def provenance(board: str, profile: str, gateware_hash: str | None, *,
               constants_source: str | None = None, simulated: bool | None = None,
               repo: Path = REPO) -> dict[str, Any]:
    """What a reader needs to reproduce or distrust a run. `simulated` (a simulated board or pair) is
    stamped on every record, verdict and invariant of the run (ResultsFile)."""
    return {
        "board": board,
        "profile": profile,
        "simulated": simulated,
        "gateware_hash": gateware_hash,
        "constants_source": constants_source,
        "git": git_revision(repo),
        "tools": tool_versions(),
        "host": socket.gethostname(),
        "time": now_iso(),
    }


class ResultsSink(Protocol):
    """Something that follows a results file as it is written (e.g. the history database).

    `run_updated` is called when the file is created and whenever its provenance or
    status changes; `record_added` with each record, as stored (JSON-only values). A sink that
    cannot follow raises SinkError (or its own subclass of it)."""

    def run_updated(self, results: "ResultsFile") -> None: ...

    def record_added(self, results: "ResultsFile", record: dict[str, Any]) -> None: ...


def _jsonable(value: Any) -> Any:
    if isinstance(value, Path):
        return str(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    raise TypeError(f"{type(value).__name__} {value!r} cannot be written to a results file")


def _plain(value: Any) -> Any:
    """A JSON-only copy of `value`; TypeError/ValueError before anything is stored."""
    return json.loads(json.dumps(value, default=_jsonable, allow_nan=False))


class ResultsFile:
    """One run's results file. Use as a context manager to record how it ended.

    Each record gets a stable id ("r1", "r2", ... in the order added) that verdicts name (`record`).
    When the provenance says `simulated` (True or False), every record, verdict and invariant
    carries it, so a simulated figure never reads as a hardware one."""

    def __init__(self, run_id: str, directory: Path | str, provenance: dict[str, Any],
                 sinks: Iterable[ResultsSink] = ()):
        self.run_id = run_id
        self.sinks = list(sinks)
        self.directory = Path(directory)
        self.path = self.directory / f"{run_id}.json"
        self.data: dict[str, Any] = {
            "schema": SCHEMA_VERSION,
            "run_id": run_id,
            "started": now_iso(),
            "finished": None,
            "status": "running",
            "provenance": _plain(provenance),
            "records": [],
            "verdicts": [],
            "invariants": [],
            "errors": [],
            "comparisons": [],
            "process": this_process(),
        }
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise ResultsError(f"cannot create results directory {self.directory}: "
                               f"{e.strerror or e}; check results.dir in lab.yaml") from e
        if self.path.exists():
            raise ResultsError(f"{self.path} already exists; run ids must be unique")
        self.marked_stale = mark_stale_runs(self.directory, self.sinks)   # earlier runs found interrupted
        self._write()
        self._run_updated()

    @property
    def status(self) -> str:
        return self.data["status"]

    def update_provenance(self, **fields: Any) -> None:
        """Fill in what is known only later (e.g. the gateware hash once the board is open)."""
        self.data["provenance"].update(_plain(fields))
        self._write()
        self._run_updated()

    @property
    def simulated(self) -> bool | None:
        value = self.data["provenance"].get("simulated")
        return value if isinstance(value, bool) else None

    def _stamp(self, entry: dict[str, Any]) -> dict[str, Any]:
        if self.simulated is not None and "simulated" not in entry:
            entry["simulated"] = self.simulated
        return entry

    def add_record(self, record: dict[str, Any]) -> str:
        """Store a record; its id ("r<n>", for verdicts to name)."""
        plain = self._stamp(_plain(record))
        plain["id"] = f"r{len(self.data['records']) + 1}"
        self.data["records"].append(plain)
        self._write()
        for sink in self.sinks:
            sink.record_added(self, plain)
        return plain["id"]

    def add_comparison(self, comparison: dict[str, Any]) -> None:
        """A figure compared with its history (baseline, ok, regressed); see harness/judge/regression.py."""
        self.data.setdefault("comparisons", []).append(_plain(comparison))
        self._write()

    @property
    def regressions(self) -> list[dict[str, Any]]:
        return [c for c in self.data.get("comparisons", []) if c.get("status") == "regressed"]

    def add_verdict(self, verdict: Verdict | InvariantVerdict, *, quantity: str | None = None,
                    record: str | None = None) -> None:
        """A verdict on the judged `quantity` ("write sequential", "board->host 1472 B", a pair direction),
        measured by the record whose id is `record` (add_record's return value)."""
        if isinstance(verdict, InvariantVerdict):
            self.data["invariants"].append(self._stamp(_plain(verdict.to_dict())))
        else:
            if record is not None and not any(r.get("id") == record for r in self.data["records"]):
                raise ValueError(f"verdict on {quantity!r} names record {record!r}, which is not in {self.path}")
            entry = _plain(verdict.to_dict()) | {"quantity": quantity, "record": record}
            self.data["verdicts"].append(self._stamp(entry))
        self._write()

    def set_section(self, name: str, value: Any) -> None:
        """A top-level section of its own (e.g. a pair run's `pair`, `phase`, `link_wait`, `ranks`)."""
        if name in ("schema", "run_id", "started", "finished", "status", "provenance", "records", "verdicts",
                    "invariants", "errors", "comparisons", "process", "status_detail"):
            raise ValueError(f"section {name!r} is managed by ResultsFile itself")
        self.data[name] = _plain(value)
        self._write()

    def add_error(self, error: BaseException | str) -> None:
        if isinstance(error, BaseException):
            entry = {"type": type(error).__name__, "message": str(error) or repr(error)}
        else:
            entry = {"type": None, "message": error}
        self.data["errors"].append(entry)
        self._write()

    def set_status(self, status: str) -> None:
        """Any status but "running" also stamps `finished`."""
        if status not in STATUSES:
            raise ValueError(f"status must be one of {', '.join(STATUSES)}, got {status!r}")
        self.data["status"] = status
        self.data["finished"] = None if status == "running" else now_iso()
        self._write()
        self._run_updated()

    def judged_status(self) -> str:
        """"passed" when the run as recorded so far would pass (record/outcome.py), else "failed"."""
        return "passed" if run_outcome({**self.data, "status": "passed"}).passed else "failed"

    def __enter__(self) -> ResultsFile:
        return self

    def __exit__(self, exc_type: Any, exc: BaseException | None, tb: Any) -> None:
        if exc is not None:
            try:
                self.add_error(exc)
                self.set_status("interrupted" if isinstance(exc, KeyboardInterrupt) else "error")
            except (ResultsError, SinkError):
                pass  # the file or a sink cannot be written; let the original error through
        elif self.status == "running":
            self.set_status(self.judged_status())

    def _run_updated(self) -> None:
        for sink in self.sinks:
            sink.run_updated(self)

    def _write(self) -> None:
        text = json.dumps(self.data, indent=2, allow_nan=False) + "\n"
        try:
            replace_file(self.path, text, fsync=True)
        except OSError as e:
            raise ResultsError(f"cannot write {self.path}: {e.strerror or e}") from e


def settled(data: dict[str, Any]) -> dict[str, Any]:
    """The results as a reader on this host should see them: a "running" run whose process is gone is
    "interrupted" with status_detail "process gone" and the error saying so (a copy; `data` is unchanged)."""
    if data.get("status") != "running" or process_gone(data.get("process")) is not True:
        return data
    return {**data, "status": "interrupted", "status_detail": PROCESS_GONE,
            "errors": [*data.get("errors", []), {"type": "ProcessGone", "message": gone_text(data["process"])}]}


def status_text(data: dict[str, Any]) -> str:
    """`passed`, `running`, ... or `interrupted (process gone)`."""
    detail = data.get("status_detail")
    return f"{data.get('status')} ({detail})" if detail else str(data.get("status"))


def reopen(path: Path, sinks: Iterable[ResultsSink] = ()) -> ResultsFile:
    """An existing results file as a ResultsFile (to record how it ended); ResultsError if unreadable."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise ResultsError(f"cannot read results file {path}: {e}") from e
    if not isinstance(data, dict) or "run_id" not in data:
        raise ResultsError(f"{path} is not a results file (no run_id)")
    results = ResultsFile.__new__(ResultsFile)
    results.run_id, results.sinks, results.data, results.marked_stale = data["run_id"], list(sinks), data, []
    results.directory, results.path = Path(path).parent, Path(path)
    return results


def mark_stale_runs(directory: Path, sinks: Iterable[ResultsSink] = ()) -> list[Path]:
    """Write "interrupted (process gone)" into every results file in `directory` that says "running" while
    its process (on this host) is gone, and tell `sinks` (the history); the paths marked. A file that cannot
    be read or written, or a sink that fails, is left for the next run: this never stops the caller's run."""
    marked = []
    for path in sorted(Path(directory).glob("*.json")):
        try:
            with open(path, encoding="utf-8") as f:
                head = f.read(1024)                  # "status" comes before the records
        except OSError:
            continue
        if not _RUNNING_HEAD.search(head):
            continue
        try:
            stale = reopen(path, sinks)
            found = settled(stale.data)
            if found is stale.data:
                continue
            stale.data["status_detail"] = PROCESS_GONE
            stale.data["errors"] = found["errors"]
            stale.set_status("interrupted")
        except (ResultsError, SinkError):
            continue
        marked.append(path)
    return marked
