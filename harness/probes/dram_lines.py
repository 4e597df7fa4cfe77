"""DRAM line tests: which DQ, DM, address or bank line is broken, named by its ball and net.

LiteX's BIOS memtest says "N errors"; on a new board revision the question is
which pin. These tests need a few hundred bus accesses, so they run in well
under a second even over UARTBone, after the DRAM init and read leveling and
before the BIST.

How the host reaches DRAM words. The probe SoC has no CPU but maps LiteDRAM
onto its Wishbone bus as `main_ram` (LiteX `add_sdram`, no L2 cache:
`LiteDRAMWishbone2Native` behind a native port up-converter), and UARTBone and
Etherbone are bus masters. So a DRAM word is a plain bus read or write at
`main_ram_base + offset`: no DFII single commands (those bypass the
controller's address mapping, and the mapping is what the address test has
to exercise).

How a bus word reaches the pins (LiteDRAM 2024.12, DDR3, ECP5DDRPHY and the
simulated model alike):
- One controller word is one burst (BL8): `word_bytes` = 8 x DQ width / 8.
  Its column address has `address_align` (3) low bits at 0.
- Bit i of the controller word travels on DQ (i mod DQ width): the DFI puts
  beat k of the burst in bits [k x width, (k+1) x width). A 32-bit bus word
  w of a burst covers controller bits [32w, 32w + 32), hence
  DQ = (32w + b) mod width for bit b. Byte lane = DQ // 8, strobe DQS<lane>,
  mask DM<lane>.
- A bus write of one 32-bit word is a masked burst: the other bytes of the
  burst have their DM high. That is the byte-enable test.
- Controller word address bits, ROW_BANK_COL: [column bits align..colbits),
  then bank bits, then row bits. Column bit c and row bit r use the same
  pins A<c> and A<r> (a tied pin aliases both); A10 is auto-precharge on
  column commands, so a module with more than 10 column bits skips it.

Faults told apart:
- data lines: walking ones and zeros on every DQ of every lane, in every
  beat, one burst at a time at one address (so the address lines cannot
  confuse it). A DQ that always reads 0 (or 1) is stuck; two DQs that always read
  the same value are shorted (the read is their AND or OR); a DQ wrong only
  sometimes is marginal; a lane wrong on all its DQs points at its DQS.
- data masks: a one-word write must keep the rest of its burst. Bytes of a
  lane that change name a DM that never masks; a written byte that keeps its
  old value, one that always masks.
- address lines: a distinct tag written at address 0 and at every power of
  two of the controller address (column, bank and row bits), all read back.
  Addresses that read the same tag share one cell: a bit that aliases with
  address 0 has no effect (the line is tied or open; which value it sits at
  cannot be seen from the bus); two bits that alias with each other but not
  with 0 are shorted (wired-OR); two bits that each alias with 0 but not
  together are checked again at their sum (wired-AND short).
- banks: one write per bank at the same row and column, read back; banks
  that share a cell name the BA line that makes the difference.
The data-line test runs first; if it fails the others are not run (their
tags would be misread).

Balls and nets come from the build's `dram_pins.json` (gateware/soc/dram_pins.py,
from the board's LiteX platform); the net of `dq` bit 11 is `ddram_dq11`.
"""
from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from typing import Callable

from sailbench.harness.probes.dram_lines_bus import LineBus as _Bus
from sailbench.harness.probes.dram_wiring import DramWiring
from sailbench.harness.transport.counting import counted_step

PASSED, FAILED, NOT_RUN = "passed", "failed", "not run"
TESTS = ("data lines", "data masks", "address lines", "banks")
DM_FILL, DM_NEW = 0xC33C_A55A, 0x3CC3_5AA5
DM_REGION = 0           # controller word the data masks test uses


# -- results --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class LineFault:
    test: str
    kind: str                   # stuck at 0, stuck at 1, short, marginal, lane, DM never masks, ...
    lines: tuple[str, ...]      # "DQ11", "A5", "BA1", "DM0"
    message: str


@dataclass
class LineTest:
    name: str
    status: str = NOT_RUN
    accesses: int = 0
    faults: list[LineFault] = field(default_factory=list)
    detail: str = ""


