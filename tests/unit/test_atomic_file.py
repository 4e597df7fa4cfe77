"""harness/atomic_file.py: whole-file replacement readable by the group and others."""
from __future__ import annotations

import os
import stat

from sailbench.harness.atomic_file import replace_file


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_replaced_file_is_0644_under_umask_022(tmp_path):
    old = os.umask(0o022)
    try:
        path = replace_file(tmp_path / "results.json", "{}")
    finally:
        os.umask(old)
    assert _mode(path) == 0o644
    assert path.read_text() == "{}"


def test_umask_is_respected(tmp_path):
    old = os.umask(0o077)
    try:
        path = replace_file(tmp_path / "report.html", "<p>")
    finally:
        os.umask(old)
    assert _mode(path) == 0o600


def test_no_temporary_file_left_behind(tmp_path):
    replace_file(tmp_path / "a.txt", "one")
    replace_file(tmp_path / "a.txt", "two")
    assert [p.name for p in tmp_path.iterdir()] == ["a.txt"]
    assert (tmp_path / "a.txt").read_text() == "two"
