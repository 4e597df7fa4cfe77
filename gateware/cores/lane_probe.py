"""Inter-card lane probe: link training, PRBS and framed payload on one SerDes channel.

Sits on a raw SerDes word interface: `tx_data` / `rx_data`, 20 bits per word,
bit 0 first on the wire, two 8b/10b code groups per word (bits [0:10] = lane 0,
sent first). That is what liteiclink's SerDesECP5 moves at 1.25 Gbaud
(data_width=20, 62.5 MHz words, 125 MB/s of 8b/10b payload) and what
gateware/phy/serdes_model.py models. The probe owns the line code: liteiclink's
own fabric Encoder/Decoder (lsb_first) and PRBSTX, exactly as SerDesECP5 uses
them, so on hardware it replaces SerDesECP5's fabric coder the way
gateware/phy/sgmii_ecp5.py does (override the DCU's FF_TX_D/FF_RX_D ports).

Link state (`status.state`, the names of Spanker's `LinkState`, same order):
    0 Down      lane disabled, in local reset, or no signal (rx_idle/LOS, or
                no bit transitions for `quiet_words` words: a cut cable)
    1 Training  signal present, training not finished (any stage below)
    2 Up        both directions aligned: frames may flow
    3 Error     sustained code/disparity errors while Up; after `error_hold`
                words the lane retrains by itself (error_hold=0: it stays in
                Error until `retrain` is written)
Training stages (`status.stage`): 0 reset (local reset, `reset_words`),
1 serdes (wait for SerDes rx_ready & tx_ready), 2 sync (8b/10b lock: word
offset taken from the first K28.5 found at any of the 20 bit offsets, then
`sync_words` consecutive words without code or disparity error), 3 align
(comma align: `align_commas` K28.5 in lane 0; one in lane 1 swaps the
halves), 4 partner (wait until the partner reports its RX aligned), 5 up,
6 error, 7 prbs (the RX checks PRBS, no 8b/10b).

Idle word (sent whenever no frame is): lane 0 K28.5, lane 1 the sender's RX
status, D21.5 (0xB5) aligned (stage partner/up) or D10.2 (0x4A) not aligned.
Up needs the local RX aligned and the partner's idles saying "aligned".

Frame (20-bit words; 16-bit data words go high byte in lane 0):
    SOF      K27.7 (/S/) | FRAME_TYPE 0x01
    SEQ_HI   sequence number bits 31:16      (sequence restarts at 0 on `start`)
    SEQ_LO   sequence number bits 15:0
    PAYLOAD  `payload_words` words, word i = (seq & 0xFF) << 8 | (i & 0xFF)
    CRC_HI   CRC bits 31:16
    CRC_LO   CRC bits 15:0
    EOF      K29.7 (/T/) | 0x00
    IDLE     at least one idle word before the next SOF
CRC: CRC-32 polynomial 0x04C11DB7, initial 0xFFFFFFFF, no reflection, no final
XOR, over SEQ_HI, SEQ_LO and PAYLOAD as 16-bit words, data bit 0 first
(as liteeth's LiteEthMACCRCEngine(16, 32); see crc32_words()). Overhead 7 words per frame:
efficiency payload_words / (payload_words + 7), 99.3 % at the default 1024
(2048 payload bytes), >= 97 % from 234 words.
The generator sends frames only while the lane is Up (it pauses at a frame
boundary otherwise). The receiver counts a frame good when SOF, >= 4 data
words, EOF, no code error and the CRC match; any other frame it saw start
(or an EOF without a SOF) counts once in `rx_bad_frames`. Sequence gaps count
numbers missing between good frames, so a bad frame also shows as a gap.

PRBS (`control.tx_prbs`/`rx_prbs`, 0 off, 1 PRBS7, 2 PRBS15, 3 PRBS31): raw on
the line in place of 8b/10b, as SerDesECP5 does (litex PRBSTX, reverse=True).
The checker uses the same polynomials; it self-synchronises until
`prbs_lock_words` clean words (lock), then runs free so that every flipped
line bit counts exactly once; `prbs_unlock_words` errored words in a row
drop the lock (counted in `prbs_lock_losses`). Bits and errors count only
while locked.

Counters live in the word clock domains; a write to `latch` copies all of
them at once (coherent BER figures) into the registers the host reads; the
copy is done within a few word clocks, long before any bus read can follow.
`clear` zeroes every counter. Cycle stamps come from `cycles` (a counter in
the word domain, e.g. the SoC cycle counter when the words run in sys) or,
when not given, from the probe's own 64-bit word clock counters
(`tx_cycles`/`rx_cycles` latched too). Rates: bytes / (last - first + 1)
cycles x `word_clk_hz`; efficiency: bytes / ((last - first + 1) x 2).
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

from migen import Array, Case, Cat, CEInserter, ClockDomainsRenamer, Constant, If, Memory, Mux, Signal
from migen.genlib.cdc import BusSynchronizer, MultiReg, PulseSynchronizer

from litex.gen import LiteXModule, Reduce
from litex.soc.cores import code_8b10b as c8b10b
from litex.soc.cores.code_8b10b import Decoder, Encoder, D, K
from litex.soc.cores.prbs import PRBSTX
from litex.soc.interconnect.csr import CSR, CSRField, CSRStatus, CSRStorage


WORD_BITS = 20
BYTES_PER_WORD = 2
LINE_RATE = 1.25e9
WORD_CLK_HZ = LINE_RATE / WORD_BITS          # 62.5 MHz
CEILING_BYTES_PER_SEC = WORD_CLK_HZ * BYTES_PER_WORD   # 125 MB/s per lane and direction

COMMA = K(28, 5)
SOF = K(27, 7)
EOF = K(29, 7)
STATUS_ALIGNED = D(21, 5)
STATUS_TRAINING = D(10, 2)
FRAME_TYPE = 0x01
FRAME_OVERHEAD_WORDS = 7                       # SOF, 2 seq, 2 CRC, EOF, 1 idle
CRC_POLY = 0x04C11DB7
CRC_INIT = 0xFFFFFFFF
VALID_K = [K(28, y) for y in range(8)] + [K(23, 7), K(27, 7), K(29, 7), K(30, 7)]
PRBS_TAPS = {1: (5, 6), 2: (13, 14), 3: (27, 30)}   # litex.soc.cores.prbs PRBS7/15/31


class LinkState(IntEnum):
    DOWN = 0
    TRAINING = 1
    UP = 2
    ERROR = 3


class Stage(IntEnum):
    RESET = 0
    SERDES = 1
    SYNC = 2
    ALIGN = 3
    PARTNER = 4
    UP = 5
    ERROR = 6
    PRBS = 7


@dataclass(frozen=True)
class LaneTiming:
    """Training constants, in words (62.5 MHz: 16 ns each)."""
    reset_words: int = 16
    sync_words: int = 32
    align_commas: int = 4
    quiet_words: int = 16
    prbs_lock_words: int = 16
    prbs_unlock_words: int = 8


# Reference models (Python) -------------------------------------------------------------------

def encode_8b10b(byte: int, k: bool, rd: int) -> tuple[int, int]:
    """litex SingleEncoder in Python: (10-bit code, bit 0 first on the wire; running disparity
    after it). rd: 0 = RD-, 1 = RD+."""
    c5, c3 = byte & 31, byte >> 5
    if k and c5 == 28:
        c6, u6, f6 = 0b110000, 1, 1
    else:
        c6, u6, f6 = c8b10b.table_5b6b[c5], c8b10b.table_5b6b_unbalanced[c5], c8b10b.table_5b6b_flip[c5]
    c4, u4 = c8b10b.table_3b4b[c3], c8b10b.table_3b4b_unbalanced[c3]
    f4 = 1 if k else c8b10b.table_3b4b_flip[c3]
    alt_neg = c3 == 7 and (c5 in (17, 18, 20) or k)
    alt_pos = c3 == 7 and (c5 in (11, 13, 14) or k)
    o6 = (~c6 & 63) if (not rd and f6) else c6
    rd_mid = rd ^ u6
    if not rd_mid and alt_neg:
        rd_out, o4 = 1, 0b0111
    elif rd_mid and alt_pos:
        rd_out, o4 = 0, 0b1000
    else:
        rd_out = rd_mid ^ u4
        o4 = (~c4 & 15) if (not rd_mid and f4) else c4
    msb_first = o4 | o6 << 4
    return int(f"{msb_first:010b}"[::-1], 2), int(rd_out)


def code_group_table() -> list[int]:
    """Per 10-bit code group: bit 0 valid at RD-, bit 1 valid at RD+, bit 2 more ones than
    zeros (RD+ after it), bit 3 fewer (RD- after it)."""
    table = [0] * 1024
    for byte in range(256):
        for k in (False, True):
            if k and byte not in VALID_K:
                continue
            for rd in (0, 1):
                table[encode_8b10b(byte, k, rd)[0]] |= 1 << rd
    for code in range(1024):
        ones = bin(code).count("1")
        table[code] |= (ones > 5) << 2 | (ones < 5) << 3
    return table


def crc32_words(words) -> int:
    """The frame CRC over 16-bit words, as LiteEthMACCRCEngine(16, 32, CRC_POLY) computes it."""
    crc = CRC_INIT
    for word in words:
        for n in range(16):
            feedback = (crc >> 31 ^ word >> n) & 1
            crc = (crc << 1) & 0xFFFFFFFF
            if feedback:
                crc ^= CRC_POLY
    return crc


def _crc_table() -> list[int]:
    """CRC register after 8 data bits (MSB first) from i << 24: the byte-wise table."""
    table = []
    for i in range(256):
        crc = i << 24
        for _ in range(8):
            crc = ((crc << 1) ^ CRC_POLY if crc >> 31 else crc << 1) & 0xFFFFFFFF
        table.append(crc)
    return table


_CRC_TABLE = _crc_table()


def crc_next(crc, data):
    """The CRC register after one 16-bit word (data bit 0 first, i.e. each byte bit-reversed into
    the MSB-first table), for sync statements. The tables are linear: synthesis reduces them to
    the same XOR network as LiteEthMACCRCEngine; migen's simulator evaluates two lookups."""
    table = Array(Constant(value, 32) for value in _CRC_TABLE)
    for byte in (data[0:8], data[8:16]):
        crc = Cat(Constant(0, 8), crc[0:24]) ^ table[crc[24:32] ^ byte[::-1]]
    return crc


