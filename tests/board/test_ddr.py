"""DDR probe end to end: LiteDRAM BIST on the board, rates from its cycle counters."""
import pytest

from sailbench.harness.probes.bist_model import expected_alias_errors

LENGTH = 1 << 18   # 256 KiB: long enough for refresh and row changes to show, short in simulation

# A 1:2 LiteDRAM (ECP5DDRPHY) with the probe's settings (datasheet tRFC, refresh
# postponing 8; gateware/soc/dram_settings.py) streams sequential bursts at about 95 % of
# the DDR peak in simulation: the gap is refresh (~2 %), row changes (~1.6 %) and
# scheduling (~1.2 %), see the DFI accounting. Below 70 % the controller or the probe
# is broken; above 100 % the clock or the byte count is.
SEQUENTIAL_MIN_EFFICIENCY = 0.70


def rows_per_bank(board, length: int) -> float:
    """Rows of one bank a `length`-byte region spans (LiteDRAM's row-bank-column mapping: consecutive rows of
    ncols x data width bytes go to consecutive banks). A random word lands in its bank's open row with
    probability 1 / rows_per_bank, so all but that fraction of random bursts must open a row (64 KiB on the
    Versa's MT41K64M16 x16: 2 KiB rows, 8 banks, 4 rows a bank: 3 bursts in 4 activate)."""
    from litedram import modules
    dram = board.manifest.dram
    module = getattr(modules, dram.module)
    row_bytes = module.ncols * dram.data_width // 8
    return max(1.0, length / (row_bytes * module.nbanks))


