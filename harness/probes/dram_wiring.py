"""How a build wired its DRAM, as the line tests need it: DQ width, burst size, row/column/bank
bits, main_ram's base and size, and each DDR subsignal's balls, from the build's dram_pins.json and
the manifest's DRAM record; harness/probes/dram_lines.py names a faulty line by ball and net with it."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from sailbench.harness.errors import BuildError

PINS_NAME = "dram_pins.json"


@dataclass(frozen=True)
class DramWiring:
    data_width: int             # DQ lines
    word_bytes: int             # one controller word = one burst
    rowbits: int
    colbits: int
    bankbits: int
    address_align: int          # low column bits a burst leaves at 0
    base: int                   # bus address of main_ram
    size: int                   # bytes
    pins: dict[str, list[str]] = field(default_factory=dict)
    simulated: bool = False

    @classmethod
    def from_build(cls, build_dir: Path, dram) -> "DramWiring":
        """From the build's dram_pins.json and the manifest's DRAM record."""
        path = Path(build_dir) / PINS_NAME
        try:
            data = json.loads(path.read_text())
            g = data["geometry"]
            return cls(data_width=int(dram.data_width), word_bytes=int(dram.bist_word_bytes),
                       rowbits=int(g["rowbits"]), colbits=int(g["colbits"]), bankbits=int(g["bankbits"]),
                       address_align=int(g["address_align"]), base=int(dram.main_ram_base),
                       size=int(dram.size_bytes), pins={k: list(v) for k, v in data.get("pins", {}).items()},
                       simulated=bool(data.get("simulated")))
        except FileNotFoundError:
            raise BuildError(f"{path}: missing; this build predates the DRAM line tests, rebuild it") from None
        except (ValueError, KeyError, TypeError) as e:
            raise BuildError(f"{path}: does not parse ({e}); rebuild") from None

    @property
    def words_per_burst(self) -> int:
        return self.word_bytes // 4

    @property
    def lanes(self) -> int:
        return self.data_width // 8

    def dq_of(self, word: int, bit: int) -> int:
        """DQ line carrying bit `bit` of 32-bit bus word `word` of a burst."""
        return (32 * word + bit) % self.data_width

    def net(self, sub: str, n: int) -> str:
        """'ball C2, net ddram_dq11' (or that the build has no pin for it)."""
        balls = self.pins.get(sub, [])
        ball = f"ball {balls[n]}" if n < len(balls) else "ball unknown (not in the platform's pin table)"
        return f"{ball}, net ddram_{sub}{n}"

    def nets(self, sub: str, ns: list[int]) -> str:
        balls = self.pins.get(sub, [])
        return (f"balls {' and '.join(balls[n] if n < len(balls) else '?' for n in ns)}, "
                f"nets {' and '.join(f'ddram_{sub}{n}' for n in ns)}")

    # controller word address bits
    @property
    def col_native_bits(self) -> int:
        return self.colbits - self.address_align

    def address_bits(self) -> list[tuple[str, int, str, int]]:
        """Per controller-address bit n: (kind, index, pin subsignal, pin number)."""
        out = []
        for i in range(self.col_native_bits):
            c = self.address_align + i
            if self.colbits > 10 and c >= 10:
                c += 1                   # A10 is auto-precharge on column commands
            out.append(("column", c, "a", c))
        out += [("bank", k, "ba", k) for k in range(self.bankbits)]
        out += [("row", r, "a", r) for r in range(self.rowbits)]
        return out