def payload_word(seq: int, index: int) -> int:
    return (seq & 0xFF) << 8 | (index & 0xFF)


# Counters with a coherent snapshot ------------------------------------------------------------

class _Counted(LiteXModule):
    """Counters that `clear` zeroes and `latch` copies into `snap[name]` (the CSRs' status
    signals when the probe passes them: static between latches, read from sys)."""
    def _counters(self, snap: dict | None):
        self.clear = Signal()
        self.latch = Signal()
        self.live = {}
        self.snap = {}
        self._snap_to = snap or {}
        self._watched = {}

    def counter(self, name: str, width: int) -> Signal:
        self.live[name] = Signal(width, name=name)
        return self.watch(name, self.live[name])

    def watch(self, name: str, signal: Signal) -> Signal:
        """Latched but not cleared (e.g. the cycle count itself)."""
        self.snap[name] = self._snap_to.get(name, Signal(len(signal), name=name + "_snap"))
        self._watched[name] = signal
        return signal

    def _counters_logic(self):
        # Appended last: clear wins over any update in the same cycle.
        self.sync += If(self.clear, *[c.eq(0) for c in self.live.values()])
        self.sync += If(self.latch, *[self.snap[n].eq(s) for n, s in self._watched.items()])


def _word_cycles(module, cycles):
    if cycles is None:
        cycles = Signal(64, name="word_cycles")
        module.sync += cycles.eq(cycles + 1)
    return cycles


