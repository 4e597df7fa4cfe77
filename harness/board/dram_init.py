"""CPU-less DRAM bring-up: the host does what the LiteX BIOS would.

The probe SoC has no CPU, so nothing runs LiteX's `sdram_init()`
(litex/soc/software/liblitedram/sdram.c). The host does it over the bus
through LiteDRAM's DFII CSRs (`sdram_dfii_*`):

1. switch DFII to software control (CKE, ODT, RESET_N driven by the CSR);
2. replay the JEDEC init sequence the build exported (gateware/dram_info.py,
   from litedram's `get_sdram_phy_init_sequence`: reset release, CKE, mode
   registers 2/3/1/0, ZQ calibration);
3. if the PHY can (ECP5DDRPHY), read leveling as the BIOS does: for each
   byte lane, every bitslip x every read delay is scored with the BIOS's
   write/read-back test pattern (3 seeds, plus the DQSBUFM burst detector);
   the best bitslip wins and the delay is set to the centre of its widest
   working window;
4. switch DFII back to hardware control (the controller and the BIST).

`read_leveling` is pure over a small `LevelingTarget` interface so it can be
tested against a model of the window.
"""
from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from typing import Callable, Protocol, Sequence

from sailbench.harness.build.manifest import DramInfo, DramPhy, InitStep
from sailbench.harness.transport.client import CsrClient
from sailbench.harness.errors import LevelingError
from sailbench.harness.steps import layer_logger, step

logger = layer_logger("board")

# DFII bits (litedram/init.py, get_sdram_phy_c_header).
CONTROL_SEL, CONTROL_CKE, CONTROL_ODT, CONTROL_RESET_N = 0x01, 0x02, 0x04, 0x08
CONTROL_SOFTWARE = CONTROL_CKE | CONTROL_ODT | CONTROL_RESET_N
CONTROL_HARDWARE = CONTROL_SEL
CMD_CS, CMD_WE, CMD_CAS, CMD_RAS, CMD_WRDATA, CMD_RDDATA = 0x01, 0x02, 0x04, 0x08, 0x10, 0x20
SEEDS = (42, 84, 36)              # sdram.c: _seed_array
CDELAY_S = 1e-6                   # host seconds per BIOS cdelay() count: generous (the BIOS loop is faster)
LFSR32_TAPS = 0x80200003          # libbase/lfsr.h: lfsr_taps[32]


def lfsr32(prev: int) -> int:
    """libbase/lfsr.h `lfsr(32, prev)`."""
    lsb = prev & 1
    prev >>= 1
    return prev ^ (LFSR32_TAPS if lsb else 0)


def pattern_bytes(seed: int, nphases: int, phase_bytes: int) -> list[bytes]:
    """sdram.c `sdram_write_read_check_test_pattern`: per phase, `phase_bytes` pseudo-random bytes."""
    prv = seed
    out = []
    for _ in range(nphases):
        row = bytearray()
        for _ in range(phase_bytes):
            value = 0
            for bit in range(8):
                prv = lfsr32(prv)
                value |= (prv & 1) << bit
            row.append(value)
        out.append(bytes(row))
    return out


def lane_errors(written: bytes, read: bytes, module: int) -> int:
    """Bit errors of byte lane `module` in one phase (x8 lanes, DDR: two bytes per lane per phase).

    DFII data is big-endian: the first byte is the most significant. The rising
    edge's byte of lane m is at 2*half-1-m, the falling edge's at half-1-m (sdram.c pebo/nebo)."""
    half = len(written) // 2
    nebo = half - 1 - module
    pebo = nebo + half
    return bin(written[pebo] ^ read[pebo]).count("1") + bin(written[nebo] ^ read[nebo]).count("1")


class Dfii:
    """LiteDRAM's DFII (software access to the DRAM) by CSR name."""

    def __init__(self, csr: CsrClient, phy: DramPhy, prefix: str = "sdram_dfii"):
        self.csr = csr
        self.prefix = prefix
        self.nphases = int(phy.nphases)
        self.rdphase = int(phy.rdphase)
        self.wrphase = int(phy.wrphase)
        self.phase_bytes = int(phy.dfi_databits) // 8

    def control(self, bits: int) -> None:
        self.csr.write(f"{self.prefix}_control", bits)

    def read_control(self) -> int:
        return self.csr.read(f"{self.prefix}_control")

    def command(self, bits: int, address: int = 0, bank: int = 0, phase: int = 0) -> None:
        p = f"{self.prefix}_pi{phase}"
        self.csr.write(f"{p}_address", address)
        self.csr.write(f"{p}_baddress", bank)
        self.csr.write(f"{p}_command", bits)
        self.csr.write(f"{p}_command_issue", 1)

    def write_data(self, phase: int, data: bytes) -> None:
        self.csr.write(f"{self.prefix}_pi{phase}_wrdata", int.from_bytes(data, "big"))

    def read_data(self, phase: int) -> bytes:
        return self.csr.read(f"{self.prefix}_pi{phase}_rddata").to_bytes(self.phase_bytes, "big")


