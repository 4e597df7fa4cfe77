"""Lane probe in simulation: two LaneProbes joined by the SerDes link model.

Probe `a` and probe `b` sit on the two ends of serdes_model.SerDesLinkModel
(20-bit words, one clock domain), as two cards' lanes would on the cable. The
tests drive the probes' CSRs (the field signals directly: a bare simulation has
no CSR bank to assemble them) and read the latched counters, as the host does.
Figures (cycles to Up, framing efficiency, BER counts) are printed: run with -s.
"""
from __future__ import annotations

import random
import re

import pytest
from migen import Cat, ClockDomainsRenamer, If, Signal, passive
from migen.fhdl.verilog import convert
from migen.sim import run_simulation

from litex.gen import LiteXModule
from litex.soc.cores.code_8b10b import Encoder
from liteeth.mac.crc import LiteEthMACCRCEngine

from sailbench.gateware.cores.lane_probe import (
    BYTES_PER_WORD, CRC_POLY, EOF, FRAME_OVERHEAD_WORDS, FRAME_TYPE, SOF, STATUS_ALIGNED, VALID_K,
    LaneProbe, LinkState, Stage, code_group_table, crc32_words, crc_next, encode_8b10b, payload_word,
)
from sailbench.gateware.sim_models.serdes_model import SerDesLinkModel

TX_LATENCY = 3             # words from the frame FSM to tx_data: Encoder (2) + output register
UP_LIMIT = 300             # cycles; training takes ~55 after the local reset
PRBS_WORDS = 400           # 8,000 bits per PRBS run (migen simulates ~100-200 words/s per pair)
PRBS_NAMES = {1: "PRBS7", 2: "PRBS15", 3: "PRBS31"}


# Bench ---------------------------------------------------------------------------------------

class _BitSlip(LiteXModule):
    """Delays a word stream by `bits` bits: the far end must find the word boundary itself."""
    def __init__(self, bits: int, width: int = 20):
        self.i = Signal(width)
        self.o = Signal(width)
        prev = Signal(width)
        self.sync += prev.eq(self.i)
        self.comb += self.o.eq(Cat(prev, self.i)[width - bits:2 * width - bits] if bits else self.i)


class LanePair(LiteXModule):
    """Probes `a` and `b` on the two ends of the link model; `cycles` stamps both."""
    def __init__(self, slip_bits: int = 0, cd: str = "sys", coding: str = "8b10b", **link_kwargs):
        self.cycles = Signal(64)
        rename = (lambda m: m) if cd == "sys" else ClockDomainsRenamer(cd)
        self.counter = rename(_Cycles(self.cycles))
        self.a = LaneProbe(self.cycles, tx_cd=cd, rx_cd=cd, coding=coding)
        self.b = LaneProbe(self.cycles, tx_cd=cd, rx_cd=cd, coding=coding)
        self.link = SerDesLinkModel(clock_domain=cd, **link_kwargs)
        self.slip = rename(_BitSlip(slip_bits))
        self.comb += [
            self.slip.i.eq(self.a.tx_data),
            self.link.a.tx_data.eq(self.slip.o),
            self.a.rx_data.eq(self.link.a.rx_data),
            self.a.rx_ready.eq(self.link.a.rx_ready),
            self.link.b.tx_data.eq(self.b.tx_data),
            self.b.rx_data.eq(self.link.b.rx_data),
            self.b.rx_ready.eq(self.link.b.rx_ready),
        ]


class _Cycles(LiteXModule):
    def __init__(self, cycles):
        self.sync += cycles.eq(cycles + 1)


def run(dut, body, clocks=None):
    run_simulation(dut, body, clocks=clocks or {"sys": 10})


def strobe(csr):
    yield csr.re.eq(1)
    yield
    yield csr.re.eq(0)


def latched(probe, *names, settle: int = 2):
    """Write `latch`, then read the named counters (as the host reads them after the write)."""
    yield from strobe(probe.latch)
    for _ in range(settle):
        yield
    values = {}
    for name in names:
        values[name] = yield getattr(probe, name).status
    return values


