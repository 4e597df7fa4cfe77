"""A real PostgreSQL server for tests: Debian's `postgresql` binaries, initdb and pg_ctl in a temporary
folder, listening on 127.0.0.1 only (a free port) with its unix socket in that folder.

initdb refuses to run as root, so as root the server runs as `nobody` (the folder chowned to it).
The superuser has a password, given to clients through PGPASSWORD as a lab's bench PC would: the
URLs the tests use carry none. Started once per session (about 2 s), stopped and removed at the end.
"""
from __future__ import annotations

import glob
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

ADMIN = "sailbench_admin"
RUN_AS = "nobody"


def server_bin() -> Path | None:
    """The newest installed /usr/lib/postgresql/<major>/bin with initdb and pg_ctl."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[4]))
    return Path(found[-1]).parent if found else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class PgServer:
    root: Path
    bin: Path
    port: int
    password: str
    as_user: list[str]

    def url(self, database: str = "postgres", user: str = ADMIN) -> str:
        return f"postgresql://{user}@127.0.0.1:{self.port}/{database}"

    def env(self) -> dict[str, str]:
        """The environment a client process needs: the password, as libpq reads it."""
        return {**os.environ, "PGPASSWORD": self.password}

    def sql(self, statement: str, database: str = "postgres") -> list[tuple]:
        import psycopg
        with psycopg.connect(self.url(database), password=self.password, autocommit=True,
                             connect_timeout=10) as conn:
            cur = conn.execute(statement)
            return cur.fetchall() if cur.description else []

    def new_database(self, name: str) -> str:
        """A fresh, empty database; its URL (no password in it)."""
        self.sql(f'DROP DATABASE IF EXISTS "{name}"')
        self.sql(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        subprocess.run([*self.as_user, str(self.bin / "pg_ctl"), "-D", str(self.root / "data"), "-m", "immediate",
                        "-w", "-t", "30", "stop"], capture_output=True, timeout=60)
        shutil.rmtree(self.root, ignore_errors=True)


def start_server(bin_dir: Path) -> PgServer:
    root = Path(tempfile.mkdtemp(prefix="sailbench-pg-"))
    as_user: list[str] = []
    if os.geteuid() == 0:
        user = pwd.getpwnam(RUN_AS)
        os.chown(root, user.pw_uid, user.pw_gid)
        as_user = ["runuser", "-u", RUN_AS, "--"]
    password = secrets.token_hex(12)
    pwfile = root / "pw"
    pwfile.write_text(password + "\n")
    if as_user:
        os.chown(pwfile, pwd.getpwnam(RUN_AS).pw_uid, pwd.getpwnam(RUN_AS).pw_gid)
    done = subprocess.run([*as_user, str(bin_dir / "initdb"), "-D", str(root / "data"), "-U", ADMIN,
                           f"--pwfile={pwfile}", "--auth-local=trust", "--auth-host=scram-sha-256",
                           "-E", "UTF8", "--no-sync", "--no-instructions"],
                          capture_output=True, text=True, timeout=120, cwd=root)
    if done.returncode != 0:
        shutil.rmtree(root, ignore_errors=True)
        raise RuntimeError(f"initdb failed: {done.stderr.strip()}")
    for _ in range(5):          # another process may take the free port first: try another
        port = _free_port()
        options = (f"-c listen_addresses=127.0.0.1 -p {port} -k {root} -c fsync=off -c synchronous_commit=off "
                   "-c full_page_writes=off -c max_connections=40 -c shared_buffers=16MB")
        done = subprocess.run([*as_user, str(bin_dir / "pg_ctl"), "-D", str(root / "data"), "-l",
                               str(root / "log"), "-o", options, "-w", "-t", "60", "start"],
                              capture_output=True, text=True, timeout=120, cwd=root)
        if done.returncode == 0:
            return PgServer(root, bin_dir, port, password, as_user)
    log = (root / "log").read_text(errors="replace")[-2000:] if (root / "log").exists() else done.stderr
    shutil.rmtree(root, ignore_errors=True)
    raise RuntimeError(f"pg_ctl start failed: {log}")
