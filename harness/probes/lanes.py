"""Lane access: the inter-card lane probes of one board, by CSR name.

Thin on purpose: the gateware core is gateware/cores/lane_probe.py
(`LaneProbe`), instantiated per lane as `lane<i>`; on the simulated pair the
fault knobs of the lane a board *receives* are `lane<i>_faults_*`. Every
register name and field position used is in the tables below, so a rename in
the gateware is a one-line change here. Nothing here judges:
harness/pair_judgement.py turns the counts into rates and bit error ratios.
Values are plain dicts so a bench pod can send them as JSON.
"""
from __future__ import annotations

from typing import Any, Iterable

from sailbench.harness.transport.client import CsrClient
from sailbench.harness.transport.regmap import RegisterMap
from sailbench.harness.errors import ConfigError

STATES = ("Down", "Training", "Up", "Error")          # Spanker's LinkState names, by CSR value
STAGES = ("reset", "serdes", "sync", "align", "partner", "up", "error", "prbs")
PATTERNS = {"prbs7": 1, "prbs15": 2, "prbs31": 3}     # 0 = 8b/10b (idles, frames)

# CSRField layout (bit offset, width) of lane<i>_control and lane<i>_status, in LaneProbe's order.
CONTROL = {"enable": (0, 1), "tx_prbs": (1, 2), "rx_prbs": (3, 2)}
STATUS = {"state": (0, 2), "stage": (2, 3), "serdes_ready": (5, 1), "signal": (6, 1),
          "partner_aligned": (7, 1), "prbs_locked": (8, 1), "tx_busy": (9, 1)}
COUNTERS = ("prbs_bits", "prbs_errors", "prbs_lock_losses", "tx_frames", "tx_bytes", "rx_frames", "rx_bytes",
            "rx_gaps", "rx_bad_frames", "rx_first_cycle", "rx_last_cycle", "rx_cycles")
FAULTS = ("error_every", "error_at", "error_at_enable", "error_mask", "cut", "lock_delay")


def reg(lane: int, name: str) -> str:
    return f"lane{lane}_{name}"


def fault_reg(lane: int, name: str) -> str:
    return f"lane{lane}_faults_{name}"


def _field(value: int, layout: tuple[int, int]) -> int:
    offset, width = layout
    return (value >> offset) & ((1 << width) - 1)


def lane_indexes(regmap: RegisterMap) -> list[int]:
    """Lanes this build has probes for (empty: no lane probes in this build)."""
    out = []
    while reg(len(out), "status") in regmap:
        out.append(len(out))
    return out


class Lanes:
    """The lane probes `lanes` of one board, over its CSR client."""

    def __init__(self, csr: CsrClient, lanes: Iterable[int], board: str = ""):
        self.csr = csr
        self.lanes = list(lanes)
        self.board = board or (csr.board or "")
        missing = [i for i in self.lanes if reg(i, "status") not in csr.regmap]
        if missing:
            have = lane_indexes(csr.regmap)
            raise ConfigError(f"board '{self.board}': no lane probe for lane(s) {missing} in this build "
                              f"(it has lanes {have or 'none'}); check lab.yaml pairs.*.lanes or rebuild")

    def word_clk_hz(self) -> int:
        return self.csr.read(reg(self.lanes[0], "word_clk_hz")) if self.lanes else 0

    def states(self) -> dict[int, dict[str, Any]]:
        out = {}
        for i in self.lanes:
            v = self.csr.read(reg(i, "status"))
            state, stage = _field(v, STATUS["state"]), _field(v, STATUS["stage"])
            out[i] = {"state": STATES[state], "stage": STAGES[stage],
                      "aligned": STATES[state] == "Up" and bool(_field(v, STATUS["partner_aligned"])),
                      "prbs_locked": bool(_field(v, STATUS["prbs_locked"])),
                      "tx_busy": bool(_field(v, STATUS["tx_busy"]))}
        return out

    def _control(self, lane: int, **fields: int) -> None:
        value = self.csr.read(reg(lane, "control"))
        for name, new in fields.items():
            offset, width = CONTROL[name]
            value = (value & ~(((1 << width) - 1) << offset)) | (new << offset)
        self.csr.write(reg(lane, "control"), value)

    def counters(self) -> dict[int, dict[str, int]]:
        """Every lane's counters, latched together per lane (coherent)."""
        out = {}
        for i in self.lanes:
            self.csr.write(reg(i, "latch"), 1)
            v = self.csr.read_many([reg(i, c) for c in COUNTERS])
            out[i] = {c: v[reg(i, c)] for c in COUNTERS}
        return out

    def clear(self) -> None:
        for i in self.lanes:
            self.csr.write(reg(i, "clear"), 1)

    # -- faults (simulated pair: the lane this board receives) ------------------------------------
    def fault(self, lane: int, **knobs: int) -> None:
        for name, value in knobs.items():
            if name not in FAULTS:
                raise ConfigError(f"unknown fault knob {name!r}; knobs: {', '.join(FAULTS)}")
            if fault_reg(lane, name) not in self.csr.regmap:
                raise ConfigError(f"board '{self.board}': this build has no fault knobs on lane {lane}")
            self.csr.write(fault_reg(lane, name), int(value))

    def inject_errors(self, lane: int, mask: int, words_ahead: int) -> dict[str, int]:
        """Flip the bits of `mask` in one received word, `words_ahead` words from now (exact count)."""
        now = self.csr.read(fault_reg(lane, "words"))
        self.fault(lane, error_at_enable=0, error_mask=mask, error_at=now + words_ahead)
        self.fault(lane, error_at_enable=1)
        return {"at_word": now + words_ahead, "bits": bin(mask).count("1")}

    # -- PRBS -------------------------------------------------------------------------------------
    def prbs(self, pattern: str | None) -> None:
        """Send and check `pattern` on every lane (None: back to 8b/10b, the lane retrains)."""
        if pattern is not None and pattern not in PATTERNS:
            raise ConfigError(f"unknown PRBS pattern {pattern!r}; use one of {', '.join(PATTERNS)}")
        code = PATTERNS[pattern] if pattern else 0
        for i in self.lanes:
            self._control(i, tx_prbs=code, rx_prbs=code)

    # -- framed payload ---------------------------------------------------------------------------
    def payload_start(self, frames: int, payload_bytes: int) -> None:
        if payload_bytes < 2 or payload_bytes % 2:
            raise ConfigError(f"payload of {payload_bytes} bytes: the lane probe sends 2-byte words; "
                              "use an even size >= 2")
        for i in self.lanes:
            self.csr.write(reg(i, "payload_words"), payload_bytes // 2)
            self.csr.write(reg(i, "count"), frames)
        for i in self.lanes:
            self.csr.write(reg(i, "start"), 1)