def control(probe, enable=1, tx_prbs=0, rx_prbs=0):
    fields = probe.control.fields
    yield fields.enable.eq(enable)
    yield fields.tx_prbs.eq(tx_prbs)
    yield fields.rx_prbs.eq(rx_prbs)


def state(probe):
    return LinkState((yield probe.status.fields.state))


def wait_state(probe, want: LinkState, limit: int, name: str = ""):
    for cycle in range(limit):
        if (yield from state(probe)) == want:
            return cycle
        yield
    stage = Stage((yield probe.status.fields.stage))
    raise AssertionError(f"probe {name or probe} not {want.name} within {limit} cycles "
                         f"(state {(yield from state(probe)).name}, stage {stage.name})")


def wait_up(dut, limit: int = UP_LIMIT):
    yield from wait_state(dut.a, LinkState.UP, limit, "a")
    yield from wait_state(dut.b, LinkState.UP, limit, "b")


def inject(lane, words: list[int]):
    """Flip `error_mask` in the lane's words with these indices (error_at, re-armed per word)."""
    for index in words:
        yield lane.error_at.eq(index)
        yield lane.error_at_enable.eq(1)
        while (yield lane.words) <= index:
            yield
    yield lane.error_at_enable.eq(0)


# Python references ---------------------------------------------------------------------------

def test_8b10b_reference_is_litex_encoder():
    """encode_8b10b (which builds the code-group table) gives what litex's Encoder puts on the wire."""
    chars = [(b, False) for b in range(256)] + [(k, True) for k in VALID_K]
    rng = random.Random(5)
    sequence = chars + rng.sample(chars, len(chars)) + rng.sample(chars, len(chars))
    encoder = Encoder(1, lsb_first=True)
    seen = []

    def feed():
        for byte, k in sequence + [(0, False)] * 3:
            yield encoder.d[0].eq(byte)
            yield encoder.k[0].eq(int(k))
            yield
            seen.append((yield encoder.output[0]))

    run(encoder, feed())
    rd, expected, rd_before = 0, [], []
    for byte, k in sequence:
        rd_before.append(rd)
        code, rd = encode_8b10b(byte, k, rd)
        expected.append(code)
    assert any(seen[lag:lag + len(expected)] == expected for lag in range(4))
    # Every code group litex sends is valid in the table at the disparity it was sent with.
    table = code_group_table()
    assert all(table[code] >> rd & 1 for code, rd in zip(expected, rd_before))
    assert table[0b0101111100] == 0b0101 and table[0b1010000011] == 0b1010   # K28.5 RD-, RD+
    assert table[0] & 3 == table[0x3FF] & 3 == 0                              # no signal: invalid


def test_frame_crc_is_liteeth_crc_engine():
    """crc_next (flat XORs, in sync logic) = LiteEthMACCRCEngine(16, 32) = crc32_words."""
    rng = random.Random(7)
    words = [rng.randrange(1 << 16) for _ in range(40)]

    class Dut(LiteXModule):
        def __init__(self):
            self.engine = LiteEthMACCRCEngine(16, 32, CRC_POLY)
            self.data = Signal(16)
            self.enable = Signal()
            self.crc = Signal(32, reset=0xFFFFFFFF)
            self.ref = Signal(32, reset=0xFFFFFFFF)
            self.comb += [self.engine.data.eq(self.data), self.engine.crc_prev.eq(self.ref)]
            self.sync += If(self.enable,
                self.crc.eq(crc_next(self.crc, self.data)), self.ref.eq(self.engine.crc_next))

    dut = Dut()
    out = {}

    def feed():
        for word in words:
            yield dut.data.eq(word)
            yield dut.enable.eq(1)
            yield
        yield dut.enable.eq(0)
        yield
        yield
        out["crc"], out["ref"] = (yield dut.crc), (yield dut.ref)

    run(dut, feed())
    assert out["crc"] == out["ref"] == crc32_words(words)


