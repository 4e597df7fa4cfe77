"""The BIST address model against properties of LiteDRAM's generator (bit-exactness
itself is checked end to end on the board: predicted aliasing == checker errors)."""
from sailbench.harness.probes.bist_model import expected_alias_errors, lfsr_outputs, unique_words, word_addresses


def test_lfsr_is_31_bit_and_starts_from_reset_state_zero():
    out = lfsr_outputs(1000)
    assert all(0 <= x < 2 ** 31 for x in out)
    assert out[0] != 0               # XNOR feedback: the all-zero reset state is not a lock-up
    assert len(set(out)) == 1000     # no short cycle


def test_sequential_addresses_never_alias():
    assert word_addresses(8, False, 7) == list(range(8))
    assert expected_alias_errors(4096, False, 4095) == 0
    assert unique_words(4096, False, 4095) == 4096


def test_random_addresses_alias_like_a_birthday_problem():
    n = 4096
    alias = expected_alias_errors(n, True, n - 1)
    # sampling n of n slots with replacement leaves about n/e never drawn
    assert 0.2 * n < alias < 0.5 * n
    assert unique_words(n, True, n - 1) == n - alias
