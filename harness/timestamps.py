"""Timestamps as sailbench writes them (results, lock holders, reports)."""
from __future__ import annotations

from datetime import datetime


def now_iso() -> str:
    """Local time with UTC offset, to the second."""
    return datetime.now().astimezone().isoformat(timespec="seconds")
