"""A pair run's phase: Pending -> Ready -> Succeeded | Failed | Cancelled.

Terminal phases are final: any change out of one raises `PhaseError`, as does
any change the table below does not list. Pending may end Failed or
Cancelled without ever being Ready (e.g. a pod could not reach its board).
"""
from __future__ import annotations

import enum
import threading
import time

from sailbench.harness.errors import PhaseError
from sailbench.harness.steps import layer_logger

logger = layer_logger("run")


class Phase(str, enum.Enum):
    PENDING = "Pending"
    READY = "Ready"
    SUCCEEDED = "Succeeded"
    FAILED = "Failed"
    CANCELLED = "Cancelled"

    @property
    def terminal(self) -> bool:
        return self in TERMINAL


TERMINAL = frozenset({Phase.SUCCEEDED, Phase.FAILED, Phase.CANCELLED})
ALLOWED = {
    Phase.PENDING: {Phase.READY, Phase.FAILED, Phase.CANCELLED},
    Phase.READY: {Phase.SUCCEEDED, Phase.FAILED, Phase.CANCELLED},
}


class PhaseMachine:
    """Thread-safe phase with its history [(phase, reason, monotonic time)]."""

    def __init__(self, pair: str):
        self.pair = pair
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)      # notified on every transition
        self._done = threading.Event()
        self.phase = Phase.PENDING
        self.reason = "waiting to reserve the pair"
        self.history: list[tuple[str, str, float]] = [(self.phase.value, self.reason, time.monotonic())]

    def transition(self, to: Phase, reason: str = "") -> None:
        with self._lock:
            if to not in ALLOWED.get(self.phase, set()):
                raise PhaseError(f"cannot go from {self.phase.value} to {to.value}"
                                 + (" (terminal phases are final)" if self.phase.terminal else ""),
                                 pair=self.pair, phase=self.phase.value)
            logger.info("pair '%s': %s -> %s after %.2f s (%s)", self.pair, self.phase.value, to.value,
                        time.monotonic() - self.history[-1][2], reason)
            self.phase, self.reason = to, reason
            self.history.append((to.value, reason, time.monotonic()))
            if to.terminal:
                self._done.set()
            self._changed.notify_all()

    def note(self, reason: str) -> None:
        """Update the reason without changing phase (e.g. why it is still Pending)."""
        with self._lock:
            if not self.phase.terminal:
                self.reason = reason

    def stop_waiting(self) -> None:
        """Wake whoever waits without changing the phase (a run that stays Pending after giving up)."""
        self._done.set()

    def wait_terminal(self, timeout_s: float | None) -> bool:
        return self._done.wait(timeout_s)

    def wait_phase(self, phase: Phase, timeout_s: float) -> bool:
        """Block until the phase is `phase` (True) or a terminal other phase, or `timeout_s` passed (False):
        woken by the transition itself, not by polling."""
        with self._changed:
            self._changed.wait_for(lambda: self.phase is phase or self.phase.terminal, timeout_s)
            return self.phase is phase
