"""What both history backends share: the schema's version and how a newer one is refused.

The schema is one design kept in two dialects (history_sqlite.py, history_postgres.py): the same
tables and columns at every version, so a run reads the same from either and
`sailbench history import` copies rows one to one.

Version 3 (many writers): `runs.complete` is 1 only once the writer recorded the whole run (in the
transaction that stamps its end), and readers count complete runs only; `records.record_key` (the
record's id in its results file, "r3") is unique per run, so a retried write stores nothing twice;
`health.host` says which bench PC checked the board.
"""
from __future__ import annotations

from sailbench.harness.errors import HistoryError

SCHEMA_VERSION = 3


def newer_schema(where: str, version: int, key: str) -> HistoryError:
    return HistoryError(f"{where} has schema {version}, newer than this sailbench's {SCHEMA_VERSION}; "
                        f"update sailbench or point {key} elsewhere")
