"""Test modules have unique basenames: pytest's default import mode imports each by its basename, and two
equal names in different folders stop the whole collection ("import file mismatch")."""
from collections import Counter
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]


def test_test_module_basenames_are_unique():
    names = Counter(p.name for p in TESTS.rglob("*.py") if p.name != "conftest.py" and p.name != "__init__.py")
    assert not [n for n, c in names.items() if c > 1]