def test_probe_on_serdes_ecp5_elaborates():
    """On liteiclink's SerDesECP5 (DCUA): the DCU's fabric words are the probe's, in the SerDes's
    tx/rx clocks. The Versa-ECP5's SMA pair and SerDes reference clock stand in for a sail lane."""
    versa = pytest.importorskip("litex_boards.platforms.lattice_versa_ecp5")
    from liteiclink.serdes.serdes_ecp5 import SerDesECP5, SerDesECP5PLL
    from migen import ClockDomain
    from sailbench.gateware.cores.lane_probe import attach_serdes_ecp5

    platform = versa.Platform(toolchain="trellis")

    class Top(LiteXModule):
        def __init__(self):
            self.cd_sys = ClockDomain()
            self.comb += self.cd_sys.clk.eq(platform.request("clk100"))
            pll = SerDesECP5PLL(Signal(), refclk_freq=156.25e6, linerate=1.25e9)
            self.serdes = SerDesECP5(pll, platform.request("sma_tx"), platform.request("sma_rx"), channel=1)
            self.probe = LaneProbe(tx_cd="tx", rx_cd="rx")
            attach_serdes_ecp5(self.probe, self.serdes)

    verilog = str(platform.get_verilog(Top()))
    dcu = verilog[verilog.index("DCUA "):]
    dcu = dcu[:dcu.index(");")]
    assert ".CH1_FF_TXI_CLK(tx_clk)" in dcu.replace(" ", "") and ".CH1_FF_RXI_CLK(rx_clk)" in dcu.replace(" ", "")
    tx_net = re.search(r"\.CH1_FF_TX_D_0\s*\((\w+)\[0\]\)", dcu).group(1)
    rx_net = re.search(r"\.CH1_FF_RX_D_0\s*\((\w+)\[0\]\)", dcu).group(1)
    assert re.search(rf"{tx_net}\[21:12\] <= \w*tx_data\w*\[19:10\];", verilog)
    assert re.search(rf"\w*rx_data\w* = {{{rx_net}\[21:12\], {rx_net}\[9:0\]}};", verilog)
    assert re.search(r"\.CH1_FFC_SIGNAL_DETECT\s*\(\(\w*rx_align", dcu)
    with pytest.raises(ValueError, match="data_width=20"):
        attach_serdes_ecp5(LaneProbe(), object())


def test_probe_elaborates_to_verilog_in_serdes_domains():
    """Separate tx/rx word domains (as SerDesECP5's) with CDC to the CSRs in sys."""
    probe = LaneProbe(tx_cd="tx", rx_cd="rx")
    verilog = str(convert(probe, ios={probe.tx_data, probe.rx_data, probe.rx_ready}))
    assert "tx_clk" in verilog and "rx_clk" in verilog
    with pytest.raises(ValueError, match="cycles"):
        LaneProbe(Signal(64), tx_cd="tx", rx_cd="rx")


# Training --------------------------------------------------------------------------------------

@pytest.mark.parametrize("slip_bits", [0, 7, 10, 13])
def test_link_trains_to_up(slip_bits):
    """Reset -> SerDes ready -> 8b/10b lock -> comma align -> partner -> Up, with the A->B word
    boundary `slip_bits` off (the aligner searches all 20 offsets)."""
    dut = LanePair(slip_bits=slip_bits)
    out = {}

    def body():
        yield from wait_up(dut)
        for _ in range(20):
            yield
        for name, probe in (("a", dut.a), ("b", dut.b)):
            out[name] = yield from latched(probe, "train_cycle", "up_cycle", "ups", "code_errors",
                                           "disparity_errors")
        out["offset_b"] = yield dut.b.rx.offset
        out["partner"] = (yield dut.a.status.fields.partner_aligned), (yield dut.b.status.fields.partner_aligned)

    run(dut, body())
    for name in "ab":
        cycles_to_up = out[name]["up_cycle"] - out[name]["train_cycle"]
        print(f"slip {slip_bits:2d}: lane end {name} Up {cycles_to_up} cycles after local reset "
              f"({cycles_to_up / 62.5:.2f} us at 62.5 MHz)")
        assert 0 < cycles_to_up < 120
        assert out[name]["ups"] == 1
        assert out[name]["code_errors"] == out[name]["disparity_errors"] == 0
    assert out["offset_b"] == slip_bits
    assert out["partner"] == (1, 1)


