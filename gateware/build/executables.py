"""Where a console script installed with the project is: the venv's bin/ beside this Python first
(a venv used without activating it has no PATH entry), then $PATH. LiteX-free, for host code too."""
from __future__ import annotations

import shutil
import sys
from pathlib import Path


def beside_python_or_on_path(name: str) -> str | None:
    """The executable `name` beside this Python's interpreter, else on $PATH; None if neither."""
    beside = Path(sys.executable).parent / name
    return str(beside) if beside.is_file() else shutil.which(name)
