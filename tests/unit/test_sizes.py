"""Size limits: no module over 400 lines in harness/ and gateware/, no function over 80 lines in
harness/ (gateware's migen modules build their logic in `__init__`, as LiteX's own cores do, so
gateware functions are not counted). A module or function past its limit is split by job."""
import ast
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 80


def _modules(package: str) -> list[Path]:
    return sorted(p for p in (REPO / package).rglob("*.py") if "__pycache__" not in p.parts)


def test_no_module_over_400_lines_in_harness_and_gateware():
    long = {str(p.relative_to(REPO)): n for package in ("harness", "gateware") for p in _modules(package)
            if (n := len(p.read_text().splitlines())) > MAX_MODULE_LINES}
    assert long == {}


def test_no_function_over_80_lines_in_harness():
    long = {}
    for path in _modules("harness"):
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                lines = node.end_lineno - node.lineno + 1
                if lines > MAX_FUNCTION_LINES:
                    long[f"{path.relative_to(REPO)}:{node.lineno} {node.name}"] = lines
    assert long == {}
