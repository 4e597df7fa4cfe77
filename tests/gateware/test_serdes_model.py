"""The SerDes lane model's knobs, word by word: latency, bit errors, cut, late lock."""
from migen import run_simulation

from sailbench.gateware.sim_models.serdes_model import SerDesLaneModel, SerDesLinkModel

WIDTH = 20


def drive_and_record(lane, cycles, actions=None):
    """Feed i = word index (distinct words), record (i, o, ready) every cycle."""
    trace = []

    def process():
        for cycle in range(cycles):
            if actions and cycle in actions:
                yield from actions[cycle]()
            yield lane.i.eq(cycle + 1)
            yield
            trace.append(((yield lane.i), (yield lane.o), (yield lane.ready)))

    run_simulation(lane, process())
    return trace


def delivered(trace, latency):
    """(word sent, word received) pairs, aligned by the lane's latency."""
    return [(trace[n][0], trace[n + latency][1], trace[n + latency][2]) for n in range(len(trace) - latency)]


def test_lane_delivers_words_after_latency():
    lane = SerDesLaneModel(WIDTH, latency=3)
    pairs = delivered(drive_and_record(lane, 40), 3)
    assert all(sent == got and ready for sent, got, ready in pairs[2:])


def test_lane_flips_every_nth_word_and_one_word_at_an_index():
    lane = SerDesLaneModel(WIDTH, latency=1, error_every=8, error_at=21, error_mask=0b101)
    trace = drive_and_record(lane, 60)
    pairs = delivered(trace, 1)
    flipped = [n for n, (sent, got, _) in enumerate(pairs) if got != sent]
    assert all(got == sent ^ 0b101 for n, (sent, got, _) in enumerate(pairs) if n in flipped)
    # words counts from 0 at reset; the first record is word 1 (the lane saw word 0 = reset value)
    every = [n for n in flipped if n != 20]
    assert every == list(range(every[0], 59, 8)) and len(every) >= 6
    assert 20 in flipped                       # word index 21 = the 21st record after reset


def test_cut_delivers_nothing_and_lock_restarts_after_it():
    lane = SerDesLaneModel(WIDTH, latency=1, lock_delay=5, slip=3)

    def cut():
        yield lane.cut.eq(1)

    def reconnect():
        yield lane.cut.eq(0)

    trace = drive_and_record(lane, 60, {20: cut, 30: reconnect})
    pairs = delivered(trace, 1)
    # Late lock: not ready and words slipped by 3 bits for the first lock_delay cycles.
    assert not any(ready for _, _, ready in pairs[:3])
    assert pairs[2][1] == ((pairs[1][0] | pairs[2][0] << WIDTH) >> 3) & (2**WIDTH - 1)
    assert all(sent == got and ready for sent, got, ready in pairs[6:19])
    # Cut: zeros, not ready; then lock_delay cycles of slipped words again.
    assert all(got == 0 and not ready for _, got, ready in pairs[21:29])
    assert not any(ready for _, _, ready in pairs[30:34])
    assert all(sent == got and ready for sent, got, ready in pairs[37:])


def test_link_model_cross_connects_two_endpoints():
    link = SerDesLinkModel(WIDTH, latency=2)
    seen = []

    def process():
        for cycle in range(10):
            yield link.a.tx_data.eq(0x100 + cycle)
            yield link.b.tx_data.eq(0x200 + cycle)
            yield
            seen.append(((yield link.b.rx_data), (yield link.a.rx_data)))

    run_simulation(link, process())
    assert seen[5] == (0x100 + 3, 0x200 + 3)          # each way, two cycles late