# Transmit side (clock domain "sys", renamed) --------------------------------------------------

class _LaneTX(_Counted):
    def __init__(self, cycles=None, snap=None, tx_data=None):
        self._counters(snap)
        self.tx_data = Signal(WORD_BITS) if tx_data is None else tx_data   # registered
        self.prbs_config = Signal(2)
        self.aligned = Signal()        # the local RX is aligned: say so in idles
        self.link_up = Signal()        # frames only while Up
        self.payload_words = Signal(16)
        self.count = Signal(32)
        self.start = Signal()
        self.stop = Signal()
        self.busy = Signal()           # running, or a frame still in flight after stop/count

        frames = self.counter("tx_frames", 32)
        nbytes = self.counter("tx_bytes", 64)
        first = self.counter("tx_first_cycle", 64)
        last = self.counter("tx_last_cycle", 64)

        # # #

        cycles = _word_cycles(self, cycles)
        self.watch("tx_cycles", cycles)

        self.encoder = encoder = Encoder(2, lsb_first=True)
        # PRBSTX as SerDesECP5 uses it; its generators only run while selected.
        self.prbs = prbs = CEInserter()(PRBSTX(WORD_BITS, reverse=True))
        self.comb += [
            prbs.ce.eq(self.prbs_config != 0),
            prbs.config.eq(self.prbs_config),
            prbs.i.eq(Cat(encoder.output[0], encoder.output[1])),
        ]
        self.sync += self.tx_data.eq(prbs.o)

        word = Signal(16)
        seq = Signal(32)
        sent = Signal(32)             # frames since start
        index = Signal(16)
        crc = Signal(32)

        d0, k0, d1, k1 = encoder.d[0], encoder.k[0], encoder.d[1], encoder.k[1]
        self.fsm_state = state = Signal(3)
        IDLE, HEAD, SEQ_HI, SEQ_LO, PAYLOAD, CRC_HI, CRC_LO, TAIL = range(8)
        data_word = [d0.eq(word[8:16]), d1.eq(word[0:8])]
        self.comb += Case(state, {
            IDLE: [d0.eq(COMMA), k0.eq(1), d1.eq(Mux(self.aligned, STATUS_ALIGNED, STATUS_TRAINING))],
            HEAD: [d0.eq(SOF), k0.eq(1), d1.eq(FRAME_TYPE)],
            SEQ_HI: [word.eq(seq[16:32])] + data_word,
            SEQ_LO: [word.eq(seq[0:16])] + data_word,
            PAYLOAD: [word.eq(Cat(index[0:8], seq[0:8]))] + data_word,
            CRC_HI: [word.eq(crc[16:32])] + data_word,
            CRC_LO: [word.eq(crc[0:16])] + data_word,
            TAIL: [d0.eq(EOF), k0.eq(1), d1.eq(0)],
        })
        more = (self.count == 0) | (sent != self.count)
        running = Signal()
        started = Signal()            # the first frame since start has begun
        self.comb += self.busy.eq(running | (state != IDLE))
        self.sync += [
            If(self.start, running.eq(1), sent.eq(0), seq.eq(0), started.eq(0)),
            If(self.stop, running.eq(0)),
            Case(state, {
                IDLE: If(running & ~self.start & ~self.stop,
                    If(~more, running.eq(0)
                    ).Elif(self.link_up, state.eq(HEAD)),
                ),
                HEAD: [
                    state.eq(SEQ_HI), crc.eq(CRC_INIT),
                    If(~started, started.eq(1), first.eq(cycles)),
                ],
                SEQ_HI: [state.eq(SEQ_LO), crc.eq(crc_next(crc, word))],
                SEQ_LO: [state.eq(PAYLOAD), crc.eq(crc_next(crc, word)), index.eq(0)],
                PAYLOAD: [
                    crc.eq(crc_next(crc, word)), index.eq(index + 1),
                    If(index == self.payload_words - 1, state.eq(CRC_HI)),
                ],
                CRC_HI: state.eq(CRC_LO),
                CRC_LO: state.eq(TAIL),
                TAIL: [
                    state.eq(IDLE), sent.eq(sent + 1), seq.eq(seq + 1),
                    frames.eq(frames + 1), nbytes.eq(nbytes + BYTES_PER_WORD * self.payload_words),
                    last.eq(cycles),
                ],
            }),
            If(self.start, frames.eq(0), nbytes.eq(0), first.eq(0), last.eq(0)),
        ]
        self._counters_logic()


