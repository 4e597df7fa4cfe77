"""Receive side of the lane probe (clock domain "sys", renamed to the RX word clock).

`_LaneRX` wires its pieces in this order: words in and comma search, 8b/10b
decode and error check, the training FSM and the link state, the partner's
status from its idles, the PRBS checker, the framed-payload checker, then the
counters' clear and latch. What the 64b/66b side shares with it is in
rx_common.py.
"""
from __future__ import annotations

from migen import Case, Cat, If, Memory, Mux, Signal

from litex.gen import Reduce
from litex.soc.cores.code_8b10b import Decoder

from sailbench.gateware.cores.lane_probe.common import (BYTES_PER_WORD, COMMA, CRC_INIT, EOF, SOF, STATUS_ALIGNED,
                                                      STATUS_TRAINING, WORD_BITS, LaneTiming, Stage)
from sailbench.gateware.cores.lane_probe.counters import _word_cycles
from sailbench.gateware.cores.lane_probe.crc import crc_next
from sailbench.gateware.cores.lane_probe.reference import code_group_table, encode_8b10b
from sailbench.gateware.cores.lane_probe.rx_common import _LaneRXBase


class _Decoded:
    """One word after 8b/10b decode: both code groups and their errors (the decode stage's outputs)."""

    def __init__(self, d0, k0, d1, k1, code_err, disp_err):
        self.d0, self.k0, self.d1, self.k1 = d0, k0, d1, k1
        self.code_err, self.disp_err = code_err, disp_err
        self.nerr = code_err[0] + code_err[1] + disp_err[0] + disp_err[1]
        self.any_err = code_err[0] | code_err[1] | disp_err[0] | disp_err[1]
        self.comma0 = k0 & (d0 == COMMA) & ~self.any_err
        self.comma1 = k1 & (d1 == COMMA) & ~self.any_err
        self.idle = self.comma0 & ~k1


