"""A placed pair's lane measurement: the link-ready wait, framed payload and PRBS both ways, word clocks.

    lanes = LaneMeasurement(session, settings, clock_tolerance, results, progress)
    link = lanes.wait_for_links([0, 1, 2, 3])
    rates, windows = lanes.payload(link.lanes_up)     # first: PRBS leaves the lanes retraining
    bers = lanes.prbs(link.lanes_up)

Every figure comes from the boards' counters: rates from the receivers' word-clock stamps, each lane's word
clock counted against sys between the two lane group latches, BER from the bits each checker tested while
locked. Each figure is added to the results file as it is measured.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Callable

from sailbench.harness.judge.pair import RECEIVED_BY, BitErrorRatio, GroupWindow, LaneRate, counted_clock_hz
from sailbench.gateware.profiles.lane_rates import LineRate
from sailbench.harness.record.results import ResultsFile
from sailbench.harness.run.pair.pod_client import call_both
from sailbench.harness.run.pair.session import PairSession
from sailbench.harness.steps import layer_logger, step

logger = layer_logger("run")

READY, DEGRADED, TIMEOUT, SKIPPED = "ready", "degraded", "timeout", "skipped"


@dataclass
class LinkWait:
    status: str                       # ready | degraded | timeout | skipped
    lanes: list[int]
    lanes_up: list[int]
    waited_s: float
    reason: str
    last_states: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"status": self.status, "lanes": self.lanes, "lanes_up": self.lanes_up,
                "waited_s": round(self.waited_s, 3), "reason": self.reason, "last_states": self.last_states}


def wait_link_ready(session: PairSession, lanes: list[int], timeout_s: float, step_timeout_s: float,
                    poll_s: float = 0.1) -> LinkWait:
    """Poll both ends' lane states until every lane is Up and aligned on both (ready), or the deadline:
    some Up -> degraded, none -> timeout. Never raises: a failing poll changes nothing it did not see (the
    lanes up and states stay those of the last poll that answered), and its reason is kept."""
    t0 = time.monotonic()
    up: list[int] = []
    states: dict[str, Any] = {}
    problem = ""
    while True:
        try:
            states = call_both(session.pods, "lane_states", {"lanes": lanes}, step_timeout_s)
            up = [i for i in lanes if all(s[str(i)]["state"] == "Up" and s[str(i)]["aligned"]
                                         for s in states.values())]
            problem = ""
        except Exception as e:   # noqa: BLE001 - fail-open: the wait reports, it never raises
            problem = f"lane state poll failed: {e}"
        waited = time.monotonic() - t0
        if up == lanes:
            return LinkWait(READY, lanes, up, waited, f"all {len(lanes)} lanes up and aligned", states)
        if waited >= timeout_s:
            break
        time.sleep(poll_s)
    down = [i for i in lanes if i not in up]
    if up:
        last = f"; the last poll failed ({problem}), lanes as the poll before saw them" if problem else ""
        return LinkWait(DEGRADED, lanes, up, waited, f"only lanes {up} up at the {timeout_s:g} s deadline "
                        f"(lanes {down} not); measuring those{last}", states)
    return LinkWait(TIMEOUT, lanes, up, waited, problem or f"no lane up after {timeout_s:g} s", states)


def line_rate_of(session: PairSession) -> LineRate:
    """The lanes' line rate and code: the simulated pair's build says (its manifest), else lab.yaml."""
    sim = getattr(session, "sim", None)
    lane = sim.manifest.lane if sim is not None and getattr(sim, "manifest", None) is not None else None
    if lane is not None:
        return LineRate(lane.line_rate_baud / 1e9, lane.coding)
    return LineRate(session.pair.line_rate, session.pair.coding)


class LaneMeasurement:
    """The lane steps on one placed pair's two pods; `word_clocks` holds every word clock it measured."""

    def __init__(self, session: PairSession, settings: Any, clock_tolerance: float, results: ResultsFile,
                 progress: Callable[[str], None]):
        self.session = session
        self.settings = settings                 # a PairSettings (its step, payload, PRBS and fault knobs)
        self.clock_tolerance = clock_tolerance
        self.results = results
        self.progress = progress
        self.word_clocks: list[dict[str, Any]] = []
        self.lane_clock: dict[tuple[str, int], float] = {}      # (receiving role, lane) -> its RX word clock

    def _both(self, op: str, args: dict[str, Any] | None = None, timeout_s: float | None = None) -> dict[str, Any]:
        return call_both(self.session.pods, op, args, timeout_s or self.settings.step_timeout_s)

    def _pod(self, role: str):
        return self.session.pods[0 if role == "upstream" else 1]

    @step(logger, "pair: wait for the links")
    def wait_for_links(self, lanes: list[int]) -> LinkWait:
        """Set the receiving-side fault knobs (a simulated pair's faults), then wait for the lanes to come up."""
        s = self.settings
        for f in s.faults:
            self._pod(f["role"]).call("fault", {"lane": f["lane"], "knobs": f["knobs"]}, s.step_timeout_s)
        return wait_link_ready(self.session, lanes, s.link_timeout_s, s.step_timeout_s)

    def _sys_clocks(self) -> dict[str, float]:
        """Each board's sys clock: measured against host time on hardware, nominal on a simulated pair."""
        s = self.settings
        got = self._both("sys_clock", {"tolerance": self.clock_tolerance, "seconds": s.clock_seconds},
                         s.step_timeout_s + s.clock_seconds)
        for role, c in got.items():
            self.results.add_record({**c, "role": role})
            if not c.get("within_tolerance", True):
                self.progress(f"WARNING: board '{c.get('board')}' sys clock off nominal; lane rates use the measured "
                              "clock")
        return {role: float(c["used_hz"]) for role, c in got.items()}

    def _word_clock(self, role: str, side: str, lane: int, nominal: float, d_word: int, d_sys: int,
                    sys_hz: float) -> float:
        """A lane's word clock counted against sys in one hardware window (two lane group latches); recorded,
        and warned about beyond judgement.clock_tolerance. The nominal clock when it cannot be counted."""
        tol = self.clock_tolerance
        measured = counted_clock_hz(d_word, d_sys, sys_hz)
        rec = {"probe": "lane", "quantity": "word clock", "role": role, "side": side, "lane": lane,
               "nominal_hz": nominal, "measured_hz": measured, "word_cycles": d_word, "sys_cycles": d_sys,
               "sys_clk_hz": sys_hz, "tolerance": tol,
               "deviation": measured / nominal - 1 if measured and nominal else None,
               # each latch reaches the word domain within +-1 word cycle: the count is good to +-2 cycles
               "uncertainty_hz": 2 * measured / d_word if measured else None,
               "source": "measured against sys in one window" if measured else "nominal (no lane group)"}
        rec["within_tolerance"] = rec["deviation"] is None or abs(rec["deviation"]) <= tol
        self.results.add_record(rec)
        self.word_clocks.append(rec)
        if not rec["within_tolerance"]:
            self.progress(f"WARNING: board {role} lane {lane} {side} word clock measured {measured / 1e6:.4f} MHz vs "
                          f"nominal {nominal / 1e6:.4f} MHz ({rec['deviation'] * 100:+.3f} %, tolerance "
                          f"±{tol * 100:.2f} %); lane rates use the measured clock")
        return measured or nominal

    def _wait_senders(self, lanes: list[int]) -> None:
        """Until no sender is busy, or payload_timeout_s (then what arrived is read)."""
        deadline = time.monotonic() + self.settings.payload_timeout_s
        while True:
            states = self._both("lane_states", {"lanes": lanes})
            if not any(st[str(i)]["tx_busy"] for st in states.values() for i in lanes):
                break
            if time.monotonic() > deadline:
                self.progress(f"payload: senders still busy after {self.settings.payload_timeout_s:g} s; "
                              "reading what arrived")
                break
            time.sleep(0.05)
        time.sleep(0.02)                      # the last frame's tail is a few words behind tx_busy

    @step(logger, "pair: payload phase")
    def payload(self, lanes: list[int]) -> tuple[list[LaneRate], dict[str, GroupWindow]]:
        """Framed payload both ways on `lanes`, every lane started in one cycle and latched in one cycle by each
        board's lane group; rates from the receivers' word-clock stamps, the word clocks counted against sys
        between the two latches, and each direction's one-window aggregate."""
        s = self.settings
        sys_hz = self._sys_clocks()
        self._both("lane_clear", {"lanes": lanes})
        before = self._both("lane_group_latch", {"lanes": lanes})
        self._both("payload_start", {"lanes": lanes, "frames": s.payload_frames, "length": s.payload_length})
        self._wait_senders(lanes)
        reads = self._both("lane_group_latch", {"lanes": lanes})
        out: list[LaneRate] = []
        windows: dict[str, GroupWindow] = {}
        for role, got in reads.items():       # a board's receiver sees the other board's transmitter
            direction = RECEIVED_BY[role]
            sender = reads["upstream" if role == "downstream" else "downstream"]["lanes"]
            grouped = got["sys_cycle"] is not None and before[role]["sys_cycle"] is not None
            d_sys = got["sys_cycle"] - before[role]["sys_cycle"] if grouped else 0
            if grouped:
                windows[direction] = GroupWindow(got["sys_cycle"], sys_hz[role])
            for lane in lanes:
                v, v0 = got["lanes"][str(lane)], before[role]["lanes"][str(lane)]
                nominal = float(got["word_clk_hz"])
                clock = self._word_clock(role, "rx", lane, nominal, v["rx_cycles"] - v0["rx_cycles"], d_sys,
                                         sys_hz[role])
                self._word_clock(role, "tx", lane, nominal, v["tx_cycles"] - v0["tx_cycles"], d_sys, sys_hz[role])
                self.lane_clock[(role, lane)] = clock
                r = LaneRate(lane, direction, v["rx_frames"], v["rx_bytes"], v["rx_first_cycle"], v["rx_last_cycle"],
                             clock, v["rx_gaps"], line_rate_of(self.session).ceiling_bytes_per_s,
                             latch_cycle=v["rx_cycles"] if grouped else None)
                out.append(r)
                self.results.add_record({"probe": "lane", "quantity": "payload",
                                         "frames_sent": sender[str(lane)]["tx_frames"],
                                         "bad_frames": v["rx_bad_frames"], "payload_bytes_per_frame": s.payload_length,
                                         "coding": line_rate_of(self.session).coding, **r.to_dict()})
        return out, windows

    def _inject(self) -> dict[tuple[str, int], int]:
        """The exact bit errors settings.inject asks for; {(receiving role, lane): bits injected}."""
        injected: dict[tuple[str, int], int] = {}
        for inj in self.settings.inject:
            got = self._pod(inj["role"]).call("inject_errors", {k: v for k, v in inj.items() if k != "role"},
                                              self.settings.step_timeout_s)
            injected[(inj["role"], inj["lane"])] = injected.get((inj["role"], inj["lane"]), 0) + got["bits"]
        return injected

    @step(logger, "pair: PRBS phase")
    def prbs(self, lanes: list[int]) -> list[BitErrorRatio]:
        """PRBS both ways on `lanes`; BER from the bits each checker tested while locked, at the line rate of the
        word clock the payload phase measured (the nominal one when it did not run)."""
        s = self.settings
        self._both("prbs", {"lanes": lanes, "pattern": s.prbs_pattern})
        time.sleep(0.1)                       # the checkers lock within a few dozen words
        self._both("lane_clear", {"lanes": lanes})
        before = self._both("lane_counters", {"lanes": lanes})
        injected = self._inject()
        time.sleep(s.prbs_seconds)
        after = self._both("lane_counters", {"lanes": lanes})
        self._both("prbs", {"lanes": lanes, "pattern": None})
        out = []
        for role, got in after.items():
            for lane in lanes:
                v, v0 = got["lanes"][str(lane)], before[role]["lanes"][str(lane)]
                # both snapshots latched coherently: the bits, errors and cycles of the same window
                b = BitErrorRatio(lane, RECEIVED_BY[role], s.prbs_pattern, v["prbs_errors"] - v0["prbs_errors"],
                                  v["prbs_bits"] - v0["prbs_bits"], v["rx_cycles"] - v0["rx_cycles"],
                                  self.lane_clock.get((role, lane), float(got["word_clk_hz"])))
                out.append(b)
                self.results.add_record({"probe": "lane", "quantity": "prbs", "lock_losses": v["prbs_lock_losses"],
                                         "injected_bit_errors": injected.get((role, lane), 0), **b.to_dict()})
        return out
