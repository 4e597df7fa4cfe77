"""64b/66b line code cores in simulation (gateware/cores/lane_probe/code_64b66b.py), each against the
bit-serial Python models of reference_64b66b.py, and the models against a vector worked by hand."""
from __future__ import annotations

import random

import pytest
from migen import Cat, If, Mux, Signal
from migen.sim import run_simulation

from litex.gen import LiteXModule

from sailbench.gateware.cores.lane_probe.code_64b66b import (
    HEADER_CTRL, HEADER_DATA, BlockLock, Descrambler, RXGearbox, Scrambler, TXGearbox,
)
from sailbench.gateware.cores.lane_probe.reference_64b66b import (
    DescramblerModel, ScramblerModel, block, blocks_to_words, words_to_blocks,
)


def test_scrambler_model_impulse_response_is_the_polynomial():
    """A single 1 into a zeroed x^58 + x^39 + 1 scrambler: the output is 1 / (1 + x^39 + x^58) =
    sum of (x^39 + x^58)^k, whose first terms below x^120 are 1, x^39, x^58, x^78, x^116, x^117
    (x^97 appears twice, from x^39 * x^58 and x^58 * x^39, and cancels)."""
    model = ScramblerModel([0] * 58)
    out = [model.bit(1 if n == 0 else 0) for n in range(120)]
    assert [n for n, b in enumerate(out) if b] == [0, 39, 58, 78, 116, 117]


def test_descrambler_model_self_synchronises():
    rng = random.Random(1)
    data = [rng.getrandbits(64) for _ in range(6)]
    tx = ScramblerModel([rng.getrandbits(1) for _ in range(58)])
    rx = DescramblerModel([rng.getrandbits(1) for _ in range(58)])     # a different, unknown state
    got = [rx.word(tx.word(d)) for d in data]
    assert got[0] & ~((1 << 58) - 1) == data[0] & ~((1 << 58) - 1)   # bits 58.. already right
    assert got[1:] == data[1:]


MIX = 0x9E3779B97F4A7C15


def _payload(n: int) -> int:
    return (n * MIX) & (2**64 - 1)


def _header(n: int) -> int:
    return HEADER_CTRL if n % 4 == 0 else HEADER_DATA


class _ScrambleLoop(LiteXModule):
    """Scrambler -> Descrambler on word n = _payload(n), one word a cycle; outputs registered."""
    def __init__(self):
        self.n = n = Signal(16)
        self.scrambler = Scrambler()
        self.descrambler = Descrambler()
        self.scrambled, self.descrambled = Signal(64), Signal(64)
        self.sync += [n.eq(n + 1), self.scrambled.eq(self.scrambler.o), self.descrambled.eq(self.descrambler.o)]
        self.comb += [self.scrambler.i.eq(n * MIX), self.descrambler.i.eq(self.scrambler.o)]


def test_scrambler_gateware_matches_model_and_descrambles():
    dut = _ScrambleLoop()
    got = []

    def bench():
        for _ in range(12):
            yield
            got.append(((yield dut.scrambled), (yield dut.descrambled)))
    run_simulation(dut, bench())
    model = ScramblerModel()
    assert [s for s, _ in got] == [model.word(_payload(n)) for n in range(12)]
    assert [d for _, d in got][1:] == [_payload(n) for n in range(1, 12)]   # the descrambler starts at zero


class _GearLoop(LiteXModule):
    """Blocks n = (_header(n), _payload(n)) into TXGearbox (the next one each cycle it is ready) ->
    `slip_bits` of line delay -> RXGearbox with BlockLock."""
    def __init__(self, slip_bits: int):
        self.tx = TXGearbox()
        self.rx = RXGearbox()
        self.lock = BlockLock()
        self.n = n = Signal(16)
        payload, header = Signal(64), Signal(2)
        prev = Signal(20)
        self.sync += [prev.eq(self.tx.o), If(self.tx.ready, n.eq(n + 1))]
        self.comb += [
            payload.eq(n * MIX),
            header.eq(Mux(n[:2] == 0, HEADER_CTRL, HEADER_DATA)),
            self.tx.i.eq(Cat(header, payload)),
            self.rx.i.eq(Cat(prev, self.tx.o)[20 - slip_bits:40 - slip_bits] if slip_bits else self.tx.o),
            self.lock.header.eq(self.rx.o[:2]), self.lock.valid.eq(self.rx.valid),
            self.rx.slip.eq(self.lock.slip),
        ]


def _model_blocks(n: int) -> list[int]:
    return [block(_header(k), _payload(k)) for k in range(n)]


