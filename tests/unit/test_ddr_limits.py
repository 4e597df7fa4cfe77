"""Physical limits in the LOCAL_DDR verdict."""
from sailbench.harness.judge.constants import LOCAL_DDR
from sailbench.harness.judge.ddr_limits import DdrLimit, limit_from_manifest, reachability, with_reachability
from sailbench.harness.judge.verdict import judge

VERSA = DdrLimit(data_width=16, transfers_per_s=300e6, max_transfers_per_s=800e6)


def test_two_gb_on_x16_is_optimistic_even_at_800_mts():
    assert reachability(VERSA, 2.0e9, 0.9) == \
        "optimistic even at the physical limit: x16 at 800 MT/s = 1.6 GB/s < 2.0 GB/s"


def test_a_reachable_constant_says_which_rate_it_needs():
    # 1.0 GB/s at 90 % on x16: 1e9 / 2 / 0.9 = 555.6 MT/s
    assert reachability(VERSA, 1.0e9, 0.9).startswith("reachable at a faster DDR clock: needs >= 556 MT/s")
    assert reachability(VERSA, 0.5e9, 0.9) == "reachable at the build's DDR clock"
    assert "needs 889 MT/s" in reachability(VERSA, 1.6e9, 0.9)   # under peak, over the limit at 90 %


def test_verdict_message_gets_the_sentence_only_when_optimistic():
    v = judge(LOCAL_DDR, 2.0e9, 500e6, 0.1, 0.5)
    v2 = with_reachability(v, VERSA, 0.83)
    assert v2.message.endswith("x16 at 800 MT/s = 1.6 GB/s < 2.0 GB/s") and v2.verdict == v.verdict
    held = judge(LOCAL_DDR, 500e6, 500e6, 0.1, 0.5)
    assert with_reachability(held, VERSA, 0.83) is held
    assert with_reachability(v, None, 0.83) is v


def test_limit_from_manifest():
    assert limit_from_manifest({"data_width": 16, "transfers_per_s": 300_000_000,
                                "max_transfers_per_s": 800_000_000}) == VERSA
    assert limit_from_manifest({"data_width": 16, "transfers_per_s": 300_000_000}) is None
