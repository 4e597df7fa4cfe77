"""Host-side DRAM bring-up through LiteDRAM's DFII, as on a CPU-less real board.

The simulated board has the same DFII and init data as a bitstream (its DRAM
model ignores mode registers and needs no leveling), so this proves the
host's half: DFII to software control, the exported init sequence replayed,
DFII back to hardware control, and the controller and BIST still work with
0 errors afterwards. The DFII test-pattern path that read leveling scores
with is checked against the model too (byte order of the phase data).
"""
import pytest

from sailbench.harness.board.dram_init import (CONTROL_HARDWARE, CONTROL_SOFTWARE, SEEDS, Dfii, dram_init_link,
                                               init_dram, pattern_bytes, pattern_errors, queue_pattern)


@pytest.fixture(scope="module")
def dram(board):
    if not board.manifest.dram:
        pytest.fail(f"board '{board.name}' build has no DRAM; the DRAM init test needs one")
    return board.manifest.dram


def test_build_exports_the_init_sequence(dram):
    seq = dram.init_sequence
    assert [s.kind for s in seq[:2]] == ["control", "control"]              # release reset, CKE high
    mode_registers = [s.bank for s in seq if s.kind == "command" and s.bits == 0x0f]
    assert mode_registers == [2, 3, 1, 0]                                   # JEDEC DDR3 order
    assert dram.phy.nphases == 2 and dram.phy.dfi_databits == 4 * dram.data_width


def test_replay_then_hardware_control_then_bist_has_no_errors(board, dram, ddr_probe):
    dfii = Dfii(board.csr, dram.phy)
    assert dfii.read_control() == CONTROL_HARDWARE          # LiteDRAM's reset value
    result = init_dram(board.name, board.csr, dram, progress=lambda m: None)
    assert result.steps == len(dram.init_sequence)
    print(f"\nDRAM init (no leveling on the simulated board) over the UART: {result.round_trips} round trips")
    # DFII to software, the two long waits (reset release, CKE), DFII back
    assert result.round_trips == 4
    assert dfii.read_control() == CONTROL_HARDWARE          # handed back to the controller
    w, r = ddr_probe.write_read(1 << 16, base=0, pattern="sequential", raise_on_errors=False)
    assert r.raw_errors == 0 and r.errors == 0 and w.cycles > 0


def test_dfii_test_pattern_reads_back_per_byte_lane(board, dram, ddr_probe):
    """Leveling's scoring path (activate, write, read, precharge through DFII) on the model.

    LiteDRAM's SDRAMPHYModel raises rddata_valid on phase 0 only
    (`Cat(*[phase.rddata_valid ...]).eq(banks_read)` assigns one bit), so DFII's
    phase-1 read register never latches in simulation: phase 0 is checked, both
    byte lanes of it, which pins the byte order of the phase data."""
    dfii = Dfii(board.csr, dram.phy)
    dfii.control(CONTROL_SOFTWARE)
    try:
        errors = {m: [pattern_errors(dfii, m, seed, phases=(0,)) for seed in SEEDS]
                  for m in range(dram.phy.modules)}
        written = pattern_bytes(SEEDS[0], dfii.nphases, dfii.phase_bytes)[0]
        pattern_errors(dfii, 0, SEEDS[0])
        read = dfii.read_data(0)
    finally:
        dfii.control(CONTROL_HARDWARE)
    assert errors == {m: [0, 0, 0] for m in errors}
    assert read == written and any(read)
    # the controller still works after the software accesses
    w, r = ddr_probe.write_read(1 << 14, base=1 << 16, pattern="sequential", raise_on_errors=False)
    assert r.errors == 0


def test_dram_init_over_etherbone_posts_its_writes_and_checks_them(board, dram, ddr_probe):
    """The link a hardware open uses when the board has Etherbone: DFII writes posted, the SoC's
    write counter checked (a lost packet would fail naming the words), then the BIST passes."""
    if board.etherbone is None:
        pytest.skip(f"board '{board.name}' has no Etherbone")
    link = dram_init_link(board)
    assert link is board.etherbone
    result = init_dram(board.name, link, dram, progress=lambda m: None)
    # DFII to software, the two long waits, DFII back (and the counter's first reading, once per link)
    assert result.round_trips in (4, 5) and result.link.startswith("udp://")
    assert Dfii(board.csr, dram.phy).read_control() == CONTROL_HARDWARE
    w, r = ddr_probe.write_read(1 << 14, base=1 << 17, pattern="sequential", raise_on_errors=False)
    assert r.errors == 0


def test_one_leveling_setting_is_one_round_trip_over_the_uart_with_the_receive_fifo(board, dram):
    """What read leveling sends per bitslip x delay setting (harness/board/dram_init.py,
    Ecp5ReadLeveling.errors): the three seeds' test patterns, each read back before the next
    seed's write overwrites row 0 and the read registers, as one batch. With the bridge's
    receive FIFO it goes out without waiting: one round trip (four without), and each seed's
    data reads back as written (phase 0: see the test above). The simulated board has no
    ECP5DDRPHY to level; against a model of it the whole init is 70 round trips (268 without
    the FIFO, tests/unit/test_round_trips.py)."""
    if not board.csr.transport.rx_fifo_bytes:
        pytest.fail(f"board '{board.name}' build has no UARTBone receive FIFO (manifest uart.rx_fifo_bytes)")
    dfii = Dfii(board.csr, dram.phy)
    counter = board.csr.transport.counter
    dfii.control(CONTROL_SOFTWARE)
    try:
        before = counter.total.round_trips
        patterns = [(queue_pattern(dfii, seed), dfii.queue_read_data()) for seed in SEEDS]
        dfii.flush()
        trips = counter.total.round_trips - before
    finally:
        dfii.control(CONTROL_HARDWARE)
    print(f"\none leveling setting (3 seeds) over the UART: {trips} round trip(s)")
    assert trips == 1
    assert [got[0]() for _data, got in patterns] == [data[0] for data, _got in patterns]
    assert len({data[0] for data, _got in patterns}) == 3            # the seeds differ: no stale read passes