def test_delayed_lock_shows_training_until_lock():
    lock_delay = 250
    dut = LanePair(lock_delay=lock_delay)
    states = []

    def body():
        for _ in range(lock_delay + UP_LIMIT):
            states.append((yield from state(dut.b)))
            if states[-1] == LinkState.UP:
                break
            yield

    run(dut, body())
    first_training = states.index(LinkState.TRAINING)
    up = states.index(LinkState.UP)
    print(f"delayed lock: Training from cycle {first_training}, Up at {up} (lock at {lock_delay})")
    assert first_training < 30
    assert set(states[first_training:up]) == {LinkState.TRAINING}
    assert lock_delay < up < lock_delay + 100


def test_cut_lane_goes_down_and_retrains():
    dut = LanePair(lock_delay=0)
    seen = {}

    def body():
        yield from wait_up(dut)
        yield dut.link.a_to_b.cut.eq(1)
        yield from wait_state(dut.b, LinkState.DOWN, 40, "b")
        yield from wait_state(dut.a, LinkState.TRAINING, 40, "a")   # its partner is not aligned
        for _ in range(100):
            yield
        seen["during_cut"] = (yield from state(dut.a)), (yield from state(dut.b))
        yield dut.link.a_to_b.lock_delay.eq(40)
        yield dut.link.a_to_b.cut.eq(0)
        seen["retrain_cycles"] = yield from wait_state(dut.b, LinkState.UP, UP_LIMIT, "b")
        yield from wait_state(dut.a, LinkState.UP, UP_LIMIT, "a")
        seen["b"] = yield from latched(dut.b, "ups", "error_events")
        seen["a"] = yield from latched(dut.a, "ups", "error_events")

    run(dut, body())
    print(f"cut cleared: b Up again after {seen['retrain_cycles']} cycles (40 of them lock delay)")
    assert seen["during_cut"] == (LinkState.TRAINING, LinkState.DOWN)
    assert seen["b"] == {"ups": 2, "error_events": 0}
    assert seen["a"] == {"ups": 2, "error_events": 0}


def test_sustained_errors_give_error_then_retrain():
    dut = LanePair()
    seen = {}

    def body():
        yield dut.b.error_hold.storage.eq(0)           # stay in Error until `retrain`
        yield from wait_up(dut)
        yield dut.link.a_to_b.error_every.eq(3)
        yield from wait_state(dut.b, LinkState.ERROR, 200, "b")
        yield from wait_state(dut.a, LinkState.TRAINING, 40, "a")
        yield dut.link.a_to_b.error_every.eq(0)
        for _ in range(100):
            yield
        seen["held"] = yield from state(dut.b)
        yield from strobe(dut.b.retrain)
        yield from wait_up(dut)
        # Auto-retrain: after error_hold words in Error the lane trains again by itself.
        yield dut.b.error_hold.storage.eq(50)
        yield dut.link.a_to_b.error_every.eq(3)
        yield from wait_state(dut.b, LinkState.ERROR, 200, "b")
        yield dut.link.a_to_b.error_every.eq(0)
        yield from wait_up(dut)
        seen["b"] = yield from latched(dut.b, "ups", "error_events", "code_errors")

    run(dut, body())
    print(f"sustained errors: {seen['b']}")
    assert seen["held"] == LinkState.ERROR
    assert seen["b"]["ups"] == 3 and seen["b"]["error_events"] == 2
    assert seen["b"]["code_errors"] > 0


# PRBS ------------------------------------------------------------------------------------------

