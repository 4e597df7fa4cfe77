"""Write a file whole or not at all: a temporary file beside it, then rename.

Results and reports are rewritten while a run goes on; a reader (or a crash)
must only ever see the previous or the new complete file."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path


def replace_file(path: Path, text: str, fsync: bool = False) -> Path:
    """Raises OSError; callers turn it into their layer's error."""
    tmp: str | None = None
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            if fsync:
                f.flush()
                os.fsync(f.fileno())
        os.replace(tmp, path)
        tmp = None
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass
    return path