def cdelay(count: int) -> None:
    if count:
        time.sleep(count * CDELAY_S)


def replay_init_sequence(dfii: Dfii, sequence: Sequence[InitStep]) -> None:
    """The BIOS's `init_sequence()`: each step a control write or a phase-0 command, then its delay."""
    for step in sequence:
        if step.kind == "control":
            dfii.control(step.bits)
        else:
            dfii.command(step.bits, step.address, step.bank, phase=0)
        cdelay(step.delay)


def pattern_errors(dfii: Dfii, module: int, seed: int, burstdet: Callable[[], int] | None = None,
                   clear_burstdet: Callable[[], None] | None = None, phases: tuple[int, ...] | None = None) -> int:
    """Write a test pattern to row 0 through DFII, read it back, count lane `module`'s bit errors
    (in every phase, or in `phases`).

    On an ECP5DDRPHY a read whose DQS burst the DQSBUFM did not detect counts one more error."""
    data = pattern_bytes(seed, dfii.nphases, dfii.phase_bytes)
    dfii.command(CMD_RAS | CMD_CS)                                       # activate row 0
    cdelay(15)
    for p, row in enumerate(data):
        dfii.write_data(p, row)
    dfii.command(CMD_CAS | CMD_WE | CMD_CS | CMD_WRDATA, phase=dfii.wrphase)
    cdelay(15)
    if clear_burstdet:
        clear_burstdet()
    dfii.command(CMD_CAS | CMD_CS | CMD_RDDATA, phase=dfii.rdphase)
    cdelay(15)
    dfii.command(CMD_RAS | CMD_WE | CMD_CS)                              # precharge
    cdelay(15)
    errors = sum(lane_errors(row, dfii.read_data(p), module) for p, row in enumerate(data)
                 if phases is None or p in phases)
    if burstdet is not None and not (burstdet() >> module) & 1:
        errors += 1
    return errors


# --- read leveling --------------------------------------------------------------------------

class LevelingTarget(Protocol):
    modules: int
    delays: int
    bitslips: int

    def reset_delay(self, module: int) -> None: ...
    def inc_delay(self, module: int) -> None: ...
    def reset_bitslip(self, module: int) -> None: ...
    def inc_bitslip(self, module: int) -> None: ...
    def errors(self, module: int) -> int: ...          # over all seeds at the current setting
    def max_errors(self) -> int: ...                   # worst possible errors() (score weighting)


@dataclass
class ModuleLeveling:
    module: int
    bitslip: int
    delay: int
    window: tuple[int, int] | None          # widest working delay range at the chosen bitslip
    scan: dict[int, list[int]] = field(default_factory=dict)   # bitslip -> errors per delay
    verified: bool = False

    def to_dict(self) -> dict:
        d = asdict(self)
        d["scan"] = {str(k): v for k, v in self.scan.items()}
        return d


def widest_window(errors: list[int]) -> tuple[int, int] | None:
    """Widest run of zero-error delays, as (first, last); None if no delay works."""
    best: tuple[int, int] | None = None
    start = None
    for i, e in enumerate(errors + [1]):
        if e == 0 and start is None:
            start = i
        elif e != 0 and start is not None:
            if best is None or (i - 1 - start) > (best[1] - best[0]):
                best = (start, i - 1)
            start = None
    return best


def _score(errors: list[int], max_errors: int, delays: int) -> int:
    """sdram.c sdram_read_leveling_scan_module: any working delay outweighs every failing one."""
    return sum((max_errors * delays if e == 0 else 0) + (max_errors - min(e, max_errors)) for e in errors)


def _set(target: LevelingTarget, module: int, bitslip: int, delay: int) -> None:
    target.reset_bitslip(module)
    for _ in range(bitslip):
        target.inc_bitslip(module)
    target.reset_delay(module)
    for _ in range(delay):
        target.inc_delay(module)


def read_leveling(target: LevelingTarget, progress: Callable[[str], None] = lambda m: None,
                  retries: int = 8) -> list[ModuleLeveling]:
    """The BIOS's sdram_read_leveling: per module, scan bitslips x delays, keep the best bitslip,
    centre the delay in its widest working window and check it."""
    results = []
    for m in range(target.modules):
        scan: dict[int, list[int]] = {}
        target.reset_bitslip(m)
        for b in range(target.bitslips):
            target.reset_delay(m)
            row = []
            for _d in range(target.delays):
                row.append(target.errors(m))
                target.inc_delay(m)
            scan[b] = row
            progress(f"  m{m}, b{b:02d}: |{''.join('1' if e == 0 else '0' for e in row)}|")
            if b < target.bitslips - 1:
                target.inc_bitslip(m)
        scores = {b: _score(row, target.max_errors(), target.delays) for b, row in scan.items()}
        best = max(scores, key=lambda b: (scores[b], -b))       # first best, as the BIOS's strict '>'
        window = widest_window(scan[best])
        delay = (window[0] + window[1]) // 2 if window else 0
        res = ModuleLeveling(m, best, delay, window, scan)
        for _ in range(retries if window else 0):
            _set(target, m, best, delay)
            if target.errors(m) == 0:
                res.verified = True
                break
        if not window:
            _set(target, m, best, delay)
        progress(f"  best: m{m}, b{best:02d}, delay {delay}" + (f" (window {window[0]}..{window[1]})" if window
                                                          else " (NO WORKING DELAY)"))
        results.append(res)
    return results