def prbs_lock(dut, config: int):
    for probe in (dut.a, dut.b):
        yield from control(probe, tx_prbs=config, rx_prbs=config)
    for _ in range(60):
        yield
    for probe in (dut.a, dut.b):
        assert (yield probe.status.fields.prbs_locked), f"{PRBS_NAMES[config]} not locked"
        assert (yield from state(probe)) == LinkState.TRAINING
        assert (yield probe.status.fields.stage) == Stage.PRBS
        yield from strobe(probe.clear)


@pytest.mark.parametrize("config", [1, 2, 3], ids=PRBS_NAMES.values())
def test_prbs_clean_link_zero_errors(config):
    dut = LanePair()
    out = {}

    def body():
        yield from wait_up(dut)
        yield from prbs_lock(dut, config)
        for _ in range(PRBS_WORDS):
            yield
        for name, probe in (("a", dut.a), ("b", dut.b)):
            out[name] = yield from latched(probe, "prbs_bits", "prbs_errors", "prbs_lock_losses")
        for probe in (dut.a, dut.b):                     # back to 8b/10b: the lane retrains
            yield from control(probe)
        yield from wait_up(dut)

    run(dut, body())
    for name in "ab":
        bits = out[name]["prbs_bits"]
        print(f"{PRBS_NAMES[config]} {name}: {bits} bits, 0 errors: BER < {3 / bits:.1e} (95 %)")
        assert bits >= 20 * (PRBS_WORDS - 10)
        assert out[name]["prbs_errors"] == out[name]["prbs_lock_losses"] == 0


@pytest.mark.parametrize("config,mask", [(1, 0b1), (3, 0b1), (3, 0b10000000100000000001)],
                         ids=["PRBS7-1bit", "PRBS31-1bit", "PRBS31-3bits"])
def test_prbs_counts_injected_bit_errors_exactly(config, mask):
    """Checker errors = model's flipped words x bits flipped per word, with error_every (set while
    running) and error_at."""
    dut = LanePair(a_to_b=dict(error_mask=mask))
    lane = dut.link.a_to_b
    out = {}

    def body():
        yield from wait_up(dut)
        yield from prbs_lock(dut, config)
        before = yield lane.errors
        yield lane.error_every.eq(37)
        for _ in range(300):
            yield
        yield lane.error_every.eq(0)
        now = yield lane.words
        yield from inject(lane, [now + 20, now + 25, now + 100, now + 250])
        for _ in range(20):
            yield
        out["model"] = (yield lane.errors) - before
        out["b"] = yield from latched(dut.b, "prbs_bits", "prbs_errors", "prbs_lock_losses")
        out["a"] = yield from latched(dut.a, "prbs_errors")

    run(dut, body())
    bits_per_word = bin(mask).count("1")
    print(f"{PRBS_NAMES[config]}: model flipped {out['model']} words x {bits_per_word} bits, "
          f"checker counted {out['b']['prbs_errors']} bit errors in {out['b']['prbs_bits']} bits")
    assert out["model"] >= 10
    assert out["b"]["prbs_errors"] == out["model"] * bits_per_word
    assert out["b"]["prbs_lock_losses"] == 0
    assert out["a"]["prbs_errors"] == 0                  # B->A was clean


# Frames ----------------------------------------------------------------------------------------

def start_frames(probe, payload_words: int, count: int):
    yield probe.payload_words.storage.eq(payload_words)
    yield probe.count.storage.eq(count)
    yield from strobe(probe.start)


def wait_sent(probe, limit: int):
    for _ in range(limit):
        if not (yield probe.status.fields.tx_busy):
            return
        yield
    raise AssertionError(f"generator still busy after {limit} cycles")


FRAME_COUNTERS = ("tx_frames", "tx_bytes", "tx_first_cycle", "tx_last_cycle", "rx_frames", "rx_bytes",
                  "rx_gaps", "rx_late", "rx_bad_frames", "rx_first_cycle", "rx_last_cycle", "rx_last_seq",
                  "code_errors")