def run_gear_loop(slip_bits: int, cycles: int):
    dut = _GearLoop(slip_bits)
    words, received = [], []

    def bench():
        for _ in range(cycles):
            yield
            words.append((yield dut.tx.o))
            if (yield dut.rx.valid):
                received.append(((yield dut.rx.o), (yield dut.lock.locked)))
    run_simulation(dut, bench())
    return words, received


@pytest.mark.parametrize("slip_bits", [0, 1, 7, 19])
def test_gearboxes_and_block_lock_round_trip(slip_bits):
    words, received = run_gear_loop(slip_bits, 1200)     # ~360 blocks
    model = _model_blocks(400)
    # TX words are the model's bit stream of blocks 0, 1, 2, ...
    assert words[:150] == blocks_to_words(model)[:150]
    # locked: a wrong boundary shows a valid header half the time, so hunting costs ~2 blocks per
    # boundary (66 of them at most), then 64 good headers
    locked = [i for i, (_, lk) in enumerate(received) if lk]
    assert locked and locked[0] <= 4 * 66 + 64, locked[:1]
    after = [b for b, _ in received[locked[0]:]]
    start = model.index(after[0])
    assert after == model[start:start + len(after)] and len(after) > 30
    # and the RX gearbox's blocks at the locked boundary are the model's words_to_blocks
    assert words_to_blocks(words, 0)[:20] == model[:20]


class _LockBench(LiteXModule):
    def __init__(self):
        self.lock = BlockLock()


def _drive_headers(dut, headers, out):
    for h in headers:
        yield dut.lock.header.eq(h)
        yield dut.lock.valid.eq(1)
        yield
        yield dut.lock.valid.eq(0)
        yield
        yield
        out.append(((yield dut.lock.locked), (yield dut.lock.slip) or (yield dut.lock.lost)))


def test_block_lock_counts_as_clause_49():
    good, bad = HEADER_DATA, 0b00
    seq = [good] * 63 + [good] + [bad] * 15 + [good] * 49 + [bad] * 16
    dut = _LockBench()
    out = []
    run_simulation(dut, _drive_headers(dut, seq, out))
    locked = [lk for lk, _ in out]
    assert not any(locked[:63]) and locked[63]                  # locked at the 64th good header
    assert all(locked[64:64 + 15 + 49])                         # 15 bad in a window of 64: kept
    assert locked[64 + 15 + 49 + 14] and not locked[-1]         # the 16th bad in a window loses it


def test_block_lock_slips_on_each_bad_header_while_unlocked():
    dut = _LockBench()
    out = []
    run_simulation(dut, _drive_headers(dut, [0b11, 0b00, HEADER_CTRL, 0b11], out))
    assert [lk for lk, _ in out] == [0, 0, 0, 0]


# The lane probe in 64b/66b: two probes on the link model ------------------------------------

from test_lane_probe import LanePair, latched, run, start_frames, strobe, wait_sent, wait_up  # noqa: E402

from sailbench.gateware.cores.lane_probe import LinkState, Stage  # noqa: E402
from sailbench.gateware.profiles.lane_rates import LineRate  # noqa: E402

UP_LIMIT_66 = 2500        # words: block lock hunts over up to 66 boundaries, then 64 good headers
FRAME_COUNTERS = ("tx_frames", "tx_bytes", "rx_frames", "rx_bytes", "rx_gaps", "rx_late", "rx_bad_frames",
                  "rx_first_cycle", "rx_last_cycle", "rx_last_seq", "code_errors", "disparity_errors")


def test_probe_64b66b_trains_and_carries_frames_at_64_66():
    """Up through block lock, then frames both ways: payload >= 0.97 of the 64b/66b ceiling
    (1.25 Gb/s x 64/66 = 151.5 MB/s: 20 x 64/66 / 8 = 2.424 bytes per word cycle)."""
    dut = LanePair(13, coding="64b66b")          # the far end finds the block boundary itself
    payload_words, count = 512, 2                 # 128 data blocks + start, terminate, idle: 0.977
    out = {}

    def body():
        yield from wait_up(dut, UP_LIMIT_66)
        yield from start_frames(dut.a, payload_words, count)
        yield from start_frames(dut.b, payload_words, count)
        yield
        limit = int(count * (payload_words / 4 + 3) * 3.4) + 100
        yield from wait_sent(dut.a, limit)
        yield from wait_sent(dut.b, limit)
        for _ in range(40):
            yield
        out["a"] = yield from latched(dut.a, *FRAME_COUNTERS)
        out["b"] = yield from latched(dut.b, *FRAME_COUNTERS)

    run(dut, body())
    per_word = LineRate(1.25, "64b66b").ceiling_bytes_per_s / LineRate(1.25, "64b66b").word_clk_hz
    for sender, receiver in (("a", "b"), ("b", "a")):
        tx, rx = out[sender], out[receiver]
        assert tx["tx_frames"] == rx["rx_frames"] == count
        assert tx["tx_bytes"] == rx["rx_bytes"] == count * payload_words * 2
        assert rx["rx_gaps"] == rx["rx_late"] == rx["rx_bad_frames"] == rx["code_errors"] == 0
        assert rx["rx_last_seq"] == count - 1
        cycles = rx["rx_last_cycle"] - rx["rx_first_cycle"] + 1
        efficiency = rx["rx_bytes"] / cycles / per_word
        print(f"{sender}->{receiver} 64b/66b: {rx['rx_bytes']} B in {cycles} word cycles: {efficiency:.4f} of "
              f"the 64/66 ceiling = {efficiency * 151.515:.1f} MB/s per lane at 1.25 Gb/s")
        assert 0.97 <= efficiency <= 1.0


