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
