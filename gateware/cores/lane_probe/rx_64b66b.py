"""Receive side of the lane probe in 64b/66b (clock domain "sys", renamed to the RX word clock).

Words in -> RXGearbox -> BlockLock (slips the gearbox) -> Descrambler -> one registered block
(header, payload, valid) -> training, the partner's status, frames. The PRBS checker works on the
raw words, as in 8b/10b. Training stages keep their 8b/10b names: sync is block lock (64 good
headers), align is descrambler sync (`align_commas` idle blocks in a row), then partner and up.
While Up, code_errors counts invalid sync headers and unknown control block types; a lost block
lock retrains (sync). disparity_errors stays 0 (64b/66b has no running disparity).
"""
from __future__ import annotations

from migen import Case, If, Signal

from sailbench.gateware.cores.lane_probe.code_64b66b import HEADER_CTRL, HEADER_DATA, BlockLock, Descrambler, RXGearbox
from sailbench.gateware.cores.lane_probe.common import (CRC_INIT, STATUS_ALIGNED, STATUS_TRAINING, WORD_BITS,
                                                      LaneTiming, Stage)
from sailbench.gateware.cores.lane_probe.counters import _word_cycles
from sailbench.gateware.cores.lane_probe.rx_common import _LaneRXBase
from sailbench.gateware.cores.lane_probe.tx_64b66b import (BLOCK_IDLE, BLOCK_START, BLOCK_TERM, BYTES_PER_BLOCK,
                                                         crc_next_block)


class _Block:
    """One received block after descrambling (registered): valid for one cycle."""

    def __init__(self):
        self.valid = Signal()
        self.header = Signal(2)
        self.data = Signal(64)
        self.bad_header = Signal()
        self.ctrl = Signal()
        self.kind = Signal(8)
        self.bad_kind = Signal()
        self.err = Signal()


