"""Full-size DRAM BIST (bringup --full) over a fake BIST: chunks cover the memory, progress per chunk,
rates from cycles, bad chunks named."""
from types import SimpleNamespace

from sailbench.harness.probes.dram_full import full_bist


class FakeProbe:
    size, sys_clk_hz = 128 << 20, 75e6

    def __init__(self, bad_at=None):
        self.calls, self.bad_at = [], bad_at

    def write_read(self, length, base, pattern, raise_on_errors):
        self.calls.append((base, length, pattern, raise_on_errors))
        w = SimpleNamespace(cycles=length // 16)                  # 16 bytes per cycle
        r = SimpleNamespace(cycles=length // 16, errors=5 if base == self.bad_at else 0)
        return w, r


def test_the_whole_memory_in_chunks_with_progress_and_rates():
    probe, lines = FakeProbe(), []
    result = full_bist(probe, progress=lines.append)
    assert [c[0] for c in probe.calls] == list(range(0, 128 << 20, 8 << 20))
    assert all(c[1] == 8 << 20 and c[2] == "sequential" and c[3] is False for c in probe.calls)
    assert len(lines) == 16 and lines[-1].strip().startswith("128/128 MiB (100 %), 0 errors")
    assert result.write_rate == 16 * 75e6 and result.errors == 0
    assert result.summary().startswith("128 MiB written at 1200.0 MB/s and read back at 1200.0 MB/s")
    assert result.to_record("sim")["bytes"] == 128 << 20


def test_bad_chunks_are_named():
    result = full_bist(FakeProbe(bad_at=40 << 20), progress=lambda m: None)
    assert result.errors == 5 and result.bad_chunks == [(40 << 20, 5)]
    assert "5 bad words (0x02800000..+8 MiB: 5)" in result.summary()
