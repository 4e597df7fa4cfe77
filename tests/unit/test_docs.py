"""The documentation against the tree: module list, links, README length.

- docs/design.md's module list (the fenced block under "## Modules") names every module of
  harness/, gateware/ and fixtures/ (each `.py` file but `__init__.py`) and every package
  directory (one with `__init__.py`, written `dir/`), and everything it names exists.
- Every docs/*.md page is linked from README.md, and every relative link in README.md and
  docs/*.md resolves to a file or directory of the checkout (and, into a page, to one of its
  headings).
- Every repository path written in backticks (`harness/board/loader.py`, `tests/pair/`) and
  every dotted module (`sailbench.harness.run.pair.pod`) in README.md and docs/*.md exists.
- README.md stays short: at most 200 lines (the reference lives in docs/), and its first two
  sh blocks are the two commands.
"""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
README = ROOT / "README.md"
CODE_DIRS = ("harness", "gateware", "fixtures")
README_MAX_LINES = 200

_LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")


def _tree() -> set[str]:
    """Modules (`harness/steps.py`) and package directories (`harness/run/pair/`) of the code folders."""
    found: set[str] = set()
    for top in CODE_DIRS:
        for path in (ROOT / top).rglob("*.py"):
            if "__pycache__" in path.parts:
                continue
            rel = path.relative_to(ROOT)
            found.add(f"{rel.parent.as_posix()}/" if path.name == "__init__.py" else rel.as_posix())
    return found


def _design_modules() -> list[str]:
    """First word of each line in the fenced block(s) of design.md's "## Modules" section."""
    text = (DOCS / "design.md").read_text()
    section = re.search(r"^## Modules\n(.*?)(?=^## |\Z)", text, re.S | re.M)
    assert section, "docs/design.md has no '## Modules' section"
    listed: list[str] = []
    for block in re.findall(r"^```[^\n]*\n(.*?)^```", section.group(1), re.S | re.M):
        for line in block.splitlines():
            if line.strip() and not line[0].isspace():
                listed.append(line.split()[0])
    assert listed, "docs/design.md's '## Modules' section lists nothing"
    return listed


def _pages() -> list[Path]:
    return [README, *sorted(DOCS.glob("*.md"))]


def _links(page: Path) -> list[str]:
    text = re.sub(r"^```.*?^```", "", page.read_text(), flags=re.S | re.M)   # no links in code blocks
    return _LINK.findall(text)


def test_design_lists_every_module_of_the_tree():
    missing = sorted(_tree() - set(_design_modules()))
    assert not missing, ("docs/design.md's module list lacks (add one line each under '## Modules'): "
                         + ", ".join(missing))


def test_design_lists_only_modules_that_exist():
    listed = _design_modules()
    stale = sorted(p for p in listed if not p.startswith(CODE_DIRS) or p not in _tree())
    assert not stale, "docs/design.md's module list names what the tree does not have: " + ", ".join(stale)
    doubled = sorted({p for p in listed if listed.count(p) > 1})
    assert not doubled, "docs/design.md lists these twice: " + ", ".join(doubled)


def test_every_docs_page_is_linked_from_the_readme():
    linked = {(README.parent / target.split("#")[0]).resolve() for target in _links(README)}
    unlinked = [p.name for p in sorted(DOCS.glob("*.md")) if p.resolve() not in linked]
    assert not unlinked, "README.md does not link to docs/" + ", docs/".join(unlinked)


def _anchors(page: Path) -> set[str]:
    """GitHub's heading anchors: lower case, punctuation but '-' and '_' dropped, spaces to '-'."""
    text = re.sub(r"^```.*?^```", "", page.read_text(), flags=re.S | re.M)
    return {re.sub(r"[^\w\- ]", "", h.strip().lower()).replace(" ", "-")
            for h in re.findall(r"^#+ (.*)$", text, re.M)}


def test_every_relative_link_resolves():
    broken = []
    for page in _pages():
        for target in _links(page):
            if re.match(r"^[a-z][a-z0-9+.-]*:", target):
                continue     # http(s)://, mailto:
            path, _, anchor = target.partition("#")
            dest = page.parent / path if path else page
            if not dest.exists():
                broken.append(f"{page.relative_to(ROOT)} -> {target}")
            elif anchor and dest.suffix == ".md" and anchor not in _anchors(dest):
                broken.append(f"{page.relative_to(ROOT)} -> {target} (no such heading)")
    assert not broken, "broken relative links: " + "; ".join(broken)


# Paths the docs name on purpose although they do not exist (yet): the place a how-to tells you to create.
NOT_YET = {"gateware/platforms/"}
_PATH = re.compile(r"`((?:harness|gateware|fixtures|tests|scripts|benchmarks|docs|\.ci)/[\w/.\-]*)`")
_DOTTED = re.compile(r"\bsailbench\.((?:harness|gateware|fixtures)(?:\.\w+)*)")


def test_every_path_the_docs_name_exists():
    missing = []
    for page in _pages():
        text = page.read_text()
        for path in _PATH.findall(text):
            if path not in NOT_YET and not (ROOT / path).exists():
                missing.append(f"{page.relative_to(ROOT)}: {path}")
        for dotted in _DOTTED.findall(text):
            base = ROOT.joinpath(*dotted.split("."))
            if not (base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()):
                missing.append(f"{page.relative_to(ROOT)}: sailbench.{dotted}")
    assert not missing, "the docs name what the tree does not have: " + "; ".join(sorted(set(missing)))


def test_readme_is_short():
    lines = len(README.read_text().splitlines())
    assert lines <= README_MAX_LINES, (f"README.md has {lines} lines (at most {README_MAX_LINES}); "
                                       "move reference material into docs/")


def test_readme_gives_the_two_commands_first():
    blocks = re.findall(r"^```sh\n(.*?)^```", README.read_text(), re.S | re.M)
    assert [b.strip() for b in blocks[:2]] == [
        "./scripts/setup.sh && .venv/bin/sailbench bench --board sim",
        "./scripts/setup.sh && .venv/bin/pytest",
    ], "README.md's first two sh blocks must be the two commands, exactly"


_DOC_PATH = re.compile(r"(?<![\w/.])((?:harness|gateware|fixtures|tests|scripts|benchmarks|docs)/[\w/.\-]*\w/?)")


def _docstrings(path: Path) -> list[str]:
    import ast
    tree = ast.parse(path.read_text(), filename=str(path))
    nodes = [tree, *(n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef,
                                                                 ast.ClassDef)))]
    return [doc for doc in (ast.get_docstring(n) for n in nodes) if doc]


def test_every_path_a_docstring_names_exists():
    """A module path in a docstring (`harness/run/pair/phase.py`) is a place to read: it must exist, so
    docstrings never point at modules of an older layout."""
    missing = []
    for top in CODE_DIRS:
        for path in sorted((ROOT / top).rglob("*.py")):
            if "__pycache__" in path.parts:
                continue
            for doc in _docstrings(path):
                for named in _DOC_PATH.findall(doc):
                    named = named.rstrip(".")
                    module = re.sub(r"\.[A-Za-z_]\w*$", ".py", named)       # gateware/targets/sim_options.HOST_LINKS
                    if named not in NOT_YET and not (ROOT / named).exists() and not (ROOT / module).is_file():
                        missing.append(f"{path.relative_to(ROOT)}: {named}")
    assert not missing, "docstrings name paths the tree does not have: " + "; ".join(sorted(set(missing)))
