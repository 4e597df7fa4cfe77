"""harness/record/history_schema.py: the one schema version both backends share, and the refusal of a
history written by a newer sailbench. On PostgreSQL: tests/history/test_history_postgres.py."""
import sqlite3

import pytest

from sailbench.harness.errors import HistoryError
from sailbench.harness.record import history_postgres, history_sqlite
from sailbench.harness.record.history import History
from sailbench.harness.record.history_schema import SCHEMA_VERSION, newer_schema


def test_both_backends_migrate_to_the_shared_version():
    assert len(history_sqlite.MIGRATIONS) == SCHEMA_VERSION
    assert len(history_postgres.MIGRATIONS) == SCHEMA_VERSION


def test_the_refusal_names_where_both_versions_and_the_key_to_change():
    e = newer_schema("history database /r/history.sqlite", SCHEMA_VERSION + 1, "history.path")
    assert isinstance(e, HistoryError)
    assert str(e) == (f"history database /r/history.sqlite has schema {SCHEMA_VERSION + 1}, newer than this "
                      f"sailbench's {SCHEMA_VERSION}; update sailbench or point history.path elsewhere")


def test_a_newer_sqlite_file_is_refused_in_one_line(tmp_path):
    path = tmp_path / "history.sqlite"
    History(path).close()
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 6}")
    db.commit()
    db.close()
    with pytest.raises(HistoryError) as info:
        History(path)
    assert f"has schema {SCHEMA_VERSION + 6}, newer than" in str(info.value) and "history.path" in str(info.value)
    assert "\n" not in str(info.value)
