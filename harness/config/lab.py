"""lab.yaml: which boards the bench knows, how to reach them, how to judge.

    lab = load_lab(find_lab(None))      # $SAILBENCH_LAB, ./lab.yaml, then the repository's

YAML is loaded in loading.py and nowhere else, with a loader that rejects duplicate keys and keeps each
key's line. Every value is checked on load (validation.py, sections.py); a problem is a `ConfigError`
naming the file, the dotted key (`boards.versa-ecp5.serial`), its line, what was expected and what was
found. Unknown keys are errors so typos do not pass silently. Relative paths are resolved against the
directory of lab.yaml. The records are in records.py.
"""
from __future__ import annotations

import dataclasses
import os
from pathlib import Path

from sailbench.harness.config.loading import ENV_LAB, load_yaml
from sailbench.harness.config.records import JudgementConfig, HistoryConfig, LabgridConfig, Lab, LocksConfig
from sailbench.harness.config.sections import (TOP_KEYS, boards_section, history_section, judgement_section,
                                               locks_section, pair_places_are_their_own, pairs_section,
                                               relative_path, single_value)
from sailbench.harness.config.validation import SectionReader, check_coordinator, check_name, check_text
from sailbench.harness.paths import REPO_ROOT

REPO_LAB = REPO_ROOT / "lab.yaml"


def load_lab(path: Path | str) -> Lab:
    """Load and validate lab.yaml; raises ConfigError on any problem."""
    path = Path(path)
    r = SectionReader(path)
    data = load_yaml(path)
    if data is None:
        raise r.error("the file is empty; expected a mapping with at least 'boards'", None)
    top = r.mapping(data, "", TOP_KEYS)
    base = path.parent
    boards = boards_section(r, top)
    default_board = r.get(top, "", "default_board", check_name, "sim")
    if "default_board" in top and default_board not in boards:
        raise r.error(f"default board {default_board!r} is not defined; boards: "
                      f"{', '.join(sorted(boards))}", "default_board", top.lines["default_board"])
    judgement = judgement_section(r, top["judgement"], top.lines["judgement"]) if "judgement" in top \
        else JudgementConfig()
    rs = single_value(r, top, "scheduler", "bandwidth_rs", check_text, None)
    results_dir = single_value(r, top, "results", "dir", check_text, "results")
    history = history_section(r, top["history"], top.lines["history"], base) if "history" in top else HistoryConfig()
    locks = locks_section(r, top["locks"], top.lines["locks"], base) if "locks" in top else LocksConfig()
    labgrid = LabgridConfig(coordinator=single_value(r, top, "labgrid", "coordinator", check_coordinator, None))
    if "labgrid" in top:     # each board's place knows the coordinator it is on
        boards = {name: b if b.labgrid is None else dataclasses.replace(
                      b, labgrid=dataclasses.replace(b.labgrid, coordinator=labgrid.coordinator))
                  for name, b in boards.items()}
    if "loader" in top:
        lo = r.mapping(top["loader"], "loader", ("openfpgaloader",), top.lines["loader"])
        exe = r.get(lo, "loader", "openfpgaloader", check_text, None)
        exe = str(relative_path(base, exe)) if exe is not None and "/" in exe else exe
        boards = {name: dataclasses.replace(b, openfpgaloader=exe) for name, b in boards.items()}
    pairs = pairs_section(r, top["pairs"], top.lines["pairs"], boards) if "pairs" in top else {}
    pair_places_are_their_own(r, top, boards, pairs)
    boards = lane_rates_from_pairs(r, boards, pairs, top.lines["pairs"] if "pairs" in top else 0)
    return Lab(path=path, boards=boards, judgement=judgement,
               constants_path=relative_path(base, rs) if rs is not None else None,
               results_dir=relative_path(base, results_dir), default_board=default_board,
               history=history, locks=locks, pairs=pairs, labgrid=labgrid)


def lane_rates_from_pairs(r: SectionReader, boards: dict, pairs: dict, line: int) -> dict:
    """Each board of a hardware pair builds its lanes at the pair's line_rate (one rate per board)."""
    rates: dict[str, tuple[float, str]] = {}
    for name, pair in sorted(pairs.items()):
        for board in pair.boards if not pair.kind.simulated else ():
            if board in rates and rates[board][0] != pair.line_rate:
                raise r.error(f"board '{board}' is in pair '{rates[board][1]}' at {rates[board][0]:g} Gb/s and in "
                              f"pair '{name}' at {pair.line_rate:g} Gb/s; its bitstream runs its lanes at one rate",
                              f"pairs.{name}.line_rate", line)
            rates[board] = (pair.line_rate, name)
    return {n: dataclasses.replace(b, lane_line_rate=rates[n][0]) if n in rates else b for n, b in boards.items()}


def find_lab(explicit: str | None) -> Path:
    """lab.yaml to use: the explicit path, else $SAILBENCH_LAB, else ./lab.yaml, else the repo's."""
    if explicit:
        return Path(explicit).expanduser().absolute()
    env = os.environ.get(ENV_LAB)
    if env:
        return Path(env).expanduser().absolute()
    here = Path.cwd() / "lab.yaml"
    if here.is_file():
        return here
    return REPO_LAB