@dataclass
class DramLineReport:
    tests: list[LineTest]
    link: str
    seconds: float

    @property
    def faults(self) -> list[LineFault]:
        return [f for t in self.tests for f in t.faults]

    @property
    def passed(self) -> bool:
        return all(t.status == PASSED for t in self.tests)

    @property
    def accesses(self) -> int:
        return sum(t.accesses for t in self.tests)

    def summary(self) -> str:
        if self.passed:
            return (f"data lines, data masks, address lines and banks pass ({self.accesses} word accesses "
                    f"over {self.link} in {self.seconds:.2f} s)")
        shown: dict[tuple, str] = {}           # one message per line (address and bank tests may both name BA<k>)
        for f in self.faults:
            if f.lines not in shown or not f.lines:
                shown[f.lines or (f.message,)] = f.message
            elif f"{f.test} test" not in shown[f.lines]:
                shown[f.lines] += f" (the {f.test} test agrees)"
        return "; ".join(shown.values()) or "; ".join(
            f"{t.name}: {t.detail}" for t in self.tests if t.status == FAILED)

    def to_record(self, board: str) -> dict:
        return {"probe": "dram_lines", "board": board, "link": self.link, "seconds": round(self.seconds, 3),
                "accesses": self.accesses, "passed": self.passed,
                "tests": [{"name": t.name, "status": t.status, "accesses": t.accesses, "detail": t.detail,
                           "faults": [asdict(f) for f in t.faults]} for t in self.tests]}


# -- the tests --------------------------------------------------------------------------------------

def _burst(w: DramWiring, dq_value: Callable[[int], int]) -> list[int]:
    """Bus words of one burst where every beat carries DQ j = dq_value(j)."""
    return [sum(dq_value(w.dq_of(word, b)) << b for b in range(32)) for word in range(w.words_per_burst)]


def data_lines(bus: _Bus) -> LineTest:
    w = bus.w
    t = LineTest("data lines")
    full = (1 << w.data_width) - 1
    patterns = [0, full] + [1 << j for j in range(w.data_width)] + [full ^ (1 << j) for j in range(w.data_width)]
    # One burst at a time at one address: the result must not depend on the address lines.
    words, got = [], []
    start = bus.accesses
    for p in patterns:
        burst = _burst(w, lambda j, p=p: (p >> j) & 1)
        bus.write(0, burst)
        words += burst
        got += bus.read(0, len(burst))
    t.accesses = bus.accesses - start
    # samples[j]: (written, read) of DQ j in every beat of every pattern, in the same order for every j
    samples: dict[int, list[tuple[int, int]]] = {j: [] for j in range(w.data_width)}
    for i, (wr, rd) in enumerate(zip(words, got)):
        word = i % w.words_per_burst
        for b in range(32):
            samples[w.dq_of(word, b)].append(((wr >> b) & 1, (rd >> b) & 1))
    bad = [j for j, s in samples.items() if any(a != b for a, b in s)]
    t.faults = _classify_dq(w, samples, bad)
    t.status = FAILED if bad else PASSED
    t.detail = (f"{len(patterns)} patterns x {w.words_per_burst} words on DQ0..DQ{w.data_width - 1}"
                + (f"; wrong: {', '.join(f'DQ{j}' for j in bad)}" if bad else ""))
    return t