@pytest.mark.parametrize("payload_words,count", [(240, 4), (1024, 2)])
def test_framed_payload_both_directions(payload_words, count):
    dut = LanePair()
    out = {}

    def body():
        yield from wait_up(dut)
        yield from start_frames(dut.a, payload_words, count)
        yield from start_frames(dut.b, payload_words, count)
        yield
        limit = count * (payload_words + FRAME_OVERHEAD_WORDS) + 50
        yield from wait_sent(dut.a, limit)
        yield from wait_sent(dut.b, limit)
        for _ in range(30):
            yield
        out["a"] = yield from latched(dut.a, *FRAME_COUNTERS)
        out["b"] = yield from latched(dut.b, *FRAME_COUNTERS)

    run(dut, body())
    payload = count * payload_words * BYTES_PER_WORD
    for sender, receiver in (("a", "b"), ("b", "a")):
        tx, rx = out[sender], out[receiver]
        assert tx["tx_frames"] == rx["rx_frames"] == count
        assert tx["tx_bytes"] == rx["rx_bytes"] == payload
        assert rx["rx_gaps"] == rx["rx_late"] == rx["rx_bad_frames"] == rx["code_errors"] == 0
        assert rx["rx_last_seq"] == count - 1
        rx_cycles = rx["rx_last_cycle"] - rx["rx_first_cycle"] + 1
        tx_cycles = tx["tx_last_cycle"] - tx["tx_first_cycle"] + 1
        efficiency = rx["rx_bytes"] / (rx_cycles * BYTES_PER_WORD)
        print(f"{sender}->{receiver}: {count} x {payload_words * 2} B frames, {rx['rx_bytes']} B in "
              f"{rx_cycles} cycles: efficiency {efficiency:.4f} of the 8b/10b ceiling = "
              f"{efficiency * 125:.1f} MB/s per lane at 1.25 Gbaud "
              f"(steady state {payload_words / (payload_words + FRAME_OVERHEAD_WORDS):.4f})")
        assert tx_cycles == rx_cycles
        assert efficiency >= 0.97


def test_sequence_restart_counts_late_frames():
    """A sender restarted (`start` again) without clearing the receiver: its frames count as late,
    not as gaps or bad frames."""
    dut = LanePair()
    out = {}

    def body():
        yield from wait_up(dut)
        for count in (3, 2):
            yield from start_frames(dut.a, 8, count)
            yield
            yield from wait_sent(dut.a, 200)
        for _ in range(20):
            yield
        out["b"] = yield from latched(dut.b, "rx_frames", "rx_late", "rx_gaps", "rx_bad_frames", "rx_last_seq")

    run(dut, body())
    assert out["b"] == {"rx_frames": 5, "rx_late": 2, "rx_gaps": 0, "rx_bad_frames": 0, "rx_last_seq": 1}


def decode_word(word: int, decode: dict) -> tuple:
    return decode[word & 0x3FF], decode[word >> 10]


def test_frame_format_on_the_wire():
    """What a frame looks like on the line, decoded in Python against the documented layout."""
    payload_words, seq_count = 6, 2
    dut = LanePair()
    decode = {}
    for byte in range(256):
        for k in (False, True):
            if k and byte not in VALID_K:
                continue
            for rd in (0, 1):
                decode[encode_8b10b(byte, k, rd)[0]] = (byte, k)
    line = []

    def body():
        yield from wait_up(dut)
        yield from start_frames(dut.a, payload_words, seq_count)
        for _ in range(seq_count * (payload_words + FRAME_OVERHEAD_WORDS) + 20):
            line.append((yield dut.link.a.tx_data))
            yield

    run(dut, body())
    groups = [g for word in line for g in decode_word(word, decode)]
    frames = []
    for i, (byte, k) in enumerate(groups):
        if k and byte == SOF:
            end = next(j for j in range(i, len(groups)) if groups[j] == (EOF, True))
            frames.append(groups[i:end + 2])
    assert len(frames) == seq_count
    for seq, frame in enumerate(frames):
        assert frame[0] == (SOF, True) and frame[1] == (FRAME_TYPE, False)
        assert frame[-2:] == [(EOF, True), (0, False)]
        data = frame[2:-2]
        assert all(not k for _, k in data)
        words = [data[n][0] << 8 | data[n + 1][0] for n in range(0, len(data), 2)]
        assert words[:2] == [seq >> 16, seq & 0xFFFF]
        assert words[2:-2] == [payload_word(seq, i) for i in range(payload_words)]
        crc = crc32_words(words[:-2])
        assert words[-2:] == [crc >> 16, crc & 0xFFFF]
    # Between frames: idles, K28.5 + the sender's RX status.
    assert (0xBC, True) in groups and (STATUS_ALIGNED, False) in groups


