"""Exit statuses: distinct for the commands, the nightly's as bits that sum without colliding, and
the module docstring's table agrees with the constants."""
from sailbench.harness import exit_codes as ec


def test_command_statuses_are_distinct_and_the_docstring_lists_them():
    statuses = {"OK": ec.EXIT_OK, "FAILED": ec.EXIT_FAILED, "ERROR": ec.EXIT_ERROR,
                "NO_BOARD": ec.EXIT_NO_BOARD, "INTERRUPTED": ec.EXIT_INTERRUPTED}
    assert len(set(statuses.values())) == len(statuses)
    for name, value in statuses.items():
        assert f"{value:<4} {name}" in ec.__doc__, name


def test_nightly_bits_are_single_bits_that_never_sum_to_error():
    bits = [ec.NIGHTLY_VERDICTS, ec.NIGHTLY_MEASUREMENT, ec.NIGHTLY_INFRASTRUCTURE]
    assert all(b and b & (b - 1) == 0 for b in bits) and len(set(bits)) == 3
    sums = {a | b for a in [0, *bits] for b in [0, *bits]} | {sum(bits)}
    assert ec.EXIT_ERROR not in sums    # 'could not run at all' stays distinguishable
