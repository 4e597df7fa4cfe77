"""Packaging: one import root, `sailbench.*`, that cannot collide with other installed packages.

- pyproject.toml's `[tool.setuptools] packages` is exactly the package directories (those with
  `__init__.py`) under harness/, gateware/ and fixtures/, named `sailbench.<dotted path>`, and
  `package-dir` maps the three roots to those folders. A package missing from the list would be
  left out of a (non-editable) install.
- Installed names cannot collide: with stand-in top-level packages `fixtures`, `harness` and
  `gateware` first on the path (as PyPI's `fixtures`, a testtools dependency, or `harness`
  would install them), `import fixtures` / `import harness` give the stand-ins while
  `sailbench.*` still imports from this checkout, and pytest still loads sailbench's plugin
  through its `pytest11` entry point (`pytest --help` lists `--board`).
"""
import json
import os
import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CODE_DIRS = ("harness", "gateware", "fixtures")


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def _packages_in_tree() -> set[str]:
    found = set()
    for top in CODE_DIRS:
        for init in (ROOT / top).rglob("__init__.py"):
            if "__pycache__" not in init.parts:
                found.add(".".join(("sailbench", *init.parent.relative_to(ROOT).parts)))
    return found


def test_packages_list_is_the_tree():
    listed = _pyproject()["tool"]["setuptools"]["packages"]
    tree = _packages_in_tree()
    assert len(listed) == len(set(listed)), f"pyproject.toml lists a package twice: {sorted(listed)}"
    missing, extra = sorted(tree - set(listed)), sorted(set(listed) - tree)
    assert not missing, ("pyproject.toml [tool.setuptools] packages lacks (add it, then "
                         "`.venv/bin/pip install -q -e . --no-deps`): " + ", ".join(missing))
    assert not extra, ("pyproject.toml [tool.setuptools] packages names directories without "
                       "__init__.py: " + ", ".join(extra))


def test_package_dir_maps_the_three_roots():
    assert _pyproject()["tool"]["setuptools"]["package-dir"] == {f"sailbench.{d}": d for d in CODE_DIRS}


def _env_with_standins(tmp_path: Path) -> dict[str, str]:
    for name in ("fixtures", "harness", "gateware"):
        pkg = tmp_path / "standins" / name
        pkg.mkdir(parents=True)
        (pkg / "__init__.py").write_text(f'STANDIN = "{name}"\n')
    env = {k: v for k, v in os.environ.items() if k not in ("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "PYTEST_ADDOPTS")}
    env["PYTHONPATH"] = str(tmp_path / "standins")
    return env


def test_standin_packages_do_not_shadow_sailbench(tmp_path):
    env = _env_with_standins(tmp_path)
    script = textwrap.dedent("""
        import json
        import fixtures, harness, gateware
        import sailbench.harness.cli, sailbench.fixtures.plugin, sailbench.gateware.profiles
        print(json.dumps({
            "fixtures": getattr(fixtures, "STANDIN", None),
            "harness": getattr(harness, "STANDIN", None),
            "gateware": getattr(gateware, "STANDIN", None),
            "cli": sailbench.harness.cli.__file__,
            "plugin": sailbench.fixtures.plugin.__file__,
            "profiles": sailbench.gateware.profiles.__file__,
        }))
    """)
    # cwd outside the checkout: from its root, `import harness` would find the folder itself.
    out = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, out.stderr
    got = json.loads(out.stdout)
    assert (got["fixtures"], got["harness"], got["gateware"]) == ("fixtures", "harness", "gateware")
    assert Path(got["cli"]) == ROOT / "harness" / "cli" / "__init__.py"
    assert Path(got["plugin"]) == ROOT / "fixtures" / "plugin.py"
    assert Path(got["profiles"]) == ROOT / "gateware" / "profiles" / "__init__.py"


def test_pytest_loads_the_plugin_beside_standins(tmp_path):
    env = _env_with_standins(tmp_path)
    # -p no:labgrid as pyproject's addopts (not read here: the rootdir is tmp_path); labgrid's
    # plugin only costs seconds of imports.
    out = subprocess.run([sys.executable, "-m", "pytest", "--help", "-p", "no:cacheprovider", "-p", "no:labgrid"],
                         cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert "--board" in out.stdout, "sailbench's pytest plugin did not load through its pytest11 entry point"
    assert "--placement" in out.stdout
