"""A PostgreSQL server for the whole session (tests/history/pg_server.py) and a fresh database per test.

tests/ goes on sys.path as pytest puts it there for tests/unit, so these tests write runs with the unit
tests' helper (`unit.fakes.history_runs`) whichever folder pytest collects first."""
import os
import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pg_server import PgServer, server_bin, start_server


@pytest.fixture(scope="session")
def pg_server():
    bin_dir = server_bin()
    if bin_dir is None:
        pytest.fail("PostgreSQL server binaries not found (/usr/lib/postgresql/*/bin/initdb): "
                    "scripts/setup.sh installs Debian's postgresql package")
    server = start_server(bin_dir)
    old = os.environ.get("PGPASSWORD")
    os.environ["PGPASSWORD"] = server.password      # as on a bench PC: libpq reads it, the URL has none
    try:
        yield server
    finally:
        if old is None:
            os.environ.pop("PGPASSWORD", None)
        else:
            os.environ["PGPASSWORD"] = old
        server.stop()


@pytest.fixture
def pg_url(pg_server: PgServer, request) -> str:
    """The URL of an empty database for this test."""
    name = "t_" + re.sub(r"[^a-z0-9]+", "_", request.node.name.lower())[:50]
    return pg_server.new_database(name)