class _LaneRX66(_LaneRXBase):
    def __init__(self, timing: LaneTiming, cycles=None, snap=None, rx_data=None):
        self._rx_ports(snap, rx_data)

        # # #

        cycles = _word_cycles(self, cycles)
        self.watch("rx_cycles", cycles)
        raw = Signal(WORD_BITS)
        self.sync += raw.eq(self.rx_data)
        self._signal_detect(timing, raw)
        b = self._blocks(raw)
        self._training(timing, cycles, b)
        self._link_state()
        self._partner_status(b)
        self._prbs(timing, raw)
        self._frames(cycles, b)
        self._counters_logic()

    def _blocks(self, raw) -> _Block:
        self.gearbox = gearbox = RXGearbox(WORD_BITS)
        self.lock = lock = BlockLock()
        self.descrambler = descrambler = Descrambler()
        self.comb += [
            gearbox.i.eq(raw), gearbox.slip.eq(lock.slip),
            lock.header.eq(gearbox.o[:2]), lock.valid.eq(gearbox.valid),
            descrambler.i.eq(gearbox.o[2:]), descrambler.ce.eq(gearbox.valid),
        ]
        b = _Block()
        kind = descrambler.o[:8]
        self.sync += [
            b.valid.eq(gearbox.valid),
            b.header.eq(gearbox.o[:2]),
            b.data.eq(descrambler.o),
            b.bad_header.eq(lock.bad),
            b.ctrl.eq(gearbox.o[:2] == HEADER_CTRL),
            b.kind.eq(kind),
            b.bad_kind.eq((gearbox.o[:2] == HEADER_CTRL)
                          & (kind != BLOCK_IDLE) & (kind != BLOCK_START) & (kind != BLOCK_TERM)),
        ]
        self.comb += b.err.eq(b.valid & (b.bad_header | b.bad_kind))
        return b

    def _training(self, timing: LaneTiming, cycles, b: _Block):
        c = self.live
        stage = self.stage
        lock = self.lock
        timer = Signal(32, reset=timing.reset_words)
        count = Signal(16)
        window_words = Signal(16)
        window_errs = Signal(17)
        idle = b.valid & b.ctrl & ~b.bad_header & (b.kind == BLOCK_IDLE)
        nerr = b.err
        self.comb += lock.reset.eq((stage == Stage.RESET) | (stage == Stage.SERDES) | (stage == Stage.PRBS))
        self.sync += [
            self._stage_start(timing, cycles, timer).Elif(((stage == Stage.ALIGN) | (stage == Stage.PARTNER) | (stage == Stage.UP)) & ~lock.locked,
                stage.eq(Stage.SYNC),
            ).Else(Case(stage, {
                Stage.PRBS: stage.eq(Stage.SERDES),
                Stage.SERDES: stage.eq(Stage.SYNC),
                Stage.SYNC: If(lock.locked, stage.eq(Stage.ALIGN), count.eq(0)),
                Stage.ALIGN: If(b.err | (b.valid & ~idle),
                    count.eq(0),
                ).Elif(idle,
                    If(count == timing.align_commas - 1,
                        stage.eq(Stage.PARTNER),
                    ).Else(count.eq(count + 1)),
                ),
                Stage.PARTNER: If(self.partner_aligned,
                    stage.eq(Stage.UP), c["ups"].eq(c["ups"] + 1), c["up_cycle"].eq(cycles),
                    window_words.eq(0), window_errs.eq(0),
                ),
                Stage.UP: If(~self.partner_aligned,
                    stage.eq(Stage.PARTNER),
                ).Elif((self.error_threshold != 0) & (window_errs + nerr >= self.error_threshold),
                    stage.eq(Stage.ERROR), c["error_events"].eq(c["error_events"] + 1), timer.eq(self.error_hold),
                ).Elif(window_words >= self.error_window - 1,
                    window_words.eq(0), window_errs.eq(0),
                ).Else(
                    window_words.eq(window_words + 1), window_errs.eq(window_errs + nerr),
                ),
                Stage.ERROR: self._error_stage(timing, timer),
            })),
            If((stage == Stage.UP) & b.err, c["code_errors"].eq(c["code_errors"] + 1)),
        ]

    def _partner_status(self, b: _Block):
        stage = self.stage
        idle = b.valid & b.ctrl & ~b.bad_header & (b.kind == BLOCK_IDLE)
        status = b.data[8:16]
        self.sync += If((stage <= Stage.ALIGN) | (stage == Stage.PRBS),
            self.partner_aligned.eq(0),
        ).Elif(idle & (status == STATUS_ALIGNED),
            self.partner_aligned.eq(1),
        ).Elif(idle & (status == STATUS_TRAINING),
            self.partner_aligned.eq(0),
        )

    def _frames(self, cycles, b: _Block):
        """Frames: start, data blocks, terminate with the CRC; good and bad frames, gaps, late frames."""
        bad = self.live["rx_bad_frames"]
        ok = b.valid & ~b.err
        is_start = ok & b.ctrl & (b.kind == BLOCK_START)
        is_term = ok & b.ctrl & (b.kind == BLOCK_TERM)
        is_data = ok & (b.header == HEADER_DATA)
        is_idle = ok & b.ctrl & (b.kind == BLOCK_IDLE)
        in_frame = Signal()
        frame_err = Signal()
        nblocks = Signal(16)
        seq = Signal(32)
        sof_cycle = Signal(64)
        have_first = Signal()
        expected = Signal(32)
        crc = Signal(32)
        good = ~frame_err & (nblocks >= 1) & (crc == b.data[32:64])
        self.sync += [
            If(~self.aligned,
                If(in_frame, bad.eq(bad + 1)),
                in_frame.eq(0),
            ).Elif(is_start,
                If(in_frame, bad.eq(bad + 1)),
                in_frame.eq(1), frame_err.eq(0), nblocks.eq(0), crc.eq(CRC_INIT), sof_cycle.eq(cycles),
                seq.eq(b.data[32:64]),
            ).Elif(is_term,
                in_frame.eq(0),
                If(in_frame & good,
                    *self._good_frame(BYTES_PER_BLOCK * nblocks, seq, sof_cycle, cycles, have_first, expected),
                ).Else(bad.eq(bad + 1)),
            ).Elif(in_frame,
                If(is_idle,
                    in_frame.eq(0), bad.eq(bad + 1),
                ).Elif(b.valid & b.err,
                    frame_err.eq(1),
                ).Elif(is_data,
                    crc.eq(crc_next_block(crc, b.data)),
                    If(nblocks != 2**16 - 1, nblocks.eq(nblocks + 1)),
                ),
            ),
            If(self.clear, have_first.eq(0), expected.eq(0)),
        ]
