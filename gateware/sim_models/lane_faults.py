"""Fault knobs of a simulated lane as CSRs (simulation only)."""
from __future__ import annotations

from migen.genlib.cdc import BusSynchronizer, MultiReg

from litex.gen import LiteXModule
from litex.soc.interconnect.csr import CSRStatus, CSRStorage


class LaneFaults(LiteXModule):
    """CSRs for the fault knobs of the model lane a board *receives* (sim only).

    Values are taken into the word domain through plain synchronisers: set them
    while the lane is idle, not mid-word."""

    def __init__(self, lane):
        self.error_every = CSRStorage(32, description="Flip error_mask in every N-th word (0 = off).")
        self.error_at = CSRStorage(32, description="Flip error_mask in the word with this index ...")
        self.error_at_enable = CSRStorage(description="... when 1.")
        self.error_mask = CSRStorage(20, reset=1, description="Bits flipped in an errored word.")
        self.cut = CSRStorage(description="1: the lane delivers nothing (a pulled cable).")
        self.lock_delay = CSRStorage(32, description="Words before the receiver locks after reset or a cut.")
        self.words = CSRStatus(32, description="Words sent into the lane since reset.")
        self.errors = CSRStatus(32, description="Errored words delivered.")

        # # #

        for name in ("error_every", "error_at", "error_at_enable", "error_mask", "cut", "lock_delay"):
            self.specials += MultiReg(getattr(self, name).storage, getattr(lane, name), "word")
        for name in ("words", "errors"):
            sync = BusSynchronizer(32, "word", "sys")
            self.submodules += sync
            self.comb += [sync.i.eq(getattr(lane, name)), getattr(self, name).status.eq(sync.o)]
