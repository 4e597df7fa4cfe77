"""The lane probe's receive pipeline (gateware/cores/lane_probe/rx.py), stage by stage.

The Up stage's error-window tests are registered one word ahead (`_error_window`) to keep the
word clock's paths short; here they are checked, every word of a simulated link with random
code/disparity errors (0-4 a word), against the plain formulas they replace:
    trips        = error_threshold != 0 and window_errs + nerr >= error_threshold
    window_full  = window_words >= error_window - 1
Cost: one migen simulation of a lane pair, about 1,500 words (15-25 s).
"""
from __future__ import annotations

import random

from migen.sim import run_simulation

from sailbench.gateware.cores.lane_probe import Stage

from test_lane_probe import LanePair, wait_up

WORDS = 1500


def _random_mask(rng: random.Random) -> int:
    """Most words clean; otherwise flip bits in one or both 10-bit code groups."""
    if rng.random() < 0.6:
        return 0
    return rng.getrandbits(20) | 1


def test_error_window_tests_match_the_formulas():
    dut = LanePair()
    rx = dut.b.rx
    window_words, window_errs, trips, window_full = rx.window
    seen = {"trips": set(), "full": set(), "nerr": set(), "up_words": 0, "errors": 0}
    rng = random.Random(21)

    def body():
        yield dut.b.error_window.storage.eq(8)
        yield dut.b.error_threshold.storage.eq(6)
        yield dut.b.error_hold.storage.eq(10)
        yield from wait_up(dut)
        lane = dut.link.a_to_b
        yield lane.error_every.eq(1)
        for word in range(WORDS):
            if word == WORDS // 2:
                yield dut.b.error_threshold.storage.eq(0)      # count, never trip
            yield lane.error_mask.eq(_random_mask(rng) if word % 200 < 120 else 0)
            yield
            if (yield rx.stage) != Stage.UP:
                continue
            threshold = yield rx.error_threshold
            nerr = 0
            for flag in (*rx.decoded.code_err, *rx.decoded.disp_err):
                nerr += yield flag
            errs, words = (yield window_errs), (yield window_words)
            want_trips = threshold != 0 and errs + nerr >= threshold
            want_full = words >= (yield rx.error_window) - 1
            assert (yield trips) == want_trips, f"word {word}: errs {errs} nerr {nerr} threshold {threshold}"
            assert (yield window_full) == want_full, f"word {word}: window_words {words}"
            seen["trips"].add(want_trips)
            seen["full"].add(want_full)
            seen["nerr"].add(nerr)
            seen["up_words"] += 1
        yield lane.error_every.eq(0)

    run_simulation(dut, body(), clocks={"sys": 10})
    print(f"checked {seen['up_words']} Up words, errors per word seen {sorted(seen['nerr'])}")
    assert seen["trips"] == {True, False} and seen["full"] == {True, False}
    assert seen["nerr"] >= {0, 1, 2}
