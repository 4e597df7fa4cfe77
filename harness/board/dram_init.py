"""CPU-less DRAM bring-up: the host does what the LiteX BIOS would.

The probe SoC has no CPU, so nothing runs LiteX's `sdram_init()`
(litex/soc/software/liblitedram/sdram.c). The host does it over the bus
through LiteDRAM's DFII CSRs (`sdram_dfii_*`):

1. switch DFII to software control (CKE, ODT, RESET_N driven by the CSR);
2. replay the JEDEC init sequence the build exported (gateware/soc/dram_info.py,
   from litedram's `get_sdram_phy_init_sequence`: reset release, CKE, mode
   registers 2/3/1/0, ZQ calibration);
3. if the PHY can (ECP5DDRPHY), read leveling as the BIOS does: for each
   byte lane, every bitslip x every read delay is scored with the BIOS's
   write/read-back test pattern (3 seeds, plus the DQSBUFM burst detector);
   the best bitslip wins and the delay is set to the centre of its widest
   working window;
4. switch DFII back to hardware control (the controller and the BIST).

`read_leveling` (harness/board/read_leveling.py) is pure over a small
`LevelingTarget` interface so it can be tested against a model of the window.
DFII accesses are batched (harness/transport/batch.py): DRAM init with leveling
is 70 round trips over UARTBone with the bridge's receive FIFO (268 without it), 203 over
Etherbone (tests/unit/board/test_dram_init_round_trips.py).
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable, Sequence

from sailbench.harness.board.read_leveling import (LevelingTarget, ModuleLeveling, read_leveling,  # noqa: F401
                                                  widest_window)
from sailbench.harness.build.manifest import DramInfo, DramPhy, InitStep
from sailbench.harness.transport.batch import batch_for
from sailbench.harness.transport.client import CsrClient
from sailbench.harness.transport.counting import counted_step, counter_of
from sailbench.harness.errors import BoardError, LevelingError
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
    """LiteDRAM's DFII (software access to the DRAM) by CSR name.

    Commands and write data are queued in one batch (harness/transport/batch.py) and
    sent without a confirming read each; the batch goes out when an answer is needed
    (a read, a control switch, a delay), so a whole test pattern costs one round trip."""

    def __init__(self, csr: CsrClient, phy: DramPhy, prefix: str = "sdram_dfii"):
        self.csr = csr
        self.prefix = prefix
        self.nphases = int(phy.nphases)
        self.rdphase = int(phy.rdphase)
        self.wrphase = int(phy.wrphase)
        self.phase_bytes = int(phy.dfi_databits) // 8
        self.batch = batch_for(csr)

    def control(self, bits: int) -> None:
        """Switch DFII (software/hardware control), sent and confirmed now."""
        self.batch.write(f"{self.prefix}_control", bits)
        self.flush()

    def read_control(self) -> int:
        value = self.batch.read(f"{self.prefix}_control")
        self.batch.run()
        return value.value

    def command(self, bits: int, address: int = 0, bank: int = 0, phase: int = 0) -> None:
        p = f"{self.prefix}_pi{phase}"
        self.batch.write(f"{p}_address", address)
        self.batch.write(f"{p}_baddress", bank)
        self.batch.write(f"{p}_command", bits)
        self.batch.write(f"{p}_command_issue", 1)

    def write_data(self, phase: int, data: bytes) -> None:
        self.batch.write(f"{self.prefix}_pi{phase}_wrdata", int.from_bytes(data, "big"))

    def queue_read_data(self) -> list[Callable[[], bytes]]:
        """Every phase's read data in one burst (the PhaseInjector registers between are
        plain storage: reading them has no effect), known after the next flush."""
        names = [f"{self.prefix}_pi{p}_rddata" for p in range(self.nphases)]
        got = self.batch.read_span(names)
        return [lambda n=n: got[n].value.to_bytes(self.phase_bytes, "big") for n in names]

    def read_data(self, phase: int) -> bytes:
        data = self.queue_read_data()
        self.flush()
        return data[phase]()

    def flush(self, *, confirm: bool = True) -> None:
        """Send what is queued; with `confirm` (and no read at its end) one fence read."""
        self.batch.run(confirm=confirm)


def cdelay(count: int) -> None:
    if count:
        time.sleep(count * CDELAY_S)


LONG_DELAY = 1000                 # cdelay counts from which a step is confirmed before waiting


def replay_init_sequence(dfii: Dfii, sequence: Sequence[InitStep]) -> None:
    """The BIOS's `init_sequence()`: each step a control write or a phase-0 command, then its delay.

    Before a long wait (reset release, CKE) the steps so far are confirmed, so the wait
    starts when the board has them; short waits follow the unconfirmed send (the bytes
    behind them are microseconds on the wire)."""
    for step in sequence:
        if step.kind == "control":
            dfii.batch.write(f"{dfii.prefix}_control", step.bits)
        else:
            dfii.command(step.bits, step.address, step.bank, phase=0)
        if step.delay:
            dfii.flush(confirm=step.delay >= LONG_DELAY)
        cdelay(step.delay)
    dfii.flush()


def queue_pattern(dfii: Dfii, seed: int, before_read: Callable[[], None] | None = None) -> list[bytes]:
    """Queue the BIOS's test pattern (activate row 0, write, read, precharge) and the read of
    the data; returns what was written per phase. `before_read` queues writes just before the
    read command (the burst detector's clear)."""
    data = pattern_bytes(seed, dfii.nphases, dfii.phase_bytes)
    dfii.command(CMD_RAS | CMD_CS)                                       # activate row 0
    for p, row in enumerate(data):
        dfii.write_data(p, row)
    dfii.command(CMD_CAS | CMD_WE | CMD_CS | CMD_WRDATA, phase=dfii.wrphase)
    if before_read:
        before_read()
    dfii.command(CMD_CAS | CMD_CS | CMD_RDDATA, phase=dfii.rdphase)
    dfii.command(CMD_RAS | CMD_WE | CMD_CS)                              # precharge
    return data


def pattern_errors(dfii: Dfii, module: int, seed: int, burstdet: Callable[[], int] | None = None,
                   clear_burstdet: Callable[[], None] | None = None, phases: tuple[int, ...] | None = None) -> int:
    """Write a test pattern to row 0 through DFII, read it back, count lane `module`'s bit errors
    (in every phase, or in `phases`): one batch, one round trip.

    The BIOS waits cdelay(15) between the commands; here the bus between them is slower than
    that already (each command is several CSR writes: tens of clock cycles over Etherbone,
    tens of microseconds on the UART). On an ECP5DDRPHY a read whose DQS burst the DQSBUFM
    did not detect counts one more error (`burstdet`, read after the batch)."""
    data = queue_pattern(dfii, seed, clear_burstdet)
    got = dfii.queue_read_data()
    dfii.flush()
    errors = sum(lane_errors(row, got[p](), module) for p, row in enumerate(data)
                 if phases is None or p in phases)
    if burstdet is not None and not (burstdet() >> module) & 1:
        errors += 1
    return errors


# --- read leveling --------------------------------------------------------------------------

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
        """Queued with the next test pattern (no round trip of its own)."""
        b = self.dfii.batch
        b.write(f"{self.p}_dly_sel", 1 << module)
        b.write(f"{self.p}_{reg}", 1)
        b.write(f"{self.p}_dly_sel", 0)
        # Sync every DQSBUFM by toggling all dly_sel (PAUSE) lines (accessors.c sdram_deselect).
        b.write(f"{self.p}_dly_sel", (1 << self.modules) - 1)
        b.write(f"{self.p}_dly_sel", 0)

    def reset_delay(self, module: int) -> None:
        self._action(module, "rdly_dq_rst")

    def inc_delay(self, module: int) -> None:
        self._action(module, "rdly_dq_inc")

    def reset_bitslip(self, module: int) -> None:
        self._action(module, "rdly_dq_bitslip_rst")

    def inc_bitslip(self, module: int) -> None:
        self._action(module, "rdly_dq_bitslip")

    def errors(self, module: int) -> int:
        """The three seeds' bit errors plus the burst detector's, queued as one batch (each seed's
        read data is read before the next seed's commands overwrite it): one round trip per seed
        and one for the detector over LiteX's UARTBone bridge, one in all with the probe SoC's
        receive FIFO, one per seed on Etherbone (the detector read in the last seed's record).
        The BIOS clears and reads the detector around each seed's read; here it
        is cleared before the first and read after the last (it is sticky), and a lane whose
        DQSBUFM saw none of the three bursts counts one error per seed, as in the BIOS. (A lane
        seeing some but not all of them counts none here: it reads wrong data anyway.)"""
        dfii = self.dfii
        dfii.batch.write(f"{self.p}_burstdet_clr", 1)
        patterns = []
        for seed in SEEDS:
            patterns.append((queue_pattern(dfii, seed), dfii.queue_read_data()))
        seen = dfii.batch.read(f"{self.p}_burstdet_seen")      # same record as the last seed's on Etherbone
        dfii.flush()
        errors = sum(lane_errors(row, got[p](), module) for data, got in patterns for p, row in enumerate(data))
        if not (seen.value >> module) & 1:
            errors += len(SEEDS)
        return errors

    def max_errors(self) -> int:
        # sdram.c READ_CHECK_TEST_PATTERN_MAX_ERRORS per seed: 8 * phases * bytes per phase / modules
        return len(SEEDS) * 8 * self.dfii.nphases * self.dfii.phase_bytes // self.modules


# --- the whole bring-up -----------------------------------------------------------------------

@dataclass
class DramInitResult:
    steps: int
    leveling: list[ModuleLeveling]
    seconds: float
    round_trips: int | None = None       # on the link it ran over (None: the link keeps no count)
    link: str = ""

    def to_record(self, board: str) -> dict:
        return {"probe": "dram_init", "board": board, "init_steps": self.steps, "seconds": round(self.seconds, 2),
                "round_trips": self.round_trips, "link": self.link,
                "leveling": [m.to_dict() for m in self.leveling]}


def dram_init_link(board) -> CsrClient:
    """The link DRAM init runs over: Etherbone when the board has it with the SoC's write counter
    (posted writes checked once per test pattern, no USB-serial latency timer), else the primary
    link (UART)."""
    eb = getattr(board, "etherbone", None)
    if eb is not None and getattr(eb.transport, "write_counter_addr", None) is not None:
        return eb
    return board.csr


def bring_up_dram(board, progress: Callable[[str], None] = print) -> DramInitResult:
    """init_dram over `dram_init_link(board)`; if Etherbone loses posted writes (the write counter
    says so), the whole init runs again over the UART, which is slower but loses nothing."""
    link = dram_init_link(board)
    try:
        return init_dram(board.name, link, board.manifest.dram, progress=progress)
    except LevelingError:
        raise
    except BoardError as e:
        if link is board.csr or "write counter" not in str(e):
            raise
        progress(f"board '{board.name}': DRAM init over Etherbone lost writes ({e}); again over the UART")
        return init_dram(board.name, board.csr, board.manifest.dram, progress=progress)


@step(logger, "DRAM init")
@counted_step("DRAM init")
def init_dram(board_name: str, csr: CsrClient, dram: DramInfo,
              progress: Callable[[str], None] = print) -> DramInitResult:
    """Bring the board's DRAM up from the host; DFII is back under hardware control afterwards.

    The init data (PHY settings, JEDEC sequence) are required fields of the manifest's DRAM
    record: a build without them does not parse (BuildError naming its manifest)."""
    t0 = time.monotonic()
    counter = counter_of(csr)
    before = counter.step("DRAM init").round_trips if counter else 0
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
    trips = counter.step("DRAM init").round_trips - before if counter else None
    return DramInitResult(len(dram.init_sequence), leveling, time.monotonic() - t0, trips,
                          getattr(getattr(csr, "transport", None), "name", ""))


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
