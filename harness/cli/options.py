"""The options several `sailbench` commands share (one declaration and one help text each) and the
argparse types that check option values before anything starts."""
from __future__ import annotations

import argparse
import dataclasses
import math
from pathlib import Path
from typing import Callable

from sailbench.harness.errors import ConfigError


def size(text: str) -> int:
    """A byte count: 65536, 0x1000, 64K, 1M, 1MiB."""
    units = {"k": 1 << 10, "m": 1 << 20, "g": 1 << 30}
    t = text.strip().lower().removesuffix("ib").removesuffix("b")
    try:
        if t and t[-1] in units:
            return int(float(t[:-1]) * units[t[-1]])
        return int(t, 0)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a size (examples: 65536, 64K, 1M)") from None


def number(kind: type, low: float, what: str, *, inclusive: bool = True) -> Callable[[str], float]:
    """An argparse `type=`: a finite `kind` (int or float) >= low (or > low), else argparse's error."""
    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"'{text}' is not {'an integer' if kind is int else 'a number'}") \
                from None
        if not math.isfinite(value) or value < low or (not inclusive and value == low):
            raise argparse.ArgumentTypeError(f"'{text}': {what}")
        return value
    return parse


count = number(int, 1, "must be at least 1")
count0 = number(int, 0, "must be 0 or more")
seconds = number(float, 0, "must be a number of seconds > 0", inclusive=False)
seconds0 = number(float, 0, "must be a number of seconds >= 0")


def ddr_length(text: str) -> int:
    n = size(text)
    if n <= 0 or n & (n - 1):
        raise argparse.ArgumentTypeError(f"'{text}': the DDR length must be a power of two number of bytes "
                                         "(e.g. 64K, 1M)")
    return n


def ddr_base(text: str) -> int:
    n = size(text)
    if n < 0:
        raise argparse.ArgumentTypeError(f"'{text}': the DDR base must be 0 or more")
    return n


def clock_list(text: str) -> list[int]:
    from sailbench.harness.run.sweep import parse_clocks
    try:
        return parse_clocks(text)
    except ConfigError as e:
        raise argparse.ArgumentTypeError(str(e).removeprefix("--clocks: ")) from None


def patterns(text: str) -> tuple[str, ...]:
    from sailbench.harness.probes.ddr import PATTERNS
    names = tuple(x.strip() for x in text.split(",") if x.strip())
    unknown = [x for x in names if x not in PATTERNS]
    if unknown or not names:
        what = f"unknown pattern '{unknown[0]}'" if unknown else "no pattern given"
        raise argparse.ArgumentTypeError(f"{what}; use a comma list of {', '.join(PATTERNS)}")
    twice = sorted({x for x in names if names.count(x) > 1})
    if twice:
        raise argparse.ArgumentTypeError(f"pattern '{twice[0]}' given twice; each pattern is measured once "
                                         "(the repeats are --repeats)")
    return names


def frame_bytes(text: str) -> int:
    n = number(int, 2, "a frame carries at least one 2-byte word")(text)
    if n % 2:
        raise argparse.ArgumentTypeError(f"'{text}': the lane probe sends 2-byte words; use an even size")
    return n


# -- the shared options ----------------------------------------------------------------------------------
def board(p: argparse.ArgumentParser, *, required: bool = False) -> None:
    p.add_argument("--board", required=required,
                   help="board name from lab.yaml" + ("" if required else " (default: lab.yaml default_board)"))


def constants(p: argparse.ArgumentParser) -> None:
    p.add_argument("--constants", type=Path, help="Spanker bandwidth.rs to read the constants from "
                                                  "(default: lab.yaml scheduler.bandwidth_rs, else pinned rev-A values)")


def results_dir(p: argparse.ArgumentParser) -> None:
    p.add_argument("--results-dir", type=Path, help="where results/<run-id>.json go (default: lab.yaml results.dir); the "
                                                   "history moves with it unless lab.yaml sets history.path")


def apply_results_dir(args: argparse.Namespace, lab):
    """The lab with --results-dir as its results directory (so the history, when lab.yaml does not set
    history.path, moves with it); a --results-dir that is, or lies under, a file is refused naming it."""
    wanted = getattr(args, "results_dir", None)
    if wanted is None:
        return lab
    for folder in (wanted, *wanted.parents):
        if folder.exists():
            if not folder.is_dir():
                where = "is a file" if folder == wanted else f"is under {folder}, which is a file"
                raise ConfigError(f"--results-dir {wanted} {where}, not a directory",
                                  hint="give a directory (it is created if missing)")
            break
    return dataclasses.replace(lab, results_dir=wanted)


def lock_wait(p: argparse.ArgumentParser) -> None:
    p.add_argument("--lock-wait", type=seconds0, help="seconds to wait for a board another run holds "
                                                      "(default: lab.yaml locks.wait_s)")


def no_history(p: argparse.ArgumentParser) -> None:
    p.add_argument("--no-history", action="store_true",
                   help="do not record this run in the history database (and compare nothing)")


def allow_timing_fail(p: argparse.ArgumentParser) -> None:
    p.add_argument("--allow-timing-fail", action="store_true",
                   help="accept a bitstream whose clocks fail timing (still printed and recorded)")


def ddr_length_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--ddr-length", type=ddr_length, default=1 << 20,
                   help="bytes per DDR pass, power of two (default 1M)")


def check_together(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Options that are only wrong together (argparse's usage line and one error line, exit 2)."""
    length, base = getattr(args, "ddr_length", None), getattr(args, "ddr_base", None)
    if length and base is not None and base % length:
        parser.error(f"argument --ddr-base: 0x{base:x} must be aligned to the DDR length {length} "
                     f"(a multiple of 0x{length:x})")


def progress(message: str) -> None:
    """Every command's progress lines: stdout, flushed (a pipe or a log file sees them as they come)."""
    print(message, flush=True)
