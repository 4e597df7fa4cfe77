"""CsrClient: the SoC's registers by name over a bus transport.

The transport (UartBone, EtherboneLink, anything with the `BusTransport`
shape below) moves 32-bit words at byte addresses; the register map says
where each register lives and how many words it spans (see regmap.py for
LiteX's word order). Bursts are how the link stays fast: `read_many` reads
a set of registers in one burst per run of adjacent registers.
"""
from __future__ import annotations

import struct
from typing import Iterable, Protocol

from sailbench.harness.transport.regmap import WORD_BYTES, Register, RegisterMap


class BusTransport(Protocol):
    name: str

    def read(self, addr: int, count: int = 1) -> list[int]: ...

    def write(self, addr: int, data: list[int]) -> None: ...

    def close(self) -> None: ...


class CsrClient:
    def __init__(self, transport: BusTransport, regmap: RegisterMap, board: str | None = None):
        self.transport = transport
        self.regmap = regmap
        self.board = board

    # --- registers -------------------------------------------------------------

    def register(self, name: str) -> Register:
        return self.regmap.register(name)

    def read(self, name: str) -> int:
        """A register's value, its words combined (most significant word first)."""
        reg = self.regmap.register(name)
        return self.regmap.join_words(self.transport.read(reg.addr, reg.size))

    def write(self, name: str, value: int, **kwargs) -> None:
        """Write a register (all its words, in address order, in one burst).

        Keyword arguments go to the transport (`confirm=False` for a write the
        SoC may not answer after, e.g. ctrl_reset)."""
        reg = self.regmap.register(name)
        if not reg.writable:
            raise ValueError(f"register '{name}' is read-only (type 'ro' in csr.json)")
        if not isinstance(value, int) or value < 0 or value >> (32 * reg.size):
            raise ValueError(f"value {value!r} does not fit register '{name}' "
                             f"({32 * reg.size} bits)")
        self.transport.write(reg.addr, self.regmap.split_value(value, reg.size), **kwargs)

    def read_many(self, names: Iterable[str]) -> dict[str, int]:
        """Several registers, one burst per run of adjacent ones (one burst if
        they are contiguous). Returns {name: value} in the order asked."""
        names = list(dict.fromkeys(names))
        regs = sorted((self.regmap.register(n) for n in names), key=lambda r: r.addr)
        values: dict[str, int] = {}
        for run in _runs(regs):
            start = run[0].addr
            end = max(r.end for r in run)
            words = self.transport.read(start, (end - start) // WORD_BYTES)
            for reg in run:
                offset = (reg.addr - start) // WORD_BYTES
                values[reg.name] = self.regmap.join_words(words[offset:offset + reg.size])
        return {n: values[n] for n in names}

    def base(self, name: str) -> int:
        """Byte address of CSR region `name`."""
        return self.regmap.base(name)

    # --- raw words and memories ------------------------------------------------

    def read_words(self, addr: int, count: int) -> list[int]:
        return self.transport.read(addr, count)

    def write_words(self, addr: int, words: list[int], **kwargs) -> None:
        self.transport.write(addr, list(words), **kwargs)

    def read_memory_bytes(self, name: str, offset: int = 0, length: int | None = None) -> bytes:
        """Bytes of memory region `name` (csr.json `memories`), little-endian
        within each 32-bit word as a LiteX Wishbone memory stores them."""
        mem = self.regmap.memory(name)
        if length is None:
            length = mem.size - offset
        if offset < 0 or length < 0 or offset + length > mem.size:
            raise ValueError(f"bytes {offset}..{offset + length} are outside memory "
                             f"'{name}' ({mem.size} bytes)")
        if length == 0:
            return b""
        first = (mem.base + offset) & ~3
        last = mem.base + offset + length
        count = (last - first + 3) // 4
        words = self.transport.read(first, count)
        raw = struct.pack(f"<{count}I", *words)
        skip = mem.base + offset - first
        return raw[skip:skip + length]

    def read_csr_string(self, base_name: str = "identifier_mem", max_len: int = 256) -> str:
        """A NUL-terminated string from a CSR-mapped byte memory, one character
        per 32-bit word in its low byte (how LiteX maps `identifier_mem`; cf.
        litex/tools/litex_client.py, `dump_identifier`). Read in one burst."""
        words = self.transport.read(self.regmap.base(base_name), max_len)
        chars = bytes(w & 0xFF for w in words)
        return chars.split(b"\0", 1)[0].decode("utf-8", errors="replace")

    def read_identifier(self) -> str:
        """The SoC identifier string (`identifier_mem`)."""
        return self.read_csr_string("identifier_mem")

    def close(self) -> None:
        self.transport.close()


def _runs(regs: list[Register]) -> list[list[Register]]:
    """Group address-sorted registers into runs with no gap between them."""
    runs: list[list[Register]] = []
    for reg in regs:
        if runs and reg.addr <= max(r.end for r in runs[-1]):
            runs[-1].append(reg)
        else:
            runs.append([reg])
    return runs
