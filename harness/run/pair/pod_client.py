"""The runner's side of a bench pod: the process, its JSON line channel, its exit record.

Every wait has a timeout: the hello after start, each step's reply, the exit.
A pod that dies, times out or cannot reach its board ends with a `RankExit`
(rank, board, exit code, reason, last log lines) the runner keeps.
"""
from __future__ import annotations

import collections
import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from sailbench.harness.paths import REPO_ROOT
from sailbench.harness.errors import PodStepError

REPO = REPO_ROOT
LOG_LINES = 20


@dataclass
class RankExit:
    rank: int
    board: str
    role: str
    exit_code: int | None
    reason: str
    log_tail: list[str] = field(default_factory=list)
    failed: bool = False

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def text(self) -> str:
        code = "still running" if self.exit_code is None else f"exit code {self.exit_code}"
        tail = ("\n    " + "\n    ".join(self.log_tail[-5:])) if self.log_tail else ""
        return f"rank {self.rank} ({self.role}, board '{self.board}'): {code}: {self.reason}{tail}"


def _signal_text(code: int) -> str:
    try:
        return f"killed by {signal.Signals(-code).name}"
    except ValueError:
        return f"killed by signal {-code}"


class PodHandle:
    """One running bench pod."""

    def __init__(self, rank: int, role: str, board: str, argv: list[str], prefix: list[str] | None = None):
        self.rank, self.role, self.board = rank, role, board
        self.hello: dict[str, Any] | None = None
        self.log: collections.deque[str] = collections.deque(maxlen=LOG_LINES)
        self._replies: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self.exit: RankExit | None = None
        cmd = [*(prefix or []), sys.executable, "-m", "sailbench.harness.run.pair.pod", "--rank", str(rank), "--role", role,
               "--board", board, *argv]
        self.proc = subprocess.Popen(cmd, cwd=REPO, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True, bufsize=1, start_new_session=True)
        threading.Thread(target=self._read_stdout, daemon=True).start()
        threading.Thread(target=self._read_stderr, daemon=True).start()

    @property
    def pid(self) -> int:
        return self.proc.pid

    def _read_stdout(self) -> None:
        for line in self.proc.stdout:
            try:
                self._replies.put(json.loads(line))
            except ValueError:
                self.log.append(f"(stdout) {line.rstrip()}")
        self._replies.put(None)     # end of output: the pod is gone

    def _read_stderr(self) -> None:
        for line in self.proc.stderr:
            self.log.append(line.rstrip())

    def _next(self, timeout_s: float, what: str) -> dict[str, Any]:
        try:
            msg = self._replies.get(timeout=timeout_s)
        except queue.Empty:
            raise PodStepError(f"{what}: no answer within {timeout_s:g} s", rank=self.rank, board=self.board) from None
        if msg is None:
            self._replies.put(None)
            self._gone(what)
        return msg

    def _code_text(self) -> str:
        code = self.proc.poll()
        if code is None:
            return "still running"
        return _signal_text(code) if code < 0 else f"exit code {code}"

    def wait_hello(self, timeout_s: float) -> dict[str, Any]:
        msg = self._next(timeout_s, "waiting for the pod's hello")
        if msg.get("event") == "fatal":
            raise PodStepError(f"cannot reach board: {msg.get('error')}", rank=self.rank, board=self.board,
                               pod_gone=True)
        if msg.get("event") != "hello":
            raise PodStepError(f"expected hello, got {str(msg)[:120]}", rank=self.rank, board=self.board)
        self.hello = msg
        return msg

    def send(self, op: str, args: dict[str, Any] | None = None) -> None:
        try:
            self.proc.stdin.write(json.dumps({"op": op, "args": args or {}}) + "\n")
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError, ValueError):
            raise PodStepError(f"step '{op}': pod is gone ({self._code_text()})", rank=self.rank,
                               board=self.board, pod_gone=True) from None

    def receive(self, op: str, timeout_s: float) -> Any:
        msg = self._next(timeout_s, f"step '{op}'")
        if not msg.get("ok"):
            raise PodStepError(f"step '{op}' failed: {msg.get('error')}", rank=self.rank, board=self.board)
        return msg.get("result")

    def poll_reply(self, op: str) -> tuple[bool, Any]:
        """(True, result) if the reply to `op` is in, (False, None) if not yet; raises if it failed or the pod is gone."""
        try:
            msg = self._replies.get_nowait()
        except queue.Empty:
            return False, None
        if msg is None:
            self._replies.put(None)      # keep the end marker for any later read
            self._gone(op)
        if not msg.get("ok"):
            raise PodStepError(f"step '{op}' failed: {msg.get('error')}", rank=self.rank, board=self.board)
        return True, msg.get("result")

    def _gone(self, what: str) -> None:
        try:
            self.proc.wait(timeout=2)
        except subprocess.TimeoutExpired:
            pass
        what = what if " " in what else f"step '{what}'"
        raise PodStepError(f"{what}: pod exited ({self._code_text()})", rank=self.rank, board=self.board,
                           pod_gone=True)

    def call(self, op: str, args: dict[str, Any] | None = None, timeout_s: float = 30.0) -> Any:
        self.send(op, args)
        return self.receive(op, timeout_s)

    def stop(self, reason: str, failed: bool = False, timeout_s: float = 5.0) -> RankExit:
        """End the pod (politely, then by signal) and record its exit; idempotent."""
        if self.exit is not None:
            return self.exit
        signalled = None
        if self.proc.poll() is None:
            try:
                self.send("exit")
            except PodStepError:
                pass
            try:
                self.proc.wait(timeout=timeout_s)
            except subprocess.TimeoutExpired:
                for sig in (signal.SIGTERM, signal.SIGKILL):
                    try:
                        os.killpg(self.proc.pid, sig)
                        signalled = sig
                    except ProcessLookupError:
                        break
                    try:
                        self.proc.wait(timeout=3)
                        break
                    except subprocess.TimeoutExpired:
                        continue
        time.sleep(0.05)      # let the stderr reader take the last lines
        code = self.proc.poll()
        if signalled is not None and code is not None and code < 0:
            reason = f"stopped by the runner ({signal.Signals(-code).name}, busy in a step); {reason}"
        elif code is not None and code < 0 and not failed:
            failed, reason = True, f"{_signal_text(code)}; {reason}"
        elif code not in (0, None) and not failed:
            failed, reason = True, f"exit code {code}; {reason}"
        self.exit = RankExit(self.rank, self.board, self.role, code, reason, list(self.log), failed)
        try:
            self.proc.stdin.close()      # stdout/stderr end by themselves; their readers close them
        except Exception:
            pass
        return self.exit


def receive_all(pods: list[PodHandle], op: str, timeout_s: float, poll_s: float = 0.02) -> dict[str, Any]:
    """Every pod's reply to `op` ({role: result}); the first pod that fails or exits raises at once,
    without waiting for the others' (possibly long) steps."""
    pending = {pod.role: pod for pod in pods}
    out: dict[str, Any] = {}
    deadline = time.monotonic() + timeout_s
    while pending:
        for role, pod in list(pending.items()):
            done, result = pod.poll_reply(op)
            if done:
                out[role] = result
                del pending[role]
        if not pending:
            break
        if time.monotonic() > deadline:
            pod = next(iter(pending.values()))
            raise PodStepError(f"step '{op}': no answer within {timeout_s:g} s", rank=pod.rank, board=pod.board)
        time.sleep(poll_s)
    return {pod.role: out[pod.role] for pod in pods}


def call_both(pods: list[PodHandle], op: str, args: dict[str, Any] | None, timeout_s: float) -> dict[str, Any]:
    """One step sent to every pod at once, then every reply ({role: result}, as receive_all)."""
    for pod in pods:
        pod.send(op, args)
    return receive_all(pods, op, timeout_s)