# PRBS checker that counts every flipped bit once ----------------------------------------------

def _checker_terms(width: int, taps: tuple[int, int], free_run: bool):
    """litex PRBSChecker's bit loop, done symbolically over GF(2): for each bit n of the (reversed)
    word, the state/data bits whose XOR predicts it, and the next state's terms. Self-synchronising
    (free_run=False) the state takes the received bits; free-running it takes the predicted ones."""
    curval = [frozenset({("s", i)}) for i in range(31)]
    predicted = {}
    for n in reversed(range(width)):
        predicted[n] = curval[taps[0]] ^ curval[taps[1]]
        curval.insert(0, predicted[n] if free_run else frozenset({("d", n)}))
        curval.pop()
    return predicted, curval


class _PRBSBitChecker(LiteXModule):
    """PRBS7/15/31 checker (litex PRBSChecker's polynomials and bit order, reverse=True) that
    self-synchronises until `lock_words` clean words, then runs free: each flipped bit counts once."""
    def __init__(self, width: int, lock_words: int, unlock_words: int):
        self.config = Signal(2)
        self.i = Signal(width)
        self.locked = Signal()
        self.checked = Signal()                  # the word before was checked while locked
        self.errors = Signal(max=width + 1)      # its bit errors
        self.lost = Signal()                     # lock lost (pulse)

        # # #

        data = self.i[::-1]
        state = Signal(31, reset=1)

        def xor(terms):
            bits = [state[i] if kind == "s" else data[i] for kind, i in sorted(terms)]
            return Reduce("XOR", bits) if bits else 0

        def check(taps, free_run):
            predicted, curval = _checker_terms(width, taps, free_run)
            return [self.errors.eq(Reduce("ADD", [data[n] ^ xor(predicted[n]) for n in range(width)])),
                    state.eq(Cat(*[xor(terms) for terms in curval]))]

        # All registered (sync): the word's bit errors, the state; the lock follows the errors.
        self.sync += Case(self.config, {
            **{cfg: If(self.locked, *check(taps, True)).Else(*check(taps, False))
               for cfg, taps in PRBS_TAPS.items()},
            "default": self.errors.eq(0),
        })
        nerr = self.errors
        config_d = Signal(2)
        run = Signal(max=max(lock_words, unlock_words) + 1)
        self.sync += [
            config_d.eq(self.config),
            self.checked.eq(self.locked & (self.config != 0)),
            self.lost.eq(0),
            If((self.config == 0) | (self.config != config_d),
                self.locked.eq(0), run.eq(0),
            ).Elif(~self.locked,
                If(nerr != 0, run.eq(0)
                ).Elif(run == lock_words - 1, self.locked.eq(1), run.eq(0)
                ).Else(run.eq(run + 1)),
            ).Else(
                If(nerr == 0, run.eq(0)
                ).Elif(run == unlock_words - 1, self.locked.eq(0), self.lost.eq(1), run.eq(0)
                ).Else(run.eq(run + 1)),
            ),
        ]


# Receive side (clock domain "sys", renamed) ---------------------------------------------------

