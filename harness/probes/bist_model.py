"""Python reference model of LiteDRAM's BIST address generator.

In random-address mode the BIST draws word addresses from a PRBS31 LFSR
masked to the region, so some addresses repeat: a later write overwrites an
earlier one and the checker, expecting the earlier data there, counts an
error. Those are not DRAM faults. This model reproduces the generator bit
for bit (litedram/frontend/bist.py: LFSR(31, 31, taps=[27, 30]), XNOR
feedback, reset state 0, output = next state) so the probe can predict the
exact number of such aliasing mismatches and flag only the excess.
"""
from __future__ import annotations

MASK31 = (1 << 31) - 1


def lfsr_outputs(count: int) -> list[int]:
    """The first `count` outputs of the BIST's PRBS31 generator after reset."""
    out = []
    s = 0
    for _ in range(count):
        for _ in range(31):
            nv = 1 ^ (((s >> 27) ^ (s >> 30)) & 1)
            s = ((s << 1) | nv) & MASK31
        out.append(s)
    return out


def word_addresses(count: int, random_addr: bool, mask: int) -> list[int]:
    """Word offsets (from base) the BIST visits, in order."""
    if random_addr:
        return [o & mask for o in lfsr_outputs(count)]
    return [k & mask for k in range(count)]


def expected_alias_errors(count: int, random_addr: bool, mask: int) -> int:
    """Checker errors caused only by addresses written again later in the run."""
    addrs = word_addresses(count, random_addr, mask)
    last = {}
    for k, a in enumerate(addrs):
        last[a] = k
    return sum(1 for k, a in enumerate(addrs) if last[a] != k)


def unique_words(count: int, random_addr: bool, mask: int) -> int:
    return len(set(word_addresses(count, random_addr, mask)))