def test_probe_64b66b_line_errors_damage_frames_not_the_count():
    """Bit errors on the line while frames flow: the damaged frames are counted bad (CRC or header),
    the rest good, and the lane stays Up (a few errors are under the error threshold)."""
    dut = LanePair(0, coding="64b66b")
    out = {}

    def body():
        yield from wait_up(dut, UP_LIMIT_66)
        yield dut.b.error_threshold.storage.eq(0)           # count, never drop the link
        yield from start_frames(dut.a, 32, 6)                # 8 data blocks a frame: ~36 words
        yield
        words = yield dut.link.a_to_b.words
        for at in (words + 50, words + 140):                 # two single-bit errors, in frames 2 and 4-5
            yield dut.link.a_to_b.error_at.eq(at)
            yield dut.link.a_to_b.error_at_enable.eq(1)
            while (yield dut.link.a_to_b.words) <= at:
                yield
            yield dut.link.a_to_b.error_at_enable.eq(0)
        yield from wait_sent(dut.a, 1000)
        for _ in range(40):
            yield
        out["b"] = yield from latched(dut.b, *FRAME_COUNTERS)
        out["state"] = LinkState((yield dut.b.status.fields.state))

    run(dut, body())
    rx = out["b"]
    assert 1 <= rx["rx_bad_frames"] <= 2 and rx["rx_frames"] + rx["rx_bad_frames"] == 6, rx
    assert out["state"] is LinkState.UP


def test_probe_64b66b_prbs_still_raw():
    """PRBS replaces the line code on the wire in 64b/66b as in 8b/10b: the checker locks, 0 errors."""
    dut = LanePair(0, coding="64b66b")
    out = {}

    def body():
        for p in (dut.a, dut.b):
            yield p.control.fields.tx_prbs.eq(3)
            yield p.control.fields.rx_prbs.eq(3)
        for _ in range(100):
            yield
        yield from strobe(dut.b.clear)
        for _ in range(200):
            yield
        out["b"] = yield from latched(dut.b, "prbs_bits", "prbs_errors")
        out["stage"] = Stage((yield dut.b.status.fields.stage))
        out["locked"] = (yield dut.b.status.fields.prbs_locked)

    run(dut, body())
    assert out["locked"] and out["stage"] is Stage.PRBS
    assert out["b"]["prbs_bits"] >= 150 * 20 and out["b"]["prbs_errors"] == 0


def test_block_crc_network_is_the_frame_crc_over_four_words():
    """The 64b/66b block CRC (a flat XOR network) equals the 8b/10b frame CRC model over the block's
    four 16-bit words, word 0 first, and its Verilog stays small (no copied sub-expressions)."""
    from migen.fhdl.verilog import convert

    from sailbench.gateware.cores.lane_probe import crc32_words
    from sailbench.gateware.cores.lane_probe.tx_64b66b import crc_next_block

    class _Crc(LiteXModule):
        def __init__(self):
            self.crc, self.data, self.out = Signal(32), Signal(64), Signal(32)
            self.comb += self.out.eq(crc_next_block(self.crc, self.data))

    dut = _Crc()
    rng = random.Random(7)
    blocks = [[rng.getrandbits(16) for _ in range(4)] for _ in range(3)]
    got = []

    def bench():
        crc = 0xFFFFFFFF
        for words in blocks:
            yield dut.crc.eq(crc)
            yield dut.data.eq(sum(w << 16 * k for k, w in enumerate(words)))
            yield
            crc = yield dut.out
            got.append(crc)
    run_simulation(dut, bench())
    assert got[-1] == crc32_words([w for words in blocks for w in words])
    assert len(str(convert(_Crc()))) < 50_000
