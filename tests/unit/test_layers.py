"""The import graph of harness/: no cycles, dependencies point down the layer DAG only, and
host code never imports migen/LiteX (directly or through a gateware module that does).

Every `import` statement counts, at module level or inside a function or an `if TYPE_CHECKING:`
block: a cycle or an upward edge is a design problem even when Python would tolerate it.
"""
from __future__ import annotations

import ast
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
HARNESS = REPO / "harness"
FIXTURES = REPO / "fixtures"
GATEWARE = REPO / "gateware"
ROOT = "sailbench"

# Roots: small modules any layer may import. They import nothing from harness except errors.
ROOTS = frozenset({"errors", "exit_codes", "units", "timestamps", "paths", "atomic_file", "steps"})

# Each layer may import itself, the roots and the layers listed here (the DAG, bottom up).
LAYERS: dict[str, frozenset[str]] = {
    "config": frozenset(),
    "judge": frozenset({"config"}),
    "transport": frozenset({"config"}),
    "build": frozenset({"config"}),
    "sim": frozenset({"config", "build"}),
    "board": frozenset({"config", "transport", "build", "sim"}),
    "probes": frozenset({"config", "transport", "build", "board", "judge"}),
    "record": frozenset({"config", "judge"}),
    "report": frozenset({"config", "judge", "record"}),
}
LAYERS["run"] = frozenset(LAYERS)                      # everything below
LAYERS["cli"] = frozenset(LAYERS)                      # everything

# gateware modules host code may import: none of them imports migen or LiteX
# (test_gateware_whitelist_is_litex_free checks it by importing them).
LITEX_FREE_GATEWARE = frozenset({
    "sailbench.gateware",
    "sailbench.gateware.profiles",
    "sailbench.gateware.build.build_info",
    "sailbench.gateware.build.executables",
    "sailbench.gateware.build.manifest",
    "sailbench.gateware.targets.sim_options",
    "sailbench.gateware.targets.sim_pair_options",
    "sailbench.gateware.targets.ecp5_options",
    "sailbench.gateware.build.pnr_report",
    "sailbench.gateware.profiles.board_check",
    "sailbench.gateware.profiles.pin_map",
    "sailbench.gateware.profiles.ecp5_package",
    "sailbench.gateware.profiles.dram_jedec",
    "sailbench.gateware.profiles.lane_rates",
    "sailbench.gateware.profiles.positioned_yaml",
})
LITEX_PACKAGES = frozenset({"migen", "litex", "litedram", "liteeth", "liteiclink", "litex_boards"})


@dataclass(frozen=True)
class Edge:
    source: str       # importing module, dotted
    target: str       # imported module (or package), dotted
    path: Path
    line: int

    def where(self) -> str:
        return f"{self.path.relative_to(REPO)}:{self.line}"