class _LaneRX(_Counted):
    def __init__(self, timing: LaneTiming, cycles=None, snap=None, rx_data=None):
        self._counters(snap)
        self.rx_data = Signal(WORD_BITS) if rx_data is None else rx_data
        self.serdes_ready = Signal()
        self.rx_idle = Signal()
        self.enable = Signal()
        self.retrain = Signal()
        self.prbs_config = Signal(2)
        self.error_window = Signal(16)
        self.error_threshold = Signal(16)
        self.error_hold = Signal(32)

        self.stage = Signal(3, reset=Stage.RESET)
        self.state = Signal(2)
        self.signal = Signal()
        self.partner_aligned = Signal()
        self.aligned = Signal()          # stage partner or up: tell the partner, take frames
        self.up = Signal()
        self.offset = Signal(5)          # bit offset of the word boundary
        self.prbs_locked = Signal()

        ups = self.counter("ups", 32)
        error_events = self.counter("error_events", 32)
        train_cycle = self.counter("train_cycle", 64)
        up_cycle = self.counter("up_cycle", 64)
        code_errors = self.counter("code_errors", 32)
        disparity_errors = self.counter("disparity_errors", 32)
        prbs_bits = self.counter("prbs_bits", 64)
        prbs_errors = self.counter("prbs_errors", 64)
        prbs_lock_losses = self.counter("prbs_lock_losses", 32)
        frames = self.counter("rx_frames", 32)
        nbytes = self.counter("rx_bytes", 64)
        gaps = self.counter("rx_gaps", 32)
        late = self.counter("rx_late", 32)
        bad = self.counter("rx_bad_frames", 32)
        first = self.counter("rx_first_cycle", 64)
        last = self.counter("rx_last_cycle", 64)
        last_seq = self.counter("rx_last_seq", 32)

        # # #

        cycles = _word_cycles(self, cycles)
        self.watch("rx_cycles", cycles)

        # Words in, signal detect, comma search over all 20 bit offsets.
        raw, prev = Signal(WORD_BITS), Signal(WORD_BITS)
        self.sync += [raw.eq(self.rx_data), prev.eq(raw)]
        window = Cat(prev, raw)
        quiet = Signal(max=timing.quiet_words + 1, reset=timing.quiet_words)
        self.sync += If((raw == 0) | (raw == 2**WORD_BITS - 1),
            If(quiet != timing.quiet_words, quiet.eq(quiet + 1)),
        ).Else(quiet.eq(0))
        self.comb += self.signal.eq(~self.rx_idle & (quiet != timing.quiet_words))
        k28_5 = [encode_8b10b(COMMA, True, rd)[0] for rd in (0, 1)]
        searching = Signal()
        hit, hit_at = Signal(), Signal(5)     # lowest offset holding a K28.5, in the last word
        self.sync += If(searching,
            hit.eq(0),
            *[If(Reduce("OR", [window[p:p + 10] == code for code in k28_5]), hit.eq(1), hit_at.eq(p))
              for p in reversed(range(WORD_BITS))],
        ).Else(hit.eq(0))
        aligned = Signal(WORD_BITS)
        self.sync += Case(self.offset, {p: aligned.eq(window[p:p + WORD_BITS]) for p in range(WORD_BITS)})

        # 8b/10b decode (litex Decoder) and code/disparity check (table): both one word after
        # `aligned`, registered once more here with the running disparity.
        self.decoders = decoders = [Decoder(lsb_first=True) for _ in range(2)]
        self.submodules += decoders
        table = Memory(4, 1024, init=code_group_table())
        ports = [table.get_port() for _ in range(2)]
        self.specials += table, *ports
        d0, k0, d1, k1 = Signal(8), Signal(), Signal(8), Signal()
        code_err = [Signal(), Signal()]
        disp_err = [Signal(), Signal()]
        rd = Signal()                         # running disparity: 0 RD-, 1 RD+
        rd_in = [rd]
        for n in range(2):
            info = ports[n].dat_r             # valid at RD-, valid at RD+, heavy, light
            self.comb += [decoders[n].input.eq(aligned[10 * n:10 * n + 10]),
                          ports[n].adr.eq(aligned[10 * n:10 * n + 10])]
            self.sync += [
                code_err[n].eq(~info[0] & ~info[1]),
                disp_err[n].eq((info[0] | info[1]) & ~Mux(rd_in[n], info[1], info[0])),
            ]
            rd_in.append(Mux(info[2], 1, Mux(info[3], 0, rd_in[n])))
        self.sync += [
            rd.eq(rd_in[2]),
            d0.eq(decoders[0].d), k0.eq(decoders[0].k), d1.eq(decoders[1].d), k1.eq(decoders[1].k),
        ]
        nerr = code_err[0] + code_err[1] + disp_err[0] + disp_err[1]
        any_err = code_err[0] | code_err[1] | disp_err[0] | disp_err[1]
        comma0 = k0 & (d0 == COMMA) & ~any_err
        comma1 = k1 & (d1 == COMMA) & ~any_err
        idle = comma0 & ~k1

        # Link training.
        stage = self.stage
        timer = Signal(32, reset=timing.reset_words)
        count = Signal(16)
        have = Signal()
        settle = Signal(3)           # words the decode pipeline needs after an offset change
        err = any_err & (settle == 0)
        window_words = Signal(16)
        window_errs = Signal(17)
        self.sync += If(settle != 0, settle.eq(settle - 1))
        self.sync += [
            If(~self.enable | self.retrain,
                stage.eq(Stage.RESET), timer.eq(timing.reset_words),
            ).Elif(stage == Stage.RESET,
                If(timer == 0,
                    stage.eq(Stage.SERDES), train_cycle.eq(cycles),
                ).Else(timer.eq(timer - 1)),
            ).Elif(~self.signal | ~self.serdes_ready,
                stage.eq(Stage.SERDES),
            ).Elif(self.prbs_config != 0,
                stage.eq(Stage.PRBS),
            ).Else(Case(stage, {
                Stage.PRBS: stage.eq(Stage.SERDES),
                Stage.SERDES: [stage.eq(Stage.SYNC), have.eq(0)],
                Stage.SYNC: If(~have,
                    If(hit, self.offset.eq(hit_at), have.eq(1), settle.eq(4), count.eq(0)),
                ).Elif(settle != 0,
                ).Elif(err,
                    have.eq(0),
                ).Elif(count == timing.sync_words - 1,
                    stage.eq(Stage.ALIGN), count.eq(0),
                ).Else(count.eq(count + 1)),
                Stage.ALIGN: If(err,
                    stage.eq(Stage.SYNC), have.eq(0),
                ).Elif(comma1 & (settle == 0),
                    self.offset.eq(Mux(self.offset < 10, self.offset + 10, self.offset - 10)),
                    settle.eq(4), count.eq(0),
                ).Elif(comma0 & (settle == 0),
                    If(count == timing.align_commas - 1,
                        stage.eq(Stage.PARTNER),
                    ).Else(count.eq(count + 1)),
                ),
                Stage.PARTNER: If(err,
                    stage.eq(Stage.SYNC), have.eq(0),
                ).Elif(self.partner_aligned,
                    stage.eq(Stage.UP), ups.eq(ups + 1), up_cycle.eq(cycles),
                    window_words.eq(0), window_errs.eq(0),
                ),
                Stage.UP: If(~self.partner_aligned,
                    stage.eq(Stage.PARTNER),
                ).Elif((self.error_threshold != 0) & (window_errs + nerr >= self.error_threshold),
                    stage.eq(Stage.ERROR), error_events.eq(error_events + 1), timer.eq(self.error_hold),
                ).Elif(window_words >= self.error_window - 1,
                    window_words.eq(0), window_errs.eq(0),
                ).Else(
                    window_words.eq(window_words + 1), window_errs.eq(window_errs + nerr),
                ),
                Stage.ERROR: If(self.error_hold != 0,
                    If(timer <= 1,
                        stage.eq(Stage.RESET), timer.eq(timing.reset_words),
                    ).Else(timer.eq(timer - 1)),
                ),
            })),
            If(stage == Stage.UP,
                code_errors.eq(code_errors + code_err[0] + code_err[1]),
                disparity_errors.eq(disparity_errors + disp_err[0] + disp_err[1]),
            ),
        ]
        self.comb += [
            searching.eq((stage == Stage.SYNC) & ~have),
            self.aligned.eq((stage == Stage.PARTNER) | (stage == Stage.UP)),
            self.up.eq(stage == Stage.UP),
            If((stage == Stage.RESET) | ~self.signal, self.state.eq(LinkState.DOWN)
            ).Elif(stage == Stage.UP, self.state.eq(LinkState.UP)
            ).Elif(stage == Stage.ERROR, self.state.eq(LinkState.ERROR)
            ).Else(self.state.eq(LinkState.TRAINING)),
        ]
        # The partner's RX status, from its idles.
        self.sync += If((stage <= Stage.SYNC) | (stage == Stage.PRBS),
            self.partner_aligned.eq(0),
        ).Elif(idle & (d1 == STATUS_ALIGNED),
            self.partner_aligned.eq(1),
        ).Elif(idle & (d1 == STATUS_TRAINING),
            self.partner_aligned.eq(0),
        )

        # PRBS checker on the raw words (a PRBS has no word boundary to find).
        self.checker = checker = _PRBSBitChecker(WORD_BITS, timing.prbs_lock_words, timing.prbs_unlock_words)
        self.comb += [checker.config.eq(self.prbs_config), checker.i.eq(raw), self.prbs_locked.eq(checker.locked)]
        self.sync += [
            If(checker.checked,
                prbs_bits.eq(prbs_bits + WORD_BITS), prbs_errors.eq(prbs_errors + checker.errors),
            ),
            If(checker.lost, prbs_lock_losses.eq(prbs_lock_losses + 1)),
        ]

        # Frames.
        data = Cat(d1, d0)
        is_sof = k0 & (d0 == SOF) & ~any_err
        is_eof = k0 & (d0 == EOF) & ~any_err
        is_k = (k0 | k1) & ~any_err
        in_frame = Signal()
        frame_err = Signal()
        nwords = Signal(17)
        w1, w2 = Signal(16), Signal(16)       # the last two data words: CRC_HI, CRC_LO at EOF
        seq_hi = Signal(16)
        seq = Signal(32)
        sof_cycle = Signal(64)
        have_first = Signal()
        expected = Signal(32)
        crc = Signal(32)
        good = ~frame_err & (nwords >= 4) & (crc == Cat(w1, w2))
        self.sync += [
            If(~self.aligned,
                If(in_frame, bad.eq(bad + 1)),
                in_frame.eq(0),
            ).Elif(is_sof,
                If(in_frame, bad.eq(bad + 1)),
                in_frame.eq(1), frame_err.eq(k1), nwords.eq(0), crc.eq(CRC_INIT), sof_cycle.eq(cycles),
            ).Elif(is_eof,
                in_frame.eq(0),
                If(in_frame & good,
                    frames.eq(frames + 1),
                    nbytes.eq(nbytes + BYTES_PER_WORD * (nwords - 4)),
                    last_seq.eq(seq),
                    If(~have_first, have_first.eq(1), first.eq(sof_cycle)),
                    last.eq(cycles),
                    # Serial-number arithmetic: the 32-bit sequence may wrap on long runs.
                    If((seq - expected)[31],
                        late.eq(late + 1),
                    ).Else(
                        gaps.eq(gaps + (seq - expected)[0:32]), expected.eq(seq + 1),
                    ),
                ).Else(bad.eq(bad + 1)),
            ).Elif(in_frame,
                If(is_k,
                    in_frame.eq(0), bad.eq(bad + 1),
                ).Else(
                    If(any_err, frame_err.eq(1)),
                    If(nwords >= 2, crc.eq(crc_next(crc, w2))),
                    w2.eq(w1), w1.eq(data),
                    If(nwords != 2**17 - 1, nwords.eq(nwords + 1)),
                    If(nwords == 0, seq_hi.eq(data)),
                    If(nwords == 1, seq.eq(Cat(data, seq_hi))),
                ),
            ),
            If(self.clear, have_first.eq(0), expected.eq(0)),
        ]
        self._counters_logic()


