"""Lane access: the inter-card lane probes of one board, by CSR name.

Thin on purpose: the gateware core is gateware/cores/lane_probe/
(`LaneProbe`, specified in docs/lane_probe.md), instantiated per lane as `lane<i>`; on the simulated pair the
fault knobs of the lane a board *receives* are `lane<i>_faults_*`. Every
register and field name used is in the tables below; the fields' positions in
the packed `control` and `status` registers come from the build manifest
(`csr_fields["lane"]`, exported from LaneProbe's CSRs at build time), never
from a copy here. Nothing here judges:
harness/judge/pair.py turns the counts into rates and bit error ratios.
Values are plain dicts so a bench pod can send them as JSON.
"""
from __future__ import annotations

from typing import Any, Iterable, Mapping

from sailbench.harness.board.board import Board
from sailbench.harness.build.manifest import CsrField
from sailbench.harness.transport.client import CsrClient
from sailbench.harness.transport.regmap import RegisterMap
from sailbench.harness.errors import BuildError
from sailbench.harness.errors import ConfigError

STATES = ("Down", "Training", "Up", "Error")          # Spanker's LinkState names, by CSR value
STAGES = ("reset", "serdes", "sync", "align", "partner", "up", "error", "prbs")
PATTERNS = {"prbs7": 1, "prbs15": 2, "prbs31": 3}     # 0 = 8b/10b (idles, frames)

# Fields of lane<i>_control and lane<i>_status the host uses (positions: the manifest's csr_fields["lane"]).
FIELDS = {"control": ("enable", "tx_prbs", "rx_prbs"),
          "status": ("state", "stage", "partner_aligned", "prbs_locked", "tx_busy")}
COUNTERS = ("prbs_bits", "prbs_errors", "prbs_lock_losses", "tx_frames", "tx_bytes", "rx_frames", "rx_bytes",
            "rx_gaps", "rx_bad_frames", "rx_first_cycle", "rx_last_cycle", "rx_cycles", "tx_cycles")
GROUP = "lane_group"     # gateware/cores/lane_group.py: every lane started / latched in one sys cycle
FAULTS = ("error_every", "error_at", "error_at_enable", "error_mask", "cut", "lock_delay")


def reg(lane: int, name: str) -> str:
    return f"lane{lane}_{name}"


def fault_reg(lane: int, name: str) -> str:
    return f"lane{lane}_faults_{name}"


def _field(value: int, layout: CsrField) -> int:
    return (value >> layout.offset) & ((1 << layout.size) - 1)


def lane_indexes(regmap: RegisterMap) -> list[int]:
    """Lanes this build has probes for (empty: no lane probes in this build)."""
    out = []
    while reg(len(out), "status") in regmap:
        out.append(len(out))
    return out


class Lanes:
    """The lane probes `lanes` of one board, over its CSR client; `fields` is the build
    manifest's csr_fields["lane"] (register -> field -> offset and size)."""

    def __init__(self, csr: CsrClient, lanes: Iterable[int], fields: Mapping[str, Mapping[str, CsrField]],
                 board: str = ""):
        self.csr = csr
        self.lanes = list(lanes)
        self.board = board or (csr.board or "")
        missing = [i for i in self.lanes if reg(i, "status") not in csr.regmap]
        if missing:
            have = lane_indexes(csr.regmap)
            raise ConfigError(f"board '{self.board}': no lane probe for lane(s) {missing} in this build "
                              f"(it has lanes {have or 'none'}); check lab.yaml pairs.*.lanes or rebuild")
        absent = [f"{r}.{f}" for r, names in FIELDS.items() for f in names if f not in fields.get(r, {})]
        if self.lanes and absent:
            raise BuildError(f"board '{self.board}': its build manifest gives no CSR layout for lane field(s) "
                             f"{', '.join(absent)}; rebuild the gateware")
        self.control_fields = dict(fields.get("control", {}))
        self.status_fields = dict(fields.get("status", {}))

    @classmethod
    def of(cls, board: Board, lanes: Iterable[int] | None = None) -> "Lanes":
        """`lanes` of `board` (every lane probe of its build by default), laid out by its manifest."""
        return cls(board.csr, lane_indexes(board.regmap) if lanes is None else lanes,
                   board.manifest.csr_fields.get("lane", {}), board.name)

    def word_clk_hz(self) -> int:
        return self.csr.read(reg(self.lanes[0], "word_clk_hz")) if self.lanes else 0

    def states(self) -> dict[int, dict[str, Any]]:
        out = {}
        for i in self.lanes:
            v = self.csr.read(reg(i, "status"))
            f = self.status_fields
            state, stage = _field(v, f["state"]), _field(v, f["stage"])
            out[i] = {"state": STATES[state], "stage": STAGES[stage],
                      "aligned": STATES[state] == "Up" and bool(_field(v, f["partner_aligned"])),
                      "prbs_locked": bool(_field(v, f["prbs_locked"])),
                      "tx_busy": bool(_field(v, f["tx_busy"]))}
        return out

    def _control(self, lane: int, **fields: int) -> None:
        value = self.csr.read(reg(lane, "control"))
        for name, new in fields.items():
            layout = self.control_fields[name]
            mask = ((1 << layout.size) - 1) << layout.offset
            value = (value & ~mask) | ((new << layout.offset) & mask)
        self.csr.write(reg(lane, "control"), value)

    def counters(self) -> dict[int, dict[str, int]]:
        """Every lane's counters, latched together per lane (coherent)."""
        out = {}
        for i in self.lanes:
            self.csr.write(reg(i, "latch"), 1)
            v = self.csr.read_many([reg(i, c) for c in COUNTERS])
            out[i] = {c: v[reg(i, c)] for c in COUNTERS}
        return out

    # -- the lane group: all lanes at once ---------------------------------------------------------
    @property
    def has_group(self) -> bool:
        """The build has a lane group (every lane started and latched in the same sys cycle)."""
        return f"{GROUP}_latch" in self.csr.regmap

    def group_latch(self) -> dict[str, Any]:
        """Latch every lane's counters in one sys cycle: {"sys_cycle": the SoC cycle counter at that instant,
        "lanes": {lane: counters}}. Without a lane group: each lane latched on its own (sys_cycle None)."""
        if not self.has_group:
            return {"sys_cycle": None, "lanes": self.counters()}
        self.csr.write(f"{GROUP}_latch", 1)
        names = [f"{GROUP}_latch_cycle"] + [reg(i, c) for i in self.lanes for c in COUNTERS]
        v = self.csr.read_many(names)
        return {"sys_cycle": v[f"{GROUP}_latch_cycle"],
                "lanes": {i: {c: v[reg(i, c)] for c in COUNTERS} for i in self.lanes}}

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
        if self.has_group:          # these lanes start in the same sys cycle
            self.csr.write(f"{GROUP}_mask", sum(1 << i for i in self.lanes))
            self.csr.write(f"{GROUP}_start", 1)
            return
        for i in self.lanes:
            self.csr.write(reg(i, "start"), 1)
