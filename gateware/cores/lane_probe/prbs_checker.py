"""PRBS7/15/31 checker that counts every flipped line bit exactly once."""
from __future__ import annotations

from migen import Case, Cat, If, Signal

from litex.gen import LiteXModule, Reduce

from sailbench.gateware.cores.lane_probe.common import PRBS_TAPS


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
