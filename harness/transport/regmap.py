"""The SoC's register map, read from the `csr.json` LiteX writes at build time.

`csr.json` (litex/soc/integration/export.py, `get_csr_json`) holds four tables:

- `csr_bases`: CSR region name -> byte address of its first register
  (`identifier_mem`, a CSR-mapped memory, appears only here);
- `csr_registers`: register name -> `{addr, size, type}`, `addr` a byte
  address on the SoC bus, `size` in CSR words, `type` "rw" or "ro";
- `constants`: lower-cased `add_constant` / `add_config` values (int, str or
  null), e.g. `config_csr_data_width`, `config_clock_frequency`;
- `memories`: region name -> `{base, size, type}` (bytes).

Word layout. sailbench builds with csr_data_width 32 and csr_alignment 32,
so every CSR word is one 32-bit bus word at a 4-byte stride
(export.py: `region_origin += alignment//8*_size`). A register wider than 32
bits spans `size` consecutive words, and with LiteX's default
`csr_ordering="big"` (soc.py, `SoC.__init__`) the word at the lowest address
holds the most significant bits (csr.py, `CSRStatus.do_finalize` /
`CSRStorage.do_finalize` iterate `reversed(range(nwords))`). Checked on a
generated SoC: a 64-bit `CSRStatus` at 0x1000 reads bits [63:32] at 0x1000
and [31:0] at 0x1004. A multi-word `CSRStorage` takes its new value when its
last (least significant) word is written, so write all words in address
order; a multi-word `CSRStatus` is read word by word, not atomically.
csr.json does not record the ordering; `RegisterMap.ordering` says which one
is assumed.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sailbench.harness.errors import ConfigError, UnknownNameError

WORD_BYTES = 4
CSR_DATA_WIDTH = 32
ORDERINGS = ("big", "little")


@dataclass(frozen=True)
class Register:
    """One CSR: `addr` is a byte address, `size` a count of 32-bit words."""

    name: str
    addr: int
    size: int
    type: str  # "rw" or "ro"

    @property
    def end(self) -> int:
        """Byte address just past the register."""
        return self.addr + WORD_BYTES * self.size

    @property
    def writable(self) -> bool:
        return self.type != "ro"


@dataclass(frozen=True)
class Memory:
    """A bus memory region: `base` and `size` in bytes."""

    name: str
    base: int
    size: int
    type: str


@dataclass(frozen=True)
class RegisterMap:
    registers: dict[str, Register]
    bases: dict[str, int] = field(default_factory=dict)
    constants: dict[str, Any] = field(default_factory=dict)
    memories: dict[str, Memory] = field(default_factory=dict)
    path: str | None = None
    ordering: str = "big"

    @classmethod
    def from_json(cls, path: str | Path, *, ordering: str = "big") -> "RegisterMap":
        """Load `csr.json`. `ordering` is the SoC's csr_ordering (LiteX default "big")."""
        p = str(path)
        try:
            text = Path(path).read_text()
        except OSError as e:
            raise ConfigError(f"cannot read the register map: {e.strerror}; build the "
                              "gateware first (it writes csr.json)", path=p) from e
        try:
            data = json.loads(text)
        except json.JSONDecodeError as e:
            raise ConfigError(f"not valid JSON (line {e.lineno}: {e.msg}); is this a "
                              "LiteX csr.json?", path=p) from e
        return cls.from_dict(data, path=p, ordering=ordering)

    @classmethod
    def from_dict(cls, data: Any, *, path: str | None = None,
                  ordering: str = "big") -> "RegisterMap":
        if ordering not in ORDERINGS:
            raise ConfigError(f"csr ordering must be one of {ORDERINGS}, got {ordering!r}",
                              path=path, key="ordering")
        if not isinstance(data, dict):
            raise ConfigError("expected a JSON object with csr_bases, csr_registers, "
                              "constants and memories", path=path)
        for key in ("csr_registers", "csr_bases", "constants", "memories"):
            if not isinstance(data.get(key, {}), dict):
                raise ConfigError(f"expected an object, got {type(data[key]).__name__}",
                                  path=path, key=key)
        if "csr_registers" not in data:
            raise ConfigError("missing 'csr_registers'; is this a LiteX csr.json?", path=path)

        constants = dict(data.get("constants", {}))
        for const, wanted in (("config_csr_data_width", CSR_DATA_WIDTH),
                              ("config_csr_alignment", CSR_DATA_WIDTH)):
            got = constants.get(const, wanted)
            if got != wanted:
                raise ConfigError(f"sailbench talks to SoCs built with {const[7:]}={wanted}, "
                                  f"this build has {got}; rebuild the gateware with the "
                                  "default CSR layout", path=path, key=f"constants.{const}")

        registers = {}
        for name, entry in data["csr_registers"].items():
            key = f"csr_registers.{name}"
            addr = _int_field(entry, "addr", path, key)
            size = _int_field(entry, "size", path, key)
            if addr % WORD_BYTES or size < 1:
                raise ConfigError(f"addr 0x{addr:x} must be 4-byte aligned and size {size} "
                                  ">= 1 word", path=path, key=key)
            rtype = entry.get("type", "rw")
            if rtype not in ("rw", "ro"):
                raise ConfigError(f"type must be 'rw' or 'ro', got {rtype!r}",
                                  path=path, key=key)
            registers[name] = Register(name, addr, size, rtype)

        bases = {}
        for name, addr in data.get("csr_bases", {}).items():
            if isinstance(addr, bool) or not isinstance(addr, int):
                raise ConfigError(f"expected an integer address, got {addr!r}",
                                  path=path, key=f"csr_bases.{name}")
            bases[name] = addr

        memories = {}
        for name, entry in data.get("memories", {}).items():
            key = f"memories.{name}"
            memories[name] = Memory(name, _int_field(entry, "base", path, key),
                                    _int_field(entry, "size", path, key),
                                    str(entry.get("type", "")))
        return cls(registers, bases, constants, memories, path, ordering)

    # --- lookups ---------------------------------------------------------------

    def register(self, name: str) -> Register:
        try:
            return self.registers[name]
        except KeyError:
            raise UnknownNameError("register", name, list(self.registers), path=self.path) from None

    def constant(self, name: str) -> Any:
        """A constant's value; names are lower case in csr.json, any case is accepted."""
        try:
            return self.constants[name.lower()]
        except KeyError:
            raise UnknownNameError("constant", name, list(self.constants), path=self.path) from None

    def memory(self, name: str) -> Memory:
        try:
            return self.memories[name.lower()]
        except KeyError:
            raise UnknownNameError("memory", name, list(self.memories), path=self.path) from None

    def base(self, name: str) -> int:
        """Byte address of CSR region `name` (e.g. "ctrl", "identifier_mem")."""
        try:
            return self.bases[name]
        except KeyError:
            raise UnknownNameError("CSR base", name, list(self.bases), path=self.path) from None

    def names(self, prefix: str = "") -> list[str]:
        """Register names (optionally those starting with `prefix`), in address order."""
        regs = sorted(self.registers.values(), key=lambda r: r.addr)
        return [r.name for r in regs if r.name.startswith(prefix)]

    def __contains__(self, name: object) -> bool:
        return name in self.registers

    # --- word <-> value --------------------------------------------------------

    def join_words(self, words: list[int]) -> int:
        """Combine one register's words (in address order) into its value."""
        ordered = words if self.ordering == "big" else list(reversed(words))
        value = 0
        for w in ordered:
            value = (value << CSR_DATA_WIDTH) | (w & 0xFFFF_FFFF)
        return value

    def split_value(self, value: int, size: int) -> list[int]:
        """Split `value` into `size` words in address order."""
        words = [(value >> (CSR_DATA_WIDTH * i)) & 0xFFFF_FFFF for i in range(size)]
        return list(reversed(words)) if self.ordering == "big" else words


def _int_field(entry: Any, key: str, path: str | None, where: str) -> int:
    value = entry.get(key) if isinstance(entry, dict) else None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ConfigError(f"'{key}' must be a non-negative integer, got {value!r}",
                          path=path, key=where)
    return value
