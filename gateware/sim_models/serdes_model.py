"""A model of two SerDes word interfaces joined by a cable, for simulation.

What a transceiver shows the fabric, reduced to its essentials: each cycle
the user drives one word of line code on `tx_data` (bit 0 first on the wire,
e.g. two 8b/10b code groups in 20 bits) and reads the far end's word on
`rx_data`; `rx_ready` says the receiver has locked and found the word
boundary. SerDesLinkModel gives two such endpoints, `a` and `b`, cross-
connected by two SerDesLaneModel instances (`a_to_b`, `b_to_a`).

Knobs, per lane, all Signals (reset values from the constructor, changeable
while simulating, or from CSRs when a lane probe wraps this):
- error_every: flip `error_mask` in every N-th word (0 = off);
- error_at / error_at_enable: flip `error_mask` in the word whose index (see
  `words`) is error_at;
- cut: deliver nothing (all-zero words, rx_ready low) while set, as a pulled
  cable; lock starts over when it clears;
- lock_delay: cycles after reset or after a cut before the receiver locks;
  until then it delivers the words shifted by `slip` bits (the word boundary
  not yet found) and rx_ready is low.
Counters: `words` (words sent into the lane since reset, the index error_at
refers to) and `errors` (flipped words delivered).

Not modelled: clock offset between the ends (both run on one clock, so no
clock correction is needed), jitter, CDR/PLL behaviour, polarity. Everything
runs in one clock domain, `clock_domain` ("sys" by default).
"""
from __future__ import annotations

from migen import Cat, ClockDomainsRenamer, If, Signal

from litex.gen import LiteXModule

WORD_COUNTER_BITS = 32


class SerDesLaneModel(LiteXModule):
    """One direction: `i` in, `o` out `latency` cycles later (>= 1), with the knobs above."""

    def __init__(self, data_width: int = 20, latency: int = 2, lock_delay: int = 0, slip: int = 3,
                 error_every: int = 0, error_at: int | None = None, error_mask: int = 1):
        if latency < 1:
            raise ValueError(f"SerDesLaneModel: latency must be >= 1 cycle, not {latency}")
        if not 0 < slip < data_width:
            raise ValueError(f"SerDesLaneModel: slip must be 1..{data_width - 1} bits, not {slip}")
        self.i = Signal(data_width)
        self.o = Signal(data_width)
        self.ready = Signal()

        self.error_every = Signal(WORD_COUNTER_BITS, reset=error_every)
        self.error_at = Signal(WORD_COUNTER_BITS, reset=error_at or 0)
        self.error_at_enable = Signal(reset=error_at is not None)
        self.error_mask = Signal(data_width, reset=error_mask)
        self.cut = Signal()
        self.lock_delay = Signal(WORD_COUNTER_BITS, reset=lock_delay)

        self.words = Signal(WORD_COUNTER_BITS)
        self.errors = Signal(WORD_COUNTER_BITS)

        # # #

        # Bit errors.
        countdown = Signal(WORD_COUNTER_BITS)
        flip = Signal()
        self.comb += flip.eq(((self.error_every != 0) & (countdown == 0))
                             | (self.error_at_enable & (self.words == self.error_at)))
        self.sync += [
            self.words.eq(self.words + 1),
            # Held at 0 while off, so error_every set while simulating flips the next word
            # (error_every - 1 would wrap to 2**32 - 1 and never fire).
            If(self.error_every == 0,
                countdown.eq(0),
            ).Elif(countdown == 0,
                countdown.eq(self.error_every - 1),
            ).Else(
                countdown.eq(countdown - 1),
            ),
            If(flip & ~self.cut, self.errors.eq(self.errors + 1)),
        ]
        word = Signal(data_width)
        self.comb += If(flip, word.eq(self.i ^ self.error_mask)).Else(word.eq(self.i))

        # Lock: until locked, the receiver's word boundary is `slip` bits off.
        lock_count = Signal(WORD_COUNTER_BITS)
        locked = Signal()
        self.comb += locked.eq(lock_count >= self.lock_delay)
        self.sync += If(self.cut, lock_count.eq(0)).Elif(~locked, lock_count.eq(lock_count + 1))
        previous = Signal(data_width)
        self.sync += previous.eq(word)
        slipped = Cat(previous, word)[slip:slip + data_width]

        # Delivery through `latency` register stages.
        data, ready = Signal(data_width), Signal()
        self.comb += If(self.cut,
            data.eq(0),
        ).Elif(locked,
            data.eq(word), ready.eq(1),
        ).Else(
            data.eq(slipped),
        )
        for _ in range(latency):
            data_q, ready_q = Signal(data_width), Signal()
            self.sync += [data_q.eq(data), ready_q.eq(ready)]
            data, ready = data_q, ready_q
        self.comb += [self.o.eq(data), self.ready.eq(ready)]


class SerDesEndpoint:
    """What one end's fabric sees: drive tx_data, read rx_data and rx_ready."""

    def __init__(self, data_width: int):
        self.tx_data = Signal(data_width)
        self.rx_data = Signal(data_width)
        self.rx_ready = Signal()

    def connect(self, phy) -> list:
        """Statements joining a PHY with tx_data/rx_data word ports (e.g. SGMIIWordPHY) to this end."""
        return [self.tx_data.eq(phy.tx_data), phy.rx_data.eq(self.rx_data)]


class SerDesLinkModel(LiteXModule):
    """Two endpoints `a` and `b`, each lane built with `lane_kwargs` updated by a_to_b / b_to_a."""

    def __init__(self, data_width: int = 20, clock_domain: str = "sys",
                 a_to_b: dict | None = None, b_to_a: dict | None = None, **lane_kwargs):
        self.data_width = data_width
        self.a = SerDesEndpoint(data_width)
        self.b = SerDesEndpoint(data_width)

        # # #

        def lane(overrides):
            model = SerDesLaneModel(data_width, **{**lane_kwargs, **(overrides or {})})
            return ClockDomainsRenamer(clock_domain)(model) if clock_domain != "sys" else model

        self.a_to_b = a_to_b_lane = lane(a_to_b)
        self.b_to_a = b_to_a_lane = lane(b_to_a)
        self.comb += [
            a_to_b_lane.i.eq(self.a.tx_data),
            self.b.rx_data.eq(a_to_b_lane.o),
            self.b.rx_ready.eq(a_to_b_lane.ready),
            b_to_a_lane.i.eq(self.b.tx_data),
            self.a.rx_data.eq(b_to_a_lane.o),
            self.a.rx_ready.eq(b_to_a_lane.ready),
        ]
