"""The lane fault bound: Poisson at the BER target, checked against sums computed here."""
import math

from sailbench.harness.judge.lane_faults import BER_TARGET, allowed_faults, payload_faults, prbs_faults


def _p_at_least(k: int, lam: float) -> float:
    return 1.0 - sum(math.exp(-lam) * lam ** i / math.factorial(i) for i in range(k))


def test_realistic_runs_allow_no_fault():
    assert allowed_faults(8e7) == 0          # 1000 frames of 1 KiB: mean 8e-5 faults at 1e-12
    assert allowed_faults(0) == 0


def test_bound_is_the_largest_plausible_count():
    for bits in (1e12, 5e12, 3e13):
        lam, k = bits * BER_TARGET, allowed_faults(bits)
        assert _p_at_least(k, lam) >= 0.01 > _p_at_least(k + 1, lam)


def test_messages_name_the_lane_and_the_count():
    rec = {"lane": 3, "direction": "downstream->upstream", "frames_sent": 10, "payload_bytes_per_frame": 256,
           "bytes": 2560, "frames": 10, "bad_frames": 1, "sequence_errors": 0}
    assert payload_faults(rec) == ["lane 3 downstream->upstream: 1 bad frames (CRC) in 10 frames, more than the 0 "
                                   "a BER of 1e-12 allows over 2.56e+04 line bits"]
    assert "no payload frames received (10 sent)" in payload_faults(rec | {"frames": 0})[0]
    assert prbs_faults({"lane": 0, "direction": "x", "bits": 1e6, "errors": 0, "lock_losses": 0}) == []


def test_the_bound_counts_the_line_bits_of_the_records_code():
    """64b/66b carries a byte in 8.25 line bits, 8b/10b in 10: the same payload is fewer line bits at 64b/66b."""
    rec = {"lane": 1, "direction": "x", "frames_sent": 10, "payload_bytes_per_frame": 2048, "bytes": 20480,
           "frames": 10, "bad_frames": 1, "sequence_errors": 0}
    assert payload_faults(rec)[0].endswith("over 2.05e+05 line bits")                          # 20480 B x 10
    assert payload_faults(rec | {"coding": "64b66b"})[0].endswith("over 1.69e+05 line bits")   # 20480 B x 8.25