# The probe: CSRs in sys, logic in the word clock domains ---------------------------------------

_DESCRIPTIONS = {
    "ups": (32, "Times the lane came Up."),
    "error_events": (32, "Times the lane went to Error."),
    "train_cycle": (64, "Cycle (rx) training last started (local reset released)."),
    "up_cycle": (64, "Cycle (rx) the lane last came Up; minus train_cycle = cycles to Up."),
    "code_errors": (32, "Invalid code groups received while Up."),
    "disparity_errors": (32, "Running disparity errors received while Up."),
    "prbs_bits": (64, "PRBS bits checked while locked."),
    "prbs_errors": (64, "PRBS bit errors while locked (each flipped line bit once)."),
    "prbs_lock_losses": (32, "Times the PRBS checker lost lock."),
    "tx_frames": (32, "Frames sent since `start`."),
    "tx_bytes": (64, "Payload bytes sent since `start`."),
    "tx_first_cycle": (64, "Cycle (tx) the first frame since `start` began."),
    "tx_last_cycle": (64, "Cycle (tx) the last frame ended."),
    "tx_cycles": (64, "TX word clock cycle count at `latch`."),
    "rx_frames": (32, "Good frames received."),
    "rx_bytes": (64, "Payload bytes in good frames."),
    "rx_gaps": (32, "Sequence numbers missing between good frames (bad frames included)."),
    "rx_late": (32, "Good frames older than the newest seen (duplicate, reordered, restart; "
                    "sequence numbers compare modulo 2**32)."),
    "rx_bad_frames": (32, "Frames received damaged: CRC, code error, truncated, EOF without SOF."),
    "rx_first_cycle": (64, "Cycle (rx) the first good frame began."),
    "rx_last_cycle": (64, "Cycle (rx) the last good frame ended."),
    "rx_last_seq": (32, "Sequence number of the last good frame."),
    "rx_cycles": (64, "RX word clock cycle count at `latch`."),
}


