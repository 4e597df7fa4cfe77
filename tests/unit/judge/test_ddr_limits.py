"""Physical limits in the LOCAL_DDR verdict."""
from sailbench.gateware.build.manifest import DramInfo, DramPhy
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


def _dram(**kw) -> DramInfo:
    phy = DramPhy(phytype="ECP5DDRPHY", memtype="DDR3", databits=16, dfi_databits=32, nphases=2, rdphase=1,
                  wrphase=0, cl=6, cwl=5, modules=2, read_leveling=True, write_leveling=False, delays=8, bitslips=4)
    return DramInfo(module="MT41K64M16", memtype="DDR3", data_width=16, ratio=2, transfers_per_s=300_000_000,
                    peak_bytes_per_s=600_000_000, bist_word_bytes=16, size_bytes=128 << 20, main_ram_base=0x40000000,
                    phy=phy, init_sequence=(), **kw)


def test_limit_from_manifest():
    assert limit_from_manifest(_dram(max_transfers_per_s=800_000_000)) == VERSA
    assert limit_from_manifest(_dram()) is None
    assert limit_from_manifest(None) is None
