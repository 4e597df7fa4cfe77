"""Write a file whole or not at all: a temporary file beside it, then rename.

Results and reports are rewritten while a run goes on; a reader (or a crash)
must only ever see the previous or the new complete file. The file gets the mode a plain
open() would give it (0666 less the umask: 0644 under umask 022), so the web server or CI
user that publishes a report can read it; mkstemp alone would leave it 0600."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path


def _umask() -> int:
    """The process umask, read without changing it (Linux reports it in /proc)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)   # not thread-safe, so only where /proc has no answer
    os.umask(mask)
    return mask


def replace_file(path: Path, text: str, fsync: bool = False) -> Path:
    """Raises OSError; callers turn it into their layer's error."""
    tmp: str | None = None
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        os.fchmod(fd, 0o666 & ~_umask())
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
