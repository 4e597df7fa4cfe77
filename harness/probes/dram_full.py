"""Full-size DRAM BIST: every byte of the memory written and checked, with progress.

`sailbench bringup --full` runs it after the line tests: the lines can all be
right while cells are not (a weak module, refresh, supply). The BIST
generator writes and the checker reads back the whole memory (128 MiB on the
Versa-ECP5) in chunks, so the host can print progress and say which chunk
failed. The rate is the bytes over the window timers' cycles (hardware
counters), not host time; the host time is reported next to it.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable

from sailbench.harness.units import mb_per_s

CHUNK_BYTES = 8 << 20


@dataclass
class FullBistResult:
    size: int
    chunk: int
    write_cycles: int = 0
    read_cycles: int = 0
    sys_clk_hz: float = 0.0
    errors: int = 0
    bad_chunks: list[tuple[int, int]] = field(default_factory=list)    # (base, errors)
    wall_s: float = 0.0

    @property
    def write_rate(self) -> float:
        return self.size * self.sys_clk_hz / self.write_cycles if self.write_cycles else 0.0

    @property
    def read_rate(self) -> float:
        return self.size * self.sys_clk_hz / self.read_cycles if self.read_cycles else 0.0

    def summary(self) -> str:
        rates = (f"{self.size >> 20} MiB written at {mb_per_s(self.write_rate)} MB/s and read back at "
                 f"{mb_per_s(self.read_rate)} MB/s (hardware cycles; {self.wall_s:.1f} s on the host)")
        if not self.errors:
            return f"{rates}, 0 errors"
        where = ", ".join(f"0x{b:08x}..+{self.chunk >> 20} MiB: {e}" for b, e in self.bad_chunks[:8])
        return f"{rates}; {self.errors} bad words ({where})"

    def to_record(self, board: str) -> dict:
        return {"probe": "dram_full", "board": board, "bytes": self.size, "chunk_bytes": self.chunk,
                "write_cycles": self.write_cycles, "read_cycles": self.read_cycles, "sys_clk_hz": self.sys_clk_hz,
                "write_rate_bytes_per_s": self.write_rate, "read_rate_bytes_per_s": self.read_rate,
                "errors": self.errors, "bad_chunks": [list(c) for c in self.bad_chunks],
                "wall_s": round(self.wall_s, 2)}


def full_bist(probe, progress: Callable[[str], None] = print, chunk: int = CHUNK_BYTES,
              size: int | None = None) -> FullBistResult:
    """Write then check `size` bytes (default: all of the DRAM) chunk by chunk with the BIST."""
    size = size or probe.size
    chunk = min(chunk, size)
    result = FullBistResult(size=size, chunk=chunk, sys_clk_hz=probe.sys_clk_hz)
    t0 = time.monotonic()
    for base in range(0, size, chunk):
        w, r = probe.write_read(chunk, base, "sequential", raise_on_errors=False)
        result.write_cycles += w.cycles
        result.read_cycles += r.cycles
        if r.errors:
            result.errors += r.errors
            result.bad_chunks.append((base, r.errors))
        done = base + chunk
        progress(f"      {done >> 20}/{size >> 20} MiB ({100 * done // size} %), "
            f"{result.errors} errors, {time.monotonic() - t0:.0f} s")
    result.wall_s = time.monotonic() - t0
    return result