class LaneProbe(LiteXModule):
    """One SerDes channel: `tx_data` (tx_cd) and `rx_data` (rx_cd), 20-bit words, bit 0 first.

    rx_ready / tx_ready: the SerDes is initialised (PLL, CDR); rx_idle: loss of signal.
    They may come from any domain (resynchronised). `cycles`: a counter in the word
    domain for the stamps (only when tx_cd == rx_cd); default: the probe's own.
    """
    def __init__(self, cycles: Signal | None = None, tx_cd: str = "sys", rx_cd: str = "sys",
                 word_clk_hz: float = WORD_CLK_HZ, timing: LaneTiming = LaneTiming()):
        if cycles is not None and tx_cd != rx_cd:
            raise ValueError(f"LaneProbe: one `cycles` counter cannot stamp both {tx_cd} and {rx_cd}; "
                             "leave cycles=None to count each word clock")
        self.timing = timing
        self.tx_data = Signal(WORD_BITS)
        self.rx_data = Signal(WORD_BITS)
        self.rx_ready = Signal()
        self.tx_ready = Signal(reset=1)
        self.rx_idle = Signal()

        self.control = CSRStorage(fields=[
            CSRField("enable", size=1, reset=1, description="0 holds the lane Down (local reset)."),
            CSRField("tx_prbs", size=2, description="TX: 0 8b/10b (idles, frames), 1 PRBS7, 2 PRBS15, 3 PRBS31."),
            CSRField("rx_prbs", size=2, description="RX checker: 0 8b/10b (training, frames), 1 PRBS7, "
                                                    "2 PRBS15, 3 PRBS31."),
        ])
        self.retrain = CSR()
        self.clear = CSR()
        self.latch = CSR()
        self.status = CSRStatus(fields=[
            CSRField("state", size=2, description="Link state: 0 Down, 1 Training, 2 Up, 3 Error.", values=[
                ("0", "Down"), ("1", "Training"), ("2", "Up"), ("3", "Error")]),
            CSRField("stage", size=3, description="Training stage: 0 reset, 1 serdes, 2 sync (8b/10b lock), "
                                                  "3 align (comma), 4 partner, 5 up, 6 error, 7 prbs."),
            CSRField("serdes_ready", size=1, description="SerDes rx_ready & tx_ready."),
            CSRField("signal", size=1, description="Signal present (no LOS, bit transitions seen)."),
            CSRField("partner_aligned", size=1, description="The partner's idles say its RX is aligned."),
            CSRField("prbs_locked", size=1, description="PRBS checker locked."),
            CSRField("tx_busy", size=1, description="Frame generator running or a frame in flight."),
        ])
        self.word_clk_hz = CSRStatus(32, reset=int(word_clk_hz), description="Word clock (Hz); 2 bytes per word.")
        self.error_window = CSRStorage(16, reset=1024, description="Words per error window while Up (>= 1).")
        self.error_threshold = CSRStorage(16, reset=16, description="Code/disparity errors in one window "
                                          "that make the lane Error (0: never).")
        self.error_hold = CSRStorage(32, reset=62_500, description="Words in Error before retraining "
                                     "(0: stay until `retrain`).")
        self.payload_words = CSRStorage(16, reset=1024, description="Payload words (2 bytes) per frame, >= 1.")
        self.count = CSRStorage(32, description="Frames to send on `start` (0: until `stop`, which ends "
                                "after the frame in flight).")
        self.start = CSR()
        self.stop = CSR()
        for name, (width, description) in _DESCRIPTIONS.items():
            setattr(self, name, CSRStatus(width, name=name, description=description + " Latched."))

        # # #

        def rename(module, cd):
            return module if cd == "sys" else ClockDomainsRenamer(cd)(module)

        # Snapshots are written straight into the CSRs' status signals (static between latches).
        snap = {name: getattr(self, name).status for name in _DESCRIPTIONS}
        self.tx = tx = rename(_LaneTX(cycles, snap, tx_data=self.tx_data), tx_cd)
        self.rx = rx = rename(_LaneRX(timing, cycles, snap, rx_data=self.rx_data), rx_cd)

        def level(sig, cd, src="sys"):
            if cd == src:
                return sig
            out = Signal.like(sig)
            self.specials += MultiReg(sig, out, cd)
            return out

        def pulse(sig, cd):
            if cd == "sys":
                return sig
            sync = PulseSynchronizer("sys", cd)
            self.submodules += sync
            self.comb += sync.i.eq(sig)
            return sync.o

        fields = self.control.fields
        serdes_ready = Signal()
        rx_idle = Signal()
        self.specials += [
            MultiReg(self.rx_ready & self.tx_ready, serdes_ready, rx_cd),
            MultiReg(self.rx_idle, rx_idle, rx_cd),
        ]
        self.comb += [
            rx.serdes_ready.eq(serdes_ready),
            rx.rx_idle.eq(rx_idle),
            rx.enable.eq(level(fields.enable, rx_cd)),
            rx.retrain.eq(pulse(self.retrain.re, rx_cd)),
            rx.prbs_config.eq(level(fields.rx_prbs, rx_cd)),
            rx.error_window.eq(level(self.error_window.storage, rx_cd)),
            rx.error_threshold.eq(level(self.error_threshold.storage, rx_cd)),
            rx.error_hold.eq(level(self.error_hold.storage, rx_cd)),
            rx.clear.eq(pulse(self.clear.re, rx_cd)),
            rx.latch.eq(pulse(self.latch.re, rx_cd)),
            tx.prbs_config.eq(level(fields.tx_prbs, tx_cd)),
            tx.aligned.eq(level(rx.aligned, tx_cd, rx_cd)),
            tx.link_up.eq(level(rx.up, tx_cd, rx_cd)),
            tx.payload_words.eq(level(self.payload_words.storage, tx_cd)),
            tx.count.eq(level(self.count.storage, tx_cd)),
            tx.start.eq(pulse(self.start.re, tx_cd)),
            tx.stop.eq(pulse(self.stop.re, tx_cd)),
            tx.clear.eq(pulse(self.clear.re, tx_cd)),
            tx.latch.eq(pulse(self.latch.re, tx_cd)),
        ]
        live = Cat(rx.state, rx.stage, serdes_ready, rx.signal, rx.partner_aligned, rx.prbs_locked)
        if rx_cd == "sys":
            live_sys = live
        else:
            sync = BusSynchronizer(len(live), rx_cd, "sys")
            self.submodules += sync
            self.comb += sync.i.eq(live)
            live_sys = sync.o
        self.comb += [
            Cat(*[getattr(self.status.fields, f) for f in
                  ("state", "stage", "serdes_ready", "signal", "partner_aligned", "prbs_locked")]).eq(live_sys),
            self.status.fields.tx_busy.eq(level(tx.busy, "sys", tx_cd)),
        ]