def _classify_dq(w: DramWiring, samples: dict[int, list[tuple[int, int]]], bad: list[int]) -> list[LineFault]:
    faults: list[LineFault] = []
    reads = {j: [r for _, r in samples[j]] for j in samples}
    writes = {j: [x for x, _ in samples[j]] for j in samples}
    done: set[int] = set()
    for lane in range(w.lanes):
        lane_dq = list(range(8 * lane, 8 * lane + 8))
        if all(j in bad for j in lane_dq) and not any(set(reads[j]) <= {0} or set(reads[j]) <= {1} for j in lane_dq):
            faults.append(LineFault("data lines", "lane", (f"DQS{lane}",),
                                    f"byte lane {lane} is wrong on all 8 DQ lines (DQ{8 * lane}..DQ{8 * lane + 7}): "
                                    f"its strobe or read leveling -> DQS{lane} {w.net('dqs_p', lane)}"))
            done.update(lane_dq)
    for j in bad:
        if j in done:
            continue
        lane = j // 8
        if all(r == 0 for r in reads[j]) or all(r == 1 for r in reads[j]):
            v = reads[j][0]
            faults.append(LineFault("data lines", f"stuck at {v}", (f"DQ{j}",),
                                    f"DQ{j} (byte lane {lane}) stuck at {v} -> {w.net('dq', j)}"))
            done.add(j)
            continue
        partner = next((k for k in bad if k != j and k not in done and reads[k] == reads[j]), None)
        if partner is not None:
            a, b = sorted((j, partner))
            wired = ("AND" if reads[j] == [x & y for x, y in zip(writes[a], writes[b])] else
                     "OR" if reads[j] == [x | y for x, y in zip(writes[a], writes[b])] else "same value")
            lanes = (f"byte lane {a // 8}" if a // 8 == b // 8 else f"byte lanes {a // 8} and {b // 8}")
            faults.append(LineFault("data lines", "short", (f"DQ{a}", f"DQ{b}"),
                                    f"DQ{a} and DQ{b} ({lanes}) shorted (both read the {wired} of the two) -> "
                                    f"{w.nets('dq', [a, b])}"))
            done.update((a, b))
            continue
        wrong = sum(x != r for x, r in samples[j])
        faults.append(LineFault("data lines", "marginal", (f"DQ{j}",),
                                f"DQ{j} (byte lane {lane}) wrong in {wrong} of {len(samples[j])} bits, not stuck and "
                                f"not shorted to another DQ: timing, termination or a marginal joint -> "
                                f"{w.net('dq', j)}"))
        done.add(j)
    return faults


def data_masks(bus: _Bus) -> LineTest:
    w = bus.w
    t = LineTest("data masks")
    n = w.words_per_burst
    start = bus.accesses
    got = []
    for k in range(n):           # one burst at a time at one address, as the data lines
        bus.write(DM_REGION, [DM_FILL] * n)
        bus.write_word(DM_REGION, k, DM_NEW)
        got += bus.read(DM_REGION, n)
    t.accesses = bus.accesses - start
    never: dict[int, int] = {}
    always: dict[int, int] = {}
    for i, value in enumerate(got):
        burst, word = divmod(i, n)
        expected = DM_NEW if word == burst else DM_FILL
        for byte in range(4):
            if (value >> 8 * byte) & 0xFF != (expected >> 8 * byte) & 0xFF:
                lane = w.dq_of(word, 8 * byte) // 8
                target = always if word == burst else never
                target[lane] = target.get(lane, 0) + 1
    for lane, count in sorted(never.items()):
        t.faults.append(LineFault("data masks", "DM never masks", (f"DM{lane}",),
                                  f"DM{lane} (byte lane {lane}) never masks: a one-word write overwrote lane {lane} "
                                  f"of the rest of its burst ({count} bytes) -> {w.net('dm', lane)}"))
    for lane, count in sorted(always.items()):
        t.faults.append(LineFault("data masks", "DM always masks", (f"DM{lane}",),
                                  f"DM{lane} (byte lane {lane}) always masks: lane {lane} of a written word kept its "
                                  f"old value ({count} bytes) -> {w.net('dm', lane)}"))
    t.status = FAILED if t.faults else PASSED
    t.detail = f"{n} one-word writes into a filled burst, each read back"
    return t


def _tag(i: int) -> int:
    return (0x0101_0101 * (i + 1)) ^ 0x5AA5_C33C


def _aliases(values: list[int], keys: list) -> tuple[list[set], list]:
    """Groups of keys that read the same tag (one cell), and keys that read no known tag."""
    owner = {_tag(i): k for i, k in enumerate(keys)}
    groups: dict[object, set] = {}
    garbage = []
    for k, v in zip(keys, values):
        o = owner.get(v)
        if o is None:
            garbage.append(k)
        elif o != k:
            groups.setdefault(o, {o}).add(k)
    return list(groups.values()), garbage


def address_lines(bus: _Bus) -> LineTest:
    w = bus.w
    t = LineTest("address lines")
    bits = w.address_bits()
    total = len(bits)
    if w.word_bytes << total != w.size:
        t.detail = (f"geometry ({w.rowbits} row, {w.colbits} column, {w.bankbits} bank bits) does not match "
                    f"main_ram's {w.size} bytes")
    keys = [0] + [1 << n for n in range(total)]
    start = bus.accesses
    for i, native in enumerate(keys):
        bus.write(native, [_tag(i)])
    values = [bus.read(native, 1)[0] for native in keys]
    groups, garbage = _aliases(values, keys)
    dead = sorted(n for g in groups if 0 in g for n in range(total) if (1 << n) in g)
    shorted = [sorted(n for n in range(total) if (1 << n) in g) for g in groups if 0 not in g]
    # two dead bits may be one wired-AND short: their sum is a cell of its own then
    pairs = []
    for i, a in enumerate(dead):
        for b in dead[i + 1:]:
            if bits[a][2] == bits[b][2] == "a" or bits[a][2] == bits[b][2] == "ba":
                bus.write(0, [_tag(0)])
                bus.write((1 << a) | (1 << b), [_tag(1)])
                if bus.read(0, 1)[0] == _tag(0) and bus.read((1 << a) | (1 << b), 1)[0] == _tag(1):
                    pairs.append((a, b))
    t.accesses = bus.accesses - start
    in_pair = {n for p in pairs for n in p}
    by_pin: dict[tuple[str, int], list[str]] = {}
    for n in dead:
        if n not in in_pair:
            kind, index, sub, pin = bits[n]
            by_pin.setdefault((sub, pin), []).append(f"{kind} bit {index}")
    for (sub, pin), what in sorted(by_pin.items()):
        line = f"{'A' if sub == 'a' else 'BA'}{pin}"
        verb = "alias" if len(what) > 1 else "aliases"
        t.faults.append(LineFault("address lines", "no effect", (line,),
                                  f"{line} has no effect ({' and '.join(what)} {verb} with address 0): tied, stuck or "
                                  f"open -> {w.net(sub, pin)}"))
    shorts: dict[tuple, tuple[list[str], str]] = {}     # pins -> (bits that share a cell, how)
    for ns in shorted + [list(p) for p in pairs]:
        pins = tuple(sorted({(bits[n][2], bits[n][3]) for n in ns}))
        how = "wired-AND" if tuple(ns) in pairs else "wired-OR"
        what = shorts.setdefault(pins, ([], how))[0]
        what.append(" and ".join(f"{bits[n][0]} bit {bits[n][1]}" for n in ns))
    for pins, (what, how) in shorts.items():
        names = [f"{'A' if s == 'a' else 'BA'}{p}" for s, p in pins]
        if len(pins) == 2 and pins[0][0] == pins[1][0]:
            where = w.nets(pins[0][0], [p for _, p in pins])
        else:
            where = "; ".join(w.net(s, p) for s, p in pins)
        t.faults.append(LineFault("address lines", "short", tuple(names),
                                  f"{' and '.join(names)} shorted ({'; '.join(what)} share a cell, {how}) -> {where}"))
    for native in garbage:
        t.faults.append(LineFault("address lines", "garbage", (),
                                  f"controller word 0x{native:x} reads a value no test address wrote: the data path or "
                                  f"the command lines (RAS/CAS/WE, A10) are broken"))
    t.status = FAILED if t.faults else PASSED
    t.detail = (t.detail + "; " if t.detail else "") + (
        f"{len(keys)} addresses: 0 and 2^n over {w.col_native_bits} column, {w.bankbits} bank and {w.rowbits} row bits")
    return t


def banks(bus: _Bus) -> LineTest:
    w = bus.w
    t = LineTest("banks")
    shift = w.col_native_bits
    keys = list(range(1 << w.bankbits))
    start = bus.accesses
    for b in keys:
        bus.write(b << shift, [_tag(b)])
    values = [bus.read(b << shift, 1)[0] for b in keys]
    t.accesses = bus.accesses - start
    groups, garbage = _aliases(values, keys)
    diff: set[int] = set()
    for g in groups:
        first = min(g)
        for b in g - {first}:
            diff |= {k for k in range(w.bankbits) if (b ^ first) >> k & 1}
    for k in sorted(diff):
        t.faults.append(LineFault("banks", "no effect", (f"BA{k}",),
                                  f"BA{k} has no effect (banks that differ in bit {k} read each other's word) -> "
                                  f"{w.net('ba', k)}"))
    for b in garbage:
        t.faults.append(LineFault("banks", "garbage", (), f"bank {b} reads a value no bank was written"))
    t.status = FAILED if t.faults else PASSED
    t.detail = f"{len(keys)} banks, one word each at row 0, column 0"
    return t


def run_line_tests(client, wiring: DramWiring, link: str = "") -> DramLineReport:
    """Data lines, then (if they pass) data masks, address lines and banks.

    A DM that never masks corrupts whole lanes of the data-line bursts when the bus
    writes a burst word by word: if the data lines fail only on whole lanes, the data
    masks test runs anyway, and when it names those lanes' DM the lanes are put down
    to it and the address and bank tests run (they check only the word they write)."""
    t0 = time.monotonic()
    bus = _Bus(client, wiring)
    with counted_step("DRAM line tests"):
        tests = _run(bus)
        bus.flush()
    return DramLineReport(tests, link or getattr(getattr(client, "transport", None), "name", "bus"),
                          time.monotonic() - t0)


def _run(bus: _Bus) -> list[LineTest]:
    data = data_lines(bus)
    tests = [data]
    lane_only = data.faults and all(f.kind == "lane" for f in data.faults)
    if data.status == PASSED or lane_only:
        masks = data_masks(bus)
        never = {f.lines[0] for f in masks.faults if f.kind == "DM never masks"}
        if data.status == PASSED or {f"DM{f.lines[0][3:]}" for f in data.faults} <= never:
            if data.status != PASSED:
                data.detail += f"; put down to {', '.join(sorted(never))} (see data masks)"
                data.faults = []
            tests += [masks, address_lines(bus), banks(bus)]
    if len(tests) == 1:
        tests += [LineTest(n, NOT_RUN, detail="not run: the data lines must work first") for n in TESTS[1:]]
    return tests