def test_bad_frames_counted_on_corruption():
    """One bit flipped in the SOF, the payload, the CRC and the EOF of four frames: each counts
    once as bad (and as a sequence gap), every other frame arrives good."""
    payload_words, count = 40, 9
    corrupt = {1: 0, 3: 20, 5: payload_words + 3, 7: payload_words + 5}   # frame -> word in frame
    dut = LanePair()
    lane = dut.link.a_to_b
    out = {"hit": []}
    sof_codes = {encode_8b10b(SOF, True, rd)[0] for rd in (0, 1)}

    def watch_line():
        """Record the word the model flipped (to prove the target was hit)."""
        while True:
            if (yield lane.error_at_enable) and (yield lane.words) == (yield lane.error_at):
                out["hit"].append((yield lane.i))
            yield

    def body():
        yield from wait_up(dut)
        yield from start_frames(dut.a, payload_words, count)
        frame, previous = 0, 0
        while frame < count:
            state_now = yield dut.a.tx.fsm_state
            if state_now == 1 and previous != 1:           # HEAD, the SOF enters the lane later
                if frame in corrupt:
                    yield lane.error_at.eq((yield lane.words) + TX_LATENCY + corrupt[frame])
                    yield lane.error_at_enable.eq(1)
                frame += 1
            previous = state_now
            yield
        yield from wait_sent(dut.a, 200)
        for _ in range(30):
            yield
        out["b"] = yield from latched(dut.b, *FRAME_COUNTERS)
        out["model"] = yield lane.errors

    run(dut, [body(), passive(watch_line)()])
    b = out["b"]
    print(f"corrupted frames {sorted(corrupt)}: rx_frames {b['rx_frames']}, bad {b['rx_bad_frames']}, "
          f"gaps {b['rx_gaps']}, code errors {b['code_errors']}")
    assert out["model"] == len(corrupt)
    eof_codes = {encode_8b10b(EOF, True, rd)[0] for rd in (0, 1)}
    assert (out["hit"][0] & 0x3FF) in sof_codes              # the flips landed on a SOF ...
    assert (out["hit"][3] & 0x3FF) in eof_codes              # ... and on an EOF
    assert b["rx_bad_frames"] == b["rx_gaps"] == len(corrupt)
    assert b["rx_frames"] == count - len(corrupt)
    assert b["rx_bytes"] == (count - len(corrupt)) * payload_words * BYTES_PER_WORD
    assert b["rx_last_seq"] == count - 1 and b["rx_late"] == 0


# Clock domains -------------------------------------------------------------------------------

def test_csrs_across_clock_domains():
    """Words in their own clock ("word", 62.5 MHz-like) and the CSRs in sys (75 MHz-like):
    live status through the bus synchroniser, strobes and latched counters across."""
    dut = LanePair(cd="word")
    out = {}

    def body():
        yield from wait_up(dut, limit=2 * UP_LIMIT)
        yield from start_frames(dut.a, 32, 3)
        for _ in range(40):
            yield
        yield from wait_sent(dut.a, 400)
        for _ in range(20):
            yield
        out["b"] = yield from latched(dut.b, "rx_frames", "rx_bytes", "rx_bad_frames", "ups", settle=8)
        out["a"] = yield from latched(dut.a, "tx_frames", settle=8)

    run(dut, body(), clocks={"sys": 13, "word": 16})
    assert out["a"] == {"tx_frames": 3}
    assert out["b"] == {"rx_frames": 3, "rx_bytes": 3 * 64, "rx_bad_frames": 0, "ups": 1}