class Ecp5ReadLeveling:
    """LevelingTarget for LiteDRAM's ECP5DDRPHY (ddrphy_* CSRs), as liblitedram/accessors.c drives it."""

    def __init__(self, dfii: Dfii, csr: CsrClient, phy: DramPhy, prefix: str = "ddrphy"):
        self.dfii = dfii
        self.csr = csr
        self.p = prefix
        self.modules = int(phy.modules)
        self.delays = int(phy.delays)
        self.bitslips = int(phy.bitslips)

    def _action(self, module: int, reg: str) -> None:
        self.csr.write(f"{self.p}_dly_sel", 1 << module)
        self.csr.write(f"{self.p}_{reg}", 1)
        self.csr.write(f"{self.p}_dly_sel", 0)
        # Sync every DQSBUFM by toggling all dly_sel (PAUSE) lines (accessors.c sdram_deselect).
        self.csr.write(f"{self.p}_dly_sel", (1 << self.modules) - 1)
        self.csr.write(f"{self.p}_dly_sel", 0)

    def reset_delay(self, module: int) -> None:
        self._action(module, "rdly_dq_rst")

    def inc_delay(self, module: int) -> None:
        self._action(module, "rdly_dq_inc")

    def reset_bitslip(self, module: int) -> None:
        self._action(module, "rdly_dq_bitslip_rst")

    def inc_bitslip(self, module: int) -> None:
        self._action(module, "rdly_dq_bitslip")

    def errors(self, module: int) -> int:
        return sum(pattern_errors(self.dfii, module, seed,
                                  burstdet=lambda: self.csr.read(f"{self.p}_burstdet_seen"),
                                  clear_burstdet=lambda: self.csr.write(f"{self.p}_burstdet_clr", 1))
                   for seed in SEEDS)

    def max_errors(self) -> int:
        # sdram.c READ_CHECK_TEST_PATTERN_MAX_ERRORS per seed: 8 * phases * bytes per phase / modules
        return len(SEEDS) * 8 * self.dfii.nphases * self.dfii.phase_bytes // self.modules


# --- the whole bring-up -----------------------------------------------------------------------

@dataclass
class DramInitResult:
    steps: int
    leveling: list[ModuleLeveling]
    seconds: float

    def to_record(self, board: str) -> dict:
        return {"probe": "dram_init", "board": board, "init_steps": self.steps, "seconds": round(self.seconds, 2),
                "leveling": [m.to_dict() for m in self.leveling]}


@step(logger, "DRAM init")
def init_dram(board_name: str, csr: CsrClient, dram: DramInfo,
              progress: Callable[[str], None] = print) -> DramInitResult:
    """Bring the board's DRAM up from the host; DFII is back under hardware control afterwards.

    The init data (PHY settings, JEDEC sequence) are required fields of the manifest's DRAM
    record: a build without them does not parse (BuildError naming its manifest)."""
    t0 = time.monotonic()
    phy = dram.phy
    dfii = Dfii(csr, phy)
    leveling: list[ModuleLeveling] = []
    dfii.control(CONTROL_SOFTWARE)
    try:
        replay_init_sequence(dfii, dram.init_sequence)
        if phy.read_leveling and phy.phytype == "ECP5DDRPHY":
            progress(f"board '{board_name}': DRAM read leveling ({phy.modules} byte lanes, "
                f"{phy.bitslips} bitslips x {phy.delays} delays)")
            leveling = read_leveling(Ecp5ReadLeveling(dfii, csr, phy), progress)
    finally:
        dfii.control(CONTROL_HARDWARE)
    bad = [m for m in leveling if m.window is None]
    if bad:
        raise LevelingError("DRAM read leveling: " + "; ".join(lane_diagnosis(m) for m in bad)
                            + "; check the DDR3 module and the build's DRAM profile", board=board_name,
                            leveling=leveling)
    return DramInitResult(len(dram.init_sequence), leveling, time.monotonic() - t0)


def lane_diagnosis(m: ModuleLeveling) -> str:
    """What a lane's scan says, in a bring-up engineer's words."""
    if m.window is None:
        if any(e == 0 for row in m.scan.values() for e in row):
            return f"byte lane {m.module} passes only at isolated taps: DQS{m.module} timing is marginal"
        return f"byte lane {m.module} never passes: DQS{m.module} or its termination"
    width = m.window[1] - m.window[0] + 1
    text = (f"byte lane {m.module}: bitslip {m.bitslip}, delay {m.delay} "
            f"(window {m.window[0]}..{m.window[1]}, {width} taps)")
    return text + ("" if m.verified else ", NOT verified at the centre")
