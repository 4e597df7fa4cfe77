"""Where a bench PC keeps the history's password (docs/history.md): never in lab.yaml, but in
PGPASSWORD (the other tests here), a password file (`~/.pgpass`, here named by PGPASSFILE) or a libpq
service file (`url: postgresql:///?service=NAME`, here named by PGSERVICEFILE). Each is tried through the
real CLI against the real server, with PGPASSWORD unset. Cost: about a second per test."""
import os

from history_cli import lab_file, sailbench


def without_password(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PGPASSWORD", "PGPASSFILE", "PGSERVICEFILE", "PGSERVICE")}
    return {**env, **extra}


def test_the_password_from_a_password_file(pg_url, pg_server, tmp_path):
    database = pg_url.rsplit("/", 1)[1]
    pgpass = tmp_path / "pgpass"
    pgpass.write_text(f"127.0.0.1:{pg_server.port}:{database}:sailbench_admin:{pg_server.password}\n")
    pgpass.chmod(0o600)                     # libpq ignores a password file others can read
    done = sailbench(lab_file(tmp_path, pg_url), "history", "info", env=without_password(PGPASSFILE=str(pgpass)))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"history {pg_url} (postgresql, schema ")
    refused = sailbench(lab_file(tmp_path, pg_url), "history", "info",
                        env=without_password(PGPASSFILE=str(tmp_path / "none")))
    assert refused.returncode == 2 and refused.stderr.count("\n") == 1 and "PGPASSWORD" in refused.stderr


def test_everything_from_a_service_file(pg_url, pg_server, tmp_path):
    database = pg_url.rsplit("/", 1)[1]
    service = tmp_path / "pg_service.conf"
    service.write_text(f"[sailbench]\nhost=127.0.0.1\nport={pg_server.port}\ndbname={database}\n"
                       f"user=sailbench_admin\npassword={pg_server.password}\n")
    url = "postgresql:///?service=sailbench"
    done = sailbench(lab_file(tmp_path, url), "history", "info", env=without_password(PGSERVICEFILE=str(service)))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"history {url} (postgresql, schema ")
    assert pg_server.password not in done.stdout + done.stderr
