"""Batched bus access: many writes and a few reads with one check, not one round trip each.

A step that writes many registers (DFII commands, MDIO bit-banging, the PHY's
delay taps) queues them in a `CsrBatch`; `run()` hands the whole list to the
transport's `transact`, which sends the writes without confirming each and
waits only where an answer is needed:

- UARTBone: writes go out back to back; each read waits for its answer before
  anything else is sent (the bridge has no receive FIFO: bytes arriving while it
  sends a reply are lost), and a batch ending in writes ends with one fence read.
  So a batch costs one round trip per read burst (+1 if it ends with writes).
- Etherbone: write packets are posted; consecutive reads go in one record, with
  the SoC's write counter read alongside to prove every posted word landed.

Adjacent single-word writes in address order are merged into one burst.
`ImmediateBatch` runs the same calls one by one on anything with
`write(name, value)` / `read(name)` (a client without `transact`).
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class WriteOp:
    addr: int                  # byte address of the first word
    words: tuple[int, ...]
    fixed: bool = False        # every word to `addr` (UARTBone's fixed-address burst)

    @property
    def end(self) -> int:
        return self.addr + (4 if self.fixed else 4 * len(self.words))


@dataclass(frozen=True)
class ReadOp:
    addr: int
    count: int


class Pending:
    """A read's value, known after the batch has run."""

    def __init__(self, join, what: str):
        self._join, self._what, self._words = join, what, None

    def _set(self, words: list[int]) -> None:
        self._words = words

    @property
    def value(self) -> int:
        if self._words is None:
            raise RuntimeError(f"read of {self._what} used before its batch ran")
        return self._join(self._words)


class CsrBatch:
    """Register writes and reads by name, run as one transaction."""

    def __init__(self, client):
        self.client = client
        self.regmap = client.regmap
        self.ops: list[WriteOp | ReadOp] = []
        self._pending: list[tuple[int, Pending | None]] = []    # per ReadOp

    def write(self, name: str, value: int) -> None:
        reg = self.regmap.register(name)
        words = tuple(self.regmap.split_value(value, reg.size))
        last = self.ops[-1] if self.ops else None
        if isinstance(last, WriteOp) and not last.fixed and last.end == reg.addr:
            self.ops[-1] = WriteOp(last.addr, last.words + words)
        else:
            self.ops.append(WriteOp(reg.addr, words))

    def write_repeated(self, name: str, values: list[int]) -> None:
        """Successive values of one single-word register (a fixed-address burst)."""
        reg = self.regmap.register(name)
        if values:
            self.ops.append(WriteOp(reg.addr, tuple(values), fixed=True))

    def read(self, name: str) -> Pending:
        reg = self.regmap.register(name)
        p = Pending(self.regmap.join_words, name)
        self.ops.append(ReadOp(reg.addr, reg.size))
        self._pending.append((0, p))
        return p

    def read_span(self, names: list[str]) -> dict[str, Pending]:
        """Several registers in one burst from the lowest to the highest address (what lies
        between is read too: use it only where reading has no side effect)."""
        regs = sorted((self.regmap.register(n) for n in names), key=lambda r: r.addr)
        start, end = regs[0].addr, max(r.end for r in regs)
        op = ReadOp(start, (end - start) // 4)
        self.ops.append(op)
        out = {}
        for r in regs:
            off = (r.addr - start) // 4
            out[r.name] = Pending(lambda w, off=off, size=r.size: self.regmap.join_words(w[off:off + size]), r.name)
        self._pending.append((-1, out))
        return out

    def run(self, *, confirm: bool = True) -> None:
        """Send everything; reads are answered when this returns. `confirm` ends a batch of
        writes with a check that the board took them."""
        if not self.ops:
            return
        ops, pending = self.ops, self._pending
        self.ops, self._pending = [], []          # a failed batch is not sent again by the next run
        results = self.client.transport.transact(ops, confirm=confirm)
        for (kind, p), words in zip(pending, results):
            if kind == 0:
                p._set(words)
            else:
                for each in p.values():
                    each._set(words)


class ImmediateBatch:
    """CsrBatch's calls done at once through `write(name, value)` / `read(name)` (each write
    as the client confirms it: no batching without `transact`)."""

    def __init__(self, csr):
        self.csr = csr

    def write(self, name: str, value: int) -> None:
        self.csr.write(name, value)

    def write_repeated(self, name: str, values: list[int]) -> None:
        for v in values:
            self.csr.write(name, v)

    def read(self, name: str) -> Pending:
        p = Pending(lambda w: w[0], name)
        p._set([self.csr.read(name)])
        return p

    def read_span(self, names: list[str]) -> dict[str, Pending]:
        return {n: self.read(n) for n in names}

    def run(self, *, confirm: bool = True) -> None:
        pass


def batch_for(csr) -> CsrBatch | ImmediateBatch:
    """A CsrBatch when `csr` is a CsrClient whose transport can transact, else an ImmediateBatch."""
    transport = getattr(csr, "transport", None)
    if hasattr(transport, "transact") and hasattr(csr, "regmap"):
        return CsrBatch(csr)
    return ImmediateBatch(csr)


def run_sequentially(transport, ops: list[WriteOp | ReadOp], *, confirm: bool = True) -> list[list[int]]:
    """`transact` for a transport with only read/write: each op in turn, the last write confirmed."""
    results: list[list[int]] = []
    last_write = max((i for i, op in enumerate(ops) if isinstance(op, WriteOp)), default=-1)
    for i, op in enumerate(ops):
        if isinstance(op, ReadOp):
            results.append(transport.read(op.addr, op.count))
        elif op.fixed:
            for j, w in enumerate(op.words):
                transport.write(op.addr, [w], confirm=confirm and i == last_write and j == len(op.words) - 1)
        else:
            transport.write(op.addr, list(op.words), confirm=confirm and i == last_write)
    return results
