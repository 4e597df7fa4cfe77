"""A placed, reserved, running bench pair: its boards' locks, its simulation, its two pods.

`open_pair_session(lab, name, placement, ...)` picks the pair (placement),
reserves both boards atomically, starts the simulated pair when it is one,
and starts one bench pod per board (rank 0 upstream, rank 1 downstream),
waiting for both pods' hello. On any failure everything taken so far is
released. Used by the pair runner and by the pytest `board_pair` fixture.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any, Callable

from sailbench.harness.config import Lab, PairConfig
from sailbench.harness.run.pair.reservation import Busy, PairReservation, reserve_first
from sailbench.harness.run.pair.placement import candidates, check_placement
from sailbench.harness.run.pair.pod_client import PodHandle, RankExit

ROLES = ("upstream", "downstream")


@dataclass
class PairSession:
    requested: str
    placement: str
    pair: PairConfig
    reservation: PairReservation
    sim: Any = None                                   # sailbench.harness.board.sim_pair.SimPair for kind: sim
    pods: list[PodHandle] = field(default_factory=list)
    exits: list[RankExit] = field(default_factory=list)

    @property
    def fell_back(self) -> bool:
        return self.pair.name != self.requested

    @property
    def upstream(self) -> PodHandle:
        return self.pods[0]

    @property
    def downstream(self) -> PodHandle:
        return self.pods[1]

    def placement_text(self) -> str:
        if self.fell_back:
            return (f"measured pair '{self.pair.name}' INSTEAD OF '{self.requested}' (placement {self.placement}: "
                    f"'{self.requested}' was busy; fell back to a free pair of the same kind, profile and lanes)")
        return f"measured pair '{self.pair.name}' as requested (placement {self.placement})"

    def to_dict(self) -> dict[str, Any]:
        return {"requested": self.requested, "measured": self.pair.name, "fell_back": self.fell_back,
                "placement": self.placement, "kind": self.pair.kind, "profile": self.pair.profile,
                "upstream": self.pair.upstream, "downstream": self.pair.downstream,
                "lanes": list(self.pair.lanes)}

    def start_pods(self, lab: Lab, hello_timeout_s: float) -> None:
        for rank, role in enumerate(ROLES):
            board = getattr(self.pair, role)
            if self.sim is not None:
                argv = ["--build-dir", str(self.sim.build_dir), "--url", self.sim.uart_url(role)]
                prefix = self.sim.pod_command_prefix()
            else:
                argv, prefix = ["--lab", str(lab.path)], []
            self.pods.append(PodHandle(rank, role, board, argv, prefix))
        for pod in self.pods:
            pod.wait_hello(hello_timeout_s)

    def close(self, reason: str = "run finished", failed_ranks: dict[int, str] | None = None) -> list[RankExit]:
        """Stop the pods (recording each rank's exit), the simulation, then release the boards."""
        failed_ranks = failed_ranks or {}
        try:
            for pod in self.pods:
                why = failed_ranks.get(pod.rank, reason)
                done = pod.stop(why, failed=pod.rank in failed_ranks)   # idempotent: a stopped pod keeps its record
                if done not in self.exits:
                    self.exits.append(done)
        finally:
            try:
                if self.sim is not None:
                    self.sim.close()
                    self.sim = None
            finally:
                self.reservation.release()
        return self.exits

    def __enter__(self) -> "PairSession":
        return self

    def __exit__(self, *exc) -> None:
        self.close("session closed")


def open_pair_session(lab: Lab, name: str, placement: str = "preferred", timeout_s: float = 600.0,
                      hello_timeout_s: float = 60.0, progress: Callable[[str], None] = print,
                      on_busy: Callable[[list[Busy]], None] = lambda _b: None,
                      cancelled: Callable[[], bool] = lambda: False,
                      on_reserved: Callable[[PairSession], None] = lambda _s: None) -> PairSession:
    check_placement(placement)
    pairs = candidates(lab, name, placement)
    reservation = reserve_first(lab.lock_dir, pairs, timeout_s, on_busy=on_busy, cancelled=cancelled,
                                command=f"sailbench pair --pair {name} --placement {placement}", lab=lab)
    session = PairSession(name, placement, reservation.pair, reservation)
    try:
        on_reserved(session)
        if session.pair.kind.simulated:
            from sailbench.harness.board.sim_pair import open_sim_pair
            p = session.pair
            session.sim = open_sim_pair(p.name, p.profile, p.lane_count, {"upstream": p.upstream,
                                                                         "downstream": p.downstream},
                                        progress=progress, connect=False, line_rate_gbps=p.line_rate,
                                        coding=p.coding)
        session.start_pods(lab, hello_timeout_s)
    except BaseException:
        session.close("could not start the pair", {})
        raise
    return session


class Cancel:
    """A cancel flag several threads can set and read."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self.reason = ""

    def set(self, reason: str) -> None:
        self.reason = self.reason or reason
        self._event.set()

    def __bool__(self) -> bool:
        return self._event.is_set()
