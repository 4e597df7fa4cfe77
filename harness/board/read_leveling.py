"""Read leveling as LiteX's BIOS does it (liblitedram/sdram.c, sdram_read_leveling), pure over a
small `LevelingTarget` interface so it runs against a model of the read window as well as against
the ECP5DDRPHY (harness/board/dram_init.py, `Ecp5ReadLeveling`): per byte lane, every bitslip x
every read delay is scored; the best bitslip wins and the delay is set to the centre of its widest
working window, then checked.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Callable, Protocol


class LevelingTarget(Protocol):
    modules: int
    delays: int
    bitslips: int

    def reset_delay(self, module: int) -> None: ...
    def inc_delay(self, module: int) -> None: ...
    def reset_bitslip(self, module: int) -> None: ...
    def inc_bitslip(self, module: int) -> None: ...
    def errors(self, module: int) -> int: ...          # over all seeds at the current setting
    def max_errors(self) -> int: ...                   # worst possible errors() (score weighting)


@dataclass
class ModuleLeveling:
    module: int
    bitslip: int
    delay: int
    window: tuple[int, int] | None          # widest working delay range at the chosen bitslip
    scan: dict[int, list[int]] = field(default_factory=dict)   # bitslip -> errors per delay
    verified: bool = False

    def to_dict(self) -> dict:
        d = asdict(self)
        d["scan"] = {str(k): v for k, v in self.scan.items()}
        return d


def widest_window(errors: list[int]) -> tuple[int, int] | None:
    """Widest run of zero-error delays, as (first, last); None if no delay works."""
    best: tuple[int, int] | None = None
    start = None
    for i, e in enumerate(errors + [1]):
        if e == 0 and start is None:
            start = i
        elif e != 0 and start is not None:
            if best is None or (i - 1 - start) > (best[1] - best[0]):
                best = (start, i - 1)
            start = None
    return best


def _score(errors: list[int], max_errors: int, delays: int) -> int:
    """sdram.c sdram_read_leveling_scan_module: any working delay outweighs every failing one."""
    return sum((max_errors * delays if e == 0 else 0) + (max_errors - min(e, max_errors)) for e in errors)


def _set(target: LevelingTarget, module: int, bitslip: int, delay: int) -> None:
    target.reset_bitslip(module)
    for _ in range(bitslip):
        target.inc_bitslip(module)
    target.reset_delay(module)
    for _ in range(delay):
        target.inc_delay(module)


def read_leveling(target: LevelingTarget, progress: Callable[[str], None] = lambda m: None,
                  retries: int = 8) -> list[ModuleLeveling]:
    """The BIOS's sdram_read_leveling: per module, scan bitslips x delays, keep the best bitslip,
    centre the delay in its widest working window and check it."""
    results = []
    for m in range(target.modules):
        scan: dict[int, list[int]] = {}
        target.reset_bitslip(m)
        for b in range(target.bitslips):
            target.reset_delay(m)
            row = []
            for _d in range(target.delays):
                row.append(target.errors(m))
                target.inc_delay(m)
            scan[b] = row
            progress(f"  m{m}, b{b:02d}: |{''.join('1' if e == 0 else '0' for e in row)}|")
            if b < target.bitslips - 1:
                target.inc_bitslip(m)
        scores = {b: _score(row, target.max_errors(), target.delays) for b, row in scan.items()}
        best = max(scores, key=lambda b: (scores[b], -b))       # first best, as the BIOS's strict '>'
        window = widest_window(scan[best])
        delay = (window[0] + window[1]) // 2 if window else 0
        res = ModuleLeveling(m, best, delay, window, scan)
        for _ in range(retries if window else 0):
            _set(target, m, best, delay)
            if target.errors(m) == 0:
                res.verified = True
                break
        if not window:
            _set(target, m, best, delay)
        progress(f"  best: m{m}, b{best:02d}, delay {delay}" + (f" (window {window[0]}..{window[1]})" if window
                                                          else " (NO WORKING DELAY)"))
        results.append(res)
    return results