def refresh_ceiling(board, window_cycles: int) -> float:
    """The highest efficiency the DRAM allows in a window of `window_cycles`: refresh cannot be hidden.
    Every tREFI one REF is due and holds the whole device for tRFC (both in sys cycles, the build's
    dram.timings); the controller may postpone up to `refresh_postponing` of them, so at least
    floor(window / tREFI) - postponing - 1 REFs fall inside any window. Row changes could overlap other
    banks' data in principle, so they lower no bound; the measured row cost is checked separately."""
    dram = board.manifest.dram
    t, postponing = dram.timings or {}, int((dram.controller or {}).get("refresh_postponing") or 1)
    refreshes = max(0, window_cycles // int(t["tREFI"]) - postponing - 1)
    return 1.0 - refreshes * int(t["tRFC"]) / window_cycles


@pytest.fixture(scope="module")
def sequential(ddr_probe):
    return ddr_probe.write_read(LENGTH, base=0, pattern="sequential", raise_on_errors=False)


def test_sequential_write_and_read_have_no_errors(sequential):
    w, r = sequential
    assert r.raw_errors == 0 and r.errors == 0


@pytest.mark.parametrize("direction", ["write", "read"])
def test_sequential_efficiency_is_what_a_1_2_litedram_shows(board, sequential, direction):
    res = sequential[0] if direction == "write" else sequential[1]
    assert res.bytes == LENGTH and res.cycles > 0
    low, high = SEQUENTIAL_MIN_EFFICIENCY, refresh_ceiling(board, res.cycles)
    assert low <= res.efficiency <= high, (
        f"{direction}: {res.rate_bytes_per_s / 1e6:.1f} MB/s is {res.efficiency:.1%} of "
        f"{res.peak_bytes_per_s / 1e6:.1f} MB/s, outside {low:.1%}..{high:.1%} (the controller's floor .. "
        "what refresh leaves)")
    assert res.rate_bytes_per_s == pytest.approx(res.efficiency * res.peak_bytes_per_s)
    # the window timer includes the DMA drain, so it never reads less than the BIST's own count
    assert res.cycles >= res.bist_ticks


@pytest.mark.parametrize("direction", ["write", "read"])
def test_the_window_is_accounted_for_cycle_by_cycle(sequential, ddr_probe, direction):
    """DFI accounting: every window cycle in one class (1 cycle per 10,000 at most), one burst per
    BIST word, data cycles = bursts x the burst's bus cycles, refreshes seen."""
    res = sequential[0] if direction == "write" else sequential[1]
    b = res.breakdown
    if b is None:      # every DRAM build carries it (gateware/soc/dram_info.py): missing is a lost probe, not a skip
        pytest.fail("this DRAM build has no DFI accounting (ddr_accounting CSRs): the window cannot be "
                    "accounted for", pytrace=False)
    assert b.window_cycles == res.cycles
    assert abs(b.total - res.cycles) <= max(1, res.cycles / 10_000), b.classes
    bursts = b.events["writes" if direction == "write" else "reads"]
    assert bursts == LENGTH // ddr_probe.word_bytes
    assert b.events["reads" if direction == "write" else "writes"] == 0
    burst_cycles = ddr_probe.dram.accounting.burst_cycles
    assert b.classes["data"] == bursts * burst_cycles
    assert b.events["refreshes"] > 0 and b.classes["refresh"] > 0
    assert b.events["activates"] > 0
    # the physics of the counts: each REF holds the bus tRFC cycles; a new row costs nothing when another
    # bank's data hides it, and never more than the PRE and ACT command cycles, tRP, tRCD and (writes) the
    # write recovery before the PRE
    t = ddr_probe.board.manifest.dram.timings
    assert b.classes["refresh"] >= b.events["refreshes"] * int(t["tRFC"]) * 0.9, (b.classes, b.events)
    row_max = 2 + int(t["tRP"]) + int(t["tRCD"]) + (int(t["tWR"]) if direction == "write" else 0)
    assert b.classes["row"] <= b.events["activates"] * row_max, (b.classes, b.events, t)


def test_record_holds_the_figures_reports_need(board, sequential):
    rec = sequential[1].to_record()
    assert (rec["board"], rec["probe"], rec["direction"], rec["bytes"]) == (board.name, "ddr", "read", LENGTH)
    assert rec["errors"] == 0 and rec["cycles"] == sequential[1].cycles
    # the rate is the bytes over the cycles at the clock used, and never above the DDR peak
    assert rec["rate_bytes_per_s"] == pytest.approx(LENGTH / (rec["cycles"] / rec["sys_clk_hz"]))
    assert rec["rate_bytes_per_s"] <= rec["peak_bytes_per_s"]
    assert rec["peak_bytes_per_s"] == pytest.approx(
        board.manifest.dram.peak_bytes_per_s * rec["sys_clk_hz"] / board.nominal_sys_clk_hz)
    # which DRAM timings the figure was measured with, each with its sys cycles and where it came from
    timings = board.manifest.dram.timings
    assert rec["dram_timings"]["basis"] == timings["basis"]
    assert {n: (s["cycles"], s["source"]) for n, s in rec["dram_timings"]["sources"].items()} == \
        {n: (timings[n], s["source"]) for n, s in timings["sources"].items()}


def test_random_addressing_errors_are_only_the_predicted_aliasing(board, ddr_probe, sequential):
    length = 1 << 16
    w, r = ddr_probe.write_read(length, base=1 << 20, pattern="random", raise_on_errors=False)
    words = length // ddr_probe.word_bytes
    assert r.expected_alias_errors == expected_alias_errors(words, True, words - 1) > 0
    assert r.raw_errors == r.expected_alias_errors   # exactly: the reference model is bit-exact
    assert r.errors == 0
    for res, seq in ((w, sequential[0]), (r, sequential[1])):
        assert 0 < res.efficiency < seq.efficiency, "random addressing cannot beat sequential bursts"
        if res.breakdown is not None:   # the row-change cost random addressing must pay
            bursts = res.breakdown.events["writes" if res.direction == "write" else "reads"]
            expected = bursts * (1 - 1 / rows_per_bank(board, length))
            assert res.breakdown.events["activates"] >= 0.9 * expected, (expected, res.breakdown.events)


def test_checker_catches_a_word_corrupted_over_the_bus(board, ddr_probe):
    base, length = 2 << 20, 1 << 16
    ddr_probe.write(length, base=base, pattern="sequential")
    main_ram = board.manifest.dram.main_ram_base
    addr = main_ram + base + 0x1230           # somewhere inside the region, 32-bit aligned
    original = board.csr.read_words(addr, 1)[0]
    board.csr.write_words(addr, [original ^ 0x00010000])
    assert board.csr.read_words(addr, 1)[0] == original ^ 0x00010000
    r = ddr_probe.read(length, base=base, pattern="sequential")
    assert r.errors == 1 and r.raw_errors == 1
    # and a clean region right after still reads back clean
    ddr_probe.write(length, base=base, pattern="sequential")
    assert ddr_probe.read(length, base=base, pattern="sequential").errors == 0
