"""The DRAM line tests' view of main RAM: bus words by controller-word address, counted, batched.

Writes are queued and go out with the next read (harness/transport/batch.py): one round trip
per read, which also checks the writes before it; `flush` confirms trailing writes. A client
whose transport cannot batch gets each access at once (the unit tests' models of miswired DRAM).
"""
from __future__ import annotations

from sailbench.harness.transport.batch import ReadOp, WriteOp


class LineBus:
    """Bus words of main_ram by controller-word address, counting accesses."""

    def __init__(self, client, wiring):
        self.client, self.w = client, wiring
        self.accesses = 0
        self.ops: list[WriteOp] = []
        self.transact = getattr(getattr(client, "transport", None), "transact", None)

    def addr(self, native: int, word: int = 0) -> int:
        return self.w.base + native * self.w.word_bytes + 4 * word

    def write(self, native: int, words: list[int]) -> None:
        self._write(self.addr(native), words)
        self.accesses += len(words)

    def write_word(self, native: int, word: int, value: int) -> None:
        """One 32-bit word of a burst: a masked burst write."""
        self._write(self.addr(native, word), [value])
        self.accesses += 1

    def _write(self, addr: int, words: list[int]) -> None:
        if self.transact is None:
            self.client.write_words(addr, words)
        else:
            self.ops.append(WriteOp(addr, tuple(words)))

    def read(self, native: int, count: int) -> list[int]:
        self.accesses += count
        if self.transact is None:
            return self.client.read_words(self.addr(native), count)
        ops, self.ops = self.ops, []
        return self.transact(ops + [ReadOp(self.addr(native), count)])[-1]

    def flush(self) -> None:
        if self.ops:
            ops, self.ops = self.ops, []
            self.transact(ops)