def _module_name(path: Path, folder: Path, package: str) -> str:
    parts = list(path.relative_to(folder).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join([ROOT, package, *parts])


def _is_module(dotted: str) -> bool:
    """True if `dotted` (under sailbench.*) names a module or package in this checkout."""
    parts = dotted.split(".")
    if parts[0] != ROOT or len(parts) < 2:
        return False
    base = REPO / parts[1]
    rest = parts[2:]
    if not rest:
        return (base / "__init__.py").exists()
    target = base.joinpath(*rest)
    return target.with_suffix(".py").exists() or (target / "__init__.py").exists()


def _imports(path: Path, module: str) -> list[tuple[str, int]]:
    """Every module `path` imports (absolute dotted names), with line numbers. `from X import Y`
    counts as an import of X.Y when Y is a module of this checkout, else of X."""
    tree = ast.parse(path.read_text(), filename=str(path))
    is_package = path.name == "__init__.py"
    found: list[tuple[str, int]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((alias.name, node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")
                if not is_package:
                    base = base[:-1]
                base = base[: len(base) - (node.level - 1)]
                origin = ".".join(base + ([node.module] if node.module else []))
            else:
                origin = node.module or ""
            for alias in node.names:
                candidate = f"{origin}.{alias.name}"
                found.append((candidate if _is_module(candidate) else origin, node.lineno))
    return found


def _edges(folder: Path, package: str) -> list[Edge]:
    edges = []
    for path in sorted(folder.rglob("*.py")):
        module = _module_name(path, folder, package)
        for target, line in _imports(path, module):
            edges.append(Edge(module, target, path, line))
    return edges


HARNESS_EDGES = _edges(HARNESS, "harness")
HARNESS_MODULES = sorted({_module_name(p, HARNESS, "harness") for p in HARNESS.rglob("*.py")})


def layer_of(module: str) -> str | None:
    """The layer (or root) of a harness module; None for the harness package itself."""
    prefix = f"{ROOT}.harness."
    if not module.startswith(prefix):
        return None
    return module[len(prefix):].split(".")[0]


def _find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle (as a closed path) per strongly connected component with more than one node
    or a self-edge (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[list[str]] = []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1 or node in graph[node]:
                    components.append(component)
    cycles = []
    for component in components:
        members = set(component)
        first = min(component)
        # Breadth-first from `first` back to itself inside the component: a shortest cycle.
        previous: dict[str, str] = {}
        frontier = [first]
        closing = None
        while frontier and closing is None:
            following = []
            for node in frontier:
                for child in sorted(graph[node] & members):
                    if child == first:
                        closing = node
                        break
                    if child not in previous:
                        previous[child] = node
                        following.append(child)
                if closing is not None:
                    break
            frontier = following
        path = [first]
        node = closing
        while node is not None and node != first:
            path.append(node)
            node = previous[node]
        cycles.append([first, *reversed(path[1:]), first])
    return cycles


def _short(module: str) -> str:
    return module.removeprefix(f"{ROOT}.harness.")


def test_the_graph_sees_every_module_and_function_level_imports():
    assert f"{ROOT}.harness.cli" in HARNESS_MODULES
    assert len(HARNESS_MODULES) > 40
    # cli imports its runners inside functions; those edges must be seen.
    cli_targets = {e.target for e in HARNESS_EDGES if e.source.startswith(f"{ROOT}.harness.cli")}
    assert f"{ROOT}.harness.run.bench" in cli_targets


def test_cycle_finder_names_the_cycle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"d"}, "e": {"a"}}
    assert sorted(_find_cycles(graph)) == [["a", "b", "c", "a"], ["d", "d"]]


def test_no_import_cycles_between_harness_modules():
    graph: dict[str, set[str]] = {module: set() for module in HARNESS_MODULES}
    for edge in HARNESS_EDGES:
        if edge.target in graph and edge.target != edge.source:
            graph[edge.source].add(edge.target)
    cycles = _find_cycles(graph)
    assert not cycles, "import cycles in harness/:\n" + "\n".join(
        " -> ".join(_short(m) for m in cycle) for cycle in cycles)


def test_every_harness_module_is_in_a_known_layer():
    unknown = sorted({layer_of(m) for m in HARNESS_MODULES} - set(LAYERS) - ROOTS - {None})
    assert not unknown, f"harness modules outside the layer DAG (add them to LAYERS or ROOTS): {unknown}"


def _allowed(source_layer: str, target_layer: str) -> bool:
    if source_layer == target_layer or target_layer == "errors":
        return True
    if source_layer in ROOTS:
        return False
    return target_layer in ROOTS or target_layer in LAYERS[source_layer]


def test_imports_point_down_the_layer_dag():
    upward = []
    for edge in HARNESS_EDGES:
        source, target = layer_of(edge.source), layer_of(edge.target)
        if source is None or target is None or not edge.target.startswith(f"{ROOT}.harness."):
            continue
        if not _allowed(source, target):
            upward.append(f"{edge.where()}: {_short(edge.source)} ({source}) imports "
                          f"{_short(edge.target)} ({target})")
    assert not upward, "imports not allowed by the layer DAG:\n" + "\n".join(upward)


def test_host_code_never_imports_migen_or_litex():
    bad: list[str] = []
    for edge in HARNESS_EDGES + _edges(FIXTURES, "fixtures"):
        top = edge.target.split(".")[0]
        if top in LITEX_PACKAGES:
            bad.append(f"{edge.where()}: imports {edge.target}")
        elif edge.target.startswith(f"{ROOT}.gateware") and edge.target not in LITEX_FREE_GATEWARE:
            bad.append(f"{edge.where()}: imports {edge.target} (not in the LiteX-free whitelist)")
    assert not bad, "host code importing migen/LiteX:\n" + "\n".join(dict.fromkeys(bad))


def test_gateware_never_imports_the_harness_or_the_fixtures():
    """gateware/ is the bottom: the harness reads its LiteX-free modules, never the other way, so a
    build runs without the harness's dependencies (module- and function-level imports both count)."""
    edges = _edges(GATEWARE, "gateware")
    assert edges, "the import graph saw no gateware module"
    bad = [f"{e.where()}: imports {e.target}" for e in edges
           if e.target.startswith((f"{ROOT}.harness", f"{ROOT}.fixtures"))]
    assert not bad, "gateware importing host code:\n" + "\n".join(bad)


def test_gateware_whitelist_is_litex_free():
    """Import the whitelisted gateware modules and every harness module in a fresh Python:
    none of them may pull in migen or LiteX."""
    modules = sorted(m for m in LITEX_FREE_GATEWARE if _is_module(m)) + HARNESS_MODULES
    script = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        f"bad = sorted(m for m in sys.modules if m.split('.')[0] in {sorted(LITEX_PACKAGES)!r})\n"
        "print(' '.join(bad))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=120, cwd=REPO)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "", f"migen/LiteX loaded by host modules: {done.stdout.strip()}"


def _named_layers(text: str) -> set[str]:
    words = set(text.replace(",", " ").replace(".", " ").replace(";", " ").replace(")", " ").split())
    return {layer for layer in LAYERS if layer != "cli" and layer in words}


@pytest.mark.parametrize("layer", sorted(set(LAYERS) - {"cli"}))
def test_layer_docstring_agrees_with_the_dag(layer):
    """Each layer's __init__ docstring ends with "Imports: ... ." naming exactly its DAG entry."""
    doc = ast.get_docstring(ast.parse((HARNESS / layer / "__init__.py").read_text())) or ""
    assert "Imports: " in doc, f"harness/{layer}/__init__.py: no 'Imports: ...' sentence"
    sentence = doc.split("Imports: ", 1)[1].split(".")[0]
    assert "the roots" in sentence, f"harness/{layer}: the Imports sentence should name the roots"
    assert _named_layers(sentence) == set(LAYERS[layer]), (
        f"harness/{layer}/__init__.py says it imports {sorted(_named_layers(sentence))}, "
        f"the DAG in tests/unit/test_layers.py says {sorted(LAYERS[layer])}")


def test_harness_docstring_lists_every_layer_and_root():
    doc = ast.get_docstring(ast.parse((HARNESS / "__init__.py").read_text())) or ""
    words = set(doc.replace(",", " ").replace(".", " ").split())
    missing = sorted((set(LAYERS) - {"cli"}) - words) + sorted(ROOTS - words)
    assert not missing, f"harness/__init__.py does not mention {missing}"