def attach_serdes_ecp5(probe: LaneProbe, serdes) -> None:
    """Put `probe` on a liteiclink SerDesECP5 (data_width=20, 1.25 Gbaud) in place of its fabric
    coder and PRBS, as gateware/phy/sgmii_ecp5.py does for the PCS: the DCU's FF_TX_D/FF_RX_D carry
    the probe's words (bits 10-11 and 22-23 unused). The probe's tx_cd/rx_cd must be the SerDes's
    tx/rx clock domains (as named after any renaming). The DCU's K28.5 word aligner stays on in
    8b/10b mode and is held off while the probe checks PRBS (it would slip on false commas), as
    SerDesECP5 does for its own checker. Call before the SerDesECP5 is finalized."""
    if getattr(serdes, "nwords", None) != 2:
        raise ValueError("attach_serdes_ecp5: needs a SerDesECP5 with data_width=20")
    tx_bus, rx_bus = Signal(24), Signal(24)
    probe.comb += [
        tx_bus[0:10].eq(probe.tx_data[0:10]),
        tx_bus[12:22].eq(probe.tx_data[10:20]),
        probe.rx_data.eq(Cat(rx_bus[0:10], rx_bus[12:22])),
        probe.rx_ready.eq(serdes.rx_ready),
        probe.tx_ready.eq(serdes.tx_ready),
        probe.rx_idle.eq(serdes.rx_idle),
        serdes.rx_align.eq(probe.control.fields.rx_prbs == 0),
    ]
    serdes.serdes_params.update(
        **{f"i_CHX_FF_TX_D_{n}": tx_bus[n] for n in range(24)},
        **{f"o_CHX_FF_RX_D_{n}": rx_bus[n] for n in range(24)},
    )
