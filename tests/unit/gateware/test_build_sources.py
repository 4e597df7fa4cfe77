"""Each target's build hash covers the gateware it is built from (gateware/build/build_info.py):
every glob of ECP5_SOURCES, SIM_SOURCES and PAIR_SOURCES matches a file, so a moved module is not
silently left out of the hash, and every gateware module the ECP5 and sim targets import (at
module or function level, directly or through other gateware modules) is hashed, but for the
modules that reach a build only through the profile record (itself a hash input) and the
simulation models a bitstream never instantiates."""
import ast
from pathlib import Path

import pytest

from sailbench.gateware.build.build_info import GATEWARE_DIR
from sailbench.gateware.targets.ecp5_options import ECP5_SOURCES
from sailbench.gateware.targets.sim_options import SIM_SOURCES
from sailbench.gateware.targets.sim_pair_options import PAIR_SOURCES

# They turn profile files into the BoardProfile record, and the record is hashed as an input.
PROFILE_READERS = {"profiles/profile_file.py", "profiles/profile_yaml.py", "profiles/positioned_yaml.py",
                   "profiles/profile_checks.py", "profiles/pin_map.py"}
# cores/lane_probe imports LaneFaults only on demand, for the simulated pair.
SIM_MODELS_ON_DEMAND = {"sim_models/__init__.py", "sim_models/lane_faults.py"}
# The pair is left out of the import check: it imports targets/sim.py for two clocker constants,
# which reaches the simulated board's DRAM and SGMII modules the pair does not build.
IMPORT_CHECKED = {"targets/ecp5.py": (ECP5_SOURCES, PROFILE_READERS | SIM_MODELS_ON_DEMAND),
                  "targets/sim.py": (SIM_SOURCES, PROFILE_READERS)}


def _hashed(sources: tuple[str, ...]) -> set[Path]:
    return {p for pattern in sources for p in GATEWARE_DIR.glob(pattern) if p.suffix in (".py", ".c")}


def _file_of(dotted: str) -> Path | None:
    path = GATEWARE_DIR.joinpath(*dotted.split(".")[2:])
    if (path / "__init__.py").is_file():
        return path / "__init__.py"
    return path.with_suffix(".py") if path.with_suffix(".py").is_file() else None


def _imported_files(path: Path) -> set[Path]:
    """The gateware files `path` imports, with the packages Python runs on the way."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("sailbench.gateware"):
            names.add(node.module)
            names.update(f"{node.module}.{a.name}" for a in node.names if _file_of(f"{node.module}.{a.name}"))
        elif isinstance(node, ast.Import):
            names.update(a.name for a in node.names if a.name.startswith("sailbench.gateware"))
    parts = [name.split(".") for name in names]
    return {f for p in parts for i in range(2, len(p) + 1) if (f := _file_of(".".join(p[:i])))}


def _import_closure(start: Path) -> set[Path]:
    seen: set[Path] = set()
    todo = [start]
    while todo:
        path = todo.pop()
        if path not in seen:
            seen.add(path)
            todo.extend(_imported_files(path))
    return seen


@pytest.mark.parametrize("sources", [ECP5_SOURCES, SIM_SOURCES, PAIR_SOURCES], ids=["ecp5", "sim", "simpair"])
def test_every_source_glob_matches_a_file(sources):
    assert [pattern for pattern in sources if not _hashed((pattern,))] == []


@pytest.mark.parametrize("target", sorted(IMPORT_CHECKED))
def test_every_module_a_target_imports_is_in_its_hash(target):
    sources, exempt = IMPORT_CHECKED[target]
    closure = _import_closure(GATEWARE_DIR / target)
    assert len(closure) > 20, "the import walk found too little to be trusted"
    missing = sorted(str(p.relative_to(GATEWARE_DIR)) for p in closure - _hashed(sources))
    assert [m for m in missing if m not in exempt] == []