class _LaneRX(_LaneRXBase):
    def __init__(self, timing: LaneTiming, cycles=None, snap=None, rx_data=None):
        self._rx_ports(snap, rx_data)
        self.offset = Signal(5)          # bit offset of the word boundary

        # # #

        cycles = _word_cycles(self, cycles)
        self.watch("rx_cycles", cycles)

        raw, searching, hit, hit_at, aligned = self._words_in(timing)
        self.decoded = w = self._decode(aligned)
        self._training(timing, cycles, w, searching, hit, hit_at)
        self._link_state()
        self._partner_status(w)
        self._prbs(timing, raw)
        self._frames(cycles, w)
        self._counters_logic()

    def _words_in(self, timing: LaneTiming):
        """Words in, signal detect, comma search over all 20 bit offsets, the word at `offset`."""
        raw, prev = Signal(WORD_BITS), Signal(WORD_BITS)
        self.sync += [raw.eq(self.rx_data), prev.eq(raw)]
        window = Cat(prev, raw)
        self._signal_detect(timing, raw)
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
        return raw, searching, hit, hit_at, aligned

    def _decode(self, aligned) -> _Decoded:
        """8b/10b decode (litex Decoder) and code/disparity check (table): both one word after
        `aligned`, registered once more here with the running disparity."""
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
        return _Decoded(d0, k0, d1, k1, code_err, disp_err)

    def _training(self, timing: LaneTiming, cycles, w: _Decoded, searching, hit, hit_at):
        """Link training: reset, serdes, sync (8b/10b lock), align (commas), partner, up; error windows."""
        c = self.live
        stage = self.stage
        timer = Signal(32, reset=timing.reset_words)
        count = Signal(16)
        have = Signal()
        settle = Signal(3)           # words the decode pipeline needs after an offset change
        err = w.any_err & (settle == 0)
        window_words = Signal(16)
        window_errs = Signal(17)
        trips, window_full = self._error_window(window_words, window_errs, w)
        self.window = (window_words, window_errs, trips, window_full)     # for tests
        self.sync += If(settle != 0, settle.eq(settle - 1))
        self.sync += [
            self._stage_start(timing, cycles, timer).Else(Case(stage, {
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
                ).Elif(w.comma1 & (settle == 0),
                    self.offset.eq(Mux(self.offset < 10, self.offset + 10, self.offset - 10)),
                    settle.eq(4), count.eq(0),
                ).Elif(w.comma0 & (settle == 0),
                    If(count == timing.align_commas - 1,
                        stage.eq(Stage.PARTNER),
                    ).Else(count.eq(count + 1)),
                ),
                Stage.PARTNER: If(err,
                    stage.eq(Stage.SYNC), have.eq(0),
                ).Elif(self.partner_aligned,
                    stage.eq(Stage.UP), c["ups"].eq(c["ups"] + 1), c["up_cycle"].eq(cycles),
                    window_words.eq(0), window_errs.eq(0),
                ),
                Stage.UP: If(~self.partner_aligned,
                    stage.eq(Stage.PARTNER),
                ).Elif(trips,
                    stage.eq(Stage.ERROR), c["error_events"].eq(c["error_events"] + 1), timer.eq(self.error_hold),
                ).Elif(window_full,
                    window_words.eq(0), window_errs.eq(0),
                ).Else(
                    window_words.eq(window_words + 1), window_errs.eq(window_errs + w.nerr),
                ),
                Stage.ERROR: self._error_stage(timing, timer),
            })),
            If(stage == Stage.UP,
                c["code_errors"].eq(c["code_errors"] + w.code_err[0] + w.code_err[1]),
                c["disparity_errors"].eq(c["disparity_errors"] + w.disp_err[0] + w.disp_err[1]),
            ),
        ]
        self.comb += searching.eq((stage == Stage.SYNC) & ~have)

    def _error_window(self, window_words, window_errs, w: _Decoded):
        """The Up stage's error-window tests, prepared one word ahead so that the word's own errors
        only select one: `trips` is "window_errs + nerr >= error_threshold (!= 0)" and `window_full`
        "window_words >= error_window - 1", as the training FSM asks them of this word. They hold
        for the window the Up stage counts in (a new one after Partner or a full window), from the
        CSRs as they were one word earlier (they come through a MultiReg, so any write lands a
        few words late anyway). No adder follows the word's errors: `room` (threshold minus the
        window's errors so far) is compared with 0..8 from registers, and the word's error count
        (0-4) picks which of those comparisons become next word's `reach`."""
        window_full = Signal()
        restart = (self.stage != Stage.UP) | window_full
        words_next = Signal(16)
        room = Signal((19, True))
        room_le = Signal(9)                  # room_le[j]: window_errs + j >= threshold
        fresh = Signal(5)                    # fresh[k]: k >= threshold (a new window)
        reach = Signal(5)                    # reach[k]: window_errs + k >= threshold
        threshold_on = Signal()
        self.comb += [
            words_next.eq(Mux(restart, 0, window_words + 1)),
            room.eq(self.error_threshold - window_errs),
            room_le.eq(Cat(*[room <= j for j in range(9)])),
            fresh.eq(Cat(*[self.error_threshold <= k for k in range(5)])),
        ]
        self.sync += [
            If(restart,
                reach.eq(fresh),
            ).Else(Case(w.nerr, {n: reach.eq(room_le[n:n + 5]) for n in range(5)})),
            window_full.eq(words_next >= self.error_window - 1),
            threshold_on.eq(self.error_threshold != 0),
        ]
        trips = Signal()
        self.comb += Case(w.nerr, {**{k: trips.eq(threshold_on & reach[k]) for k in range(5)},
                                   "default": trips.eq(threshold_on & reach[4])})
        return trips, window_full

    def _partner_status(self, w: _Decoded):
        """The partner's RX status, from its idles."""
        stage = self.stage
        self.sync += If((stage <= Stage.SYNC) | (stage == Stage.PRBS),
            self.partner_aligned.eq(0),
        ).Elif(w.idle & (w.d1 == STATUS_ALIGNED),
            self.partner_aligned.eq(1),
        ).Elif(w.idle & (w.d1 == STATUS_TRAINING),
            self.partner_aligned.eq(0),
        )

    def _frames(self, cycles, w: _Decoded):
        """Framed payload: SOF, sequence, payload, CRC, EOF; good and bad frames, gaps, late frames.

        Three register stages keep the word clock's paths short (docs/hardware.md, the 4-lane build):
        1. the word's class (SOF, EOF, K, code error) and `aligned`, registered from the decode stage;
        2. the frame checker: frame state, CRC, sequence number, and at EOF the verdict without
           the CRC compare (`eof_ok`);
        3. the EOF commit, one word later: the CRC compare (registered every word: the CRC and the
           last two data words stay put from the last data word until the next SOF is taken) and
           the counters and stamps.
        Stage 2 stamps SOF with `cycles`, stage 3 stamps EOF with `cycles` one word late, so both
        stamps are one word later than the words' arrival and last - first is unchanged.
        """
        bad = self.live["rx_bad_frames"]
        # Stage 1: the word's class, registered.
        data, k1 = Signal(16), Signal()
        is_sof, is_eof, is_k, any_err, aligned = Signal(), Signal(), Signal(), Signal(), Signal()
        self.sync += [
            data.eq(Cat(w.d1, w.d0)), k1.eq(w.k1), any_err.eq(w.any_err), aligned.eq(self.aligned),
            is_sof.eq(w.k0 & (w.d0 == SOF) & ~w.any_err),
            is_eof.eq(w.k0 & (w.d0 == EOF) & ~w.any_err),
            is_k.eq((w.k0 | w.k1) & ~w.any_err),
        ]
        # Stage 2: the frame checker.
        in_frame = Signal()
        frame_err = Signal()
        nwords = Signal(17)
        w1, w2 = Signal(16), Signal(16)       # the last two data words: CRC_HI, CRC_LO at EOF
        seq_hi = Signal(16)
        seq = Signal(32)
        sof_cycle = Signal(64)
        crc = Signal(32)
        eof_seen = Signal()                   # stage 3 commits the EOF stage 2 took
        eof_ok = Signal()                     # ... in a frame, no code error, long enough
        self.sync += [
            eof_seen.eq(0),
            If(~aligned,
                If(in_frame, bad.eq(bad + 1)),
                in_frame.eq(0),
            ).Elif(is_sof,
                If(in_frame, bad.eq(bad + 1)),
                in_frame.eq(1), frame_err.eq(k1), nwords.eq(0), crc.eq(CRC_INIT), sof_cycle.eq(cycles),
            ).Elif(is_eof,
                in_frame.eq(0),
                eof_seen.eq(1), eof_ok.eq(in_frame & ~frame_err & (nwords >= 4)),
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
        ]
        # Stage 3: the EOF commit. Stage 2 left in_frame at 0 when it took the EOF, so it counts no
        # bad frame in the word stage 3 commits: the two stages never assign `bad` in one word.
        crc_match = Signal()
        have_first = Signal()
        expected = Signal(32)
        eof_cycle = Signal(64)
        self.sync += [
            crc_match.eq(crc == Cat(w1, w2)),
            eof_cycle.eq(cycles),
            If(eof_seen,
                If(eof_ok & crc_match,
                    *self._good_frame(BYTES_PER_WORD * (nwords - 4), seq, sof_cycle, eof_cycle, have_first, expected),
                ).Else(bad.eq(bad + 1)),
            ),
            If(self.clear, have_first.eq(0), expected.eq(0)),
        ]
