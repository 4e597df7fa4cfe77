"""lab.yaml `history.url`: a PostgreSQL URL for the lab's shared history, never with a password.

The password comes from where libpq looks for it (PGPASSWORD, ~/.pgpass, a service file), so
lab.yaml can be committed and copied between hosts. `url_problem` says what is wrong with a URL
without repeating it (it may hold the very password it refuses); `shown_url` is the URL as
messages and reports print it.
"""
from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

SCHEMES = ("postgresql", "postgres")


def url_problem(url: object) -> str | None:
    """Why `url` cannot be the history's URL, or None."""
    if not isinstance(url, str) or not url.strip():
        return "expected a postgresql:// URL (e.g. postgresql://sailbench_writer@db.lab:5432/sailbench)"
    try:
        parts = urlsplit(url.strip())
        password = parts.password
        query = parse_qs(parts.query)
    except ValueError:
        return "expected a postgresql:// URL (e.g. postgresql://sailbench_writer@db.lab:5432/sailbench)"
    if parts.scheme not in SCHEMES:
        return (f"expected a URL starting postgresql:// (found scheme '{parts.scheme or '(none)'}'); "
                "without history.url the history is the SQLite file history.path")
    if password is not None or "password" in query:
        return ("the URL holds a password: remove it from lab.yaml and give it through PGPASSWORD, "
                "~/.pgpass or a libpq service file (?service=NAME)")
    return None


def shown_url(url: str) -> str:
    """The URL without anything after a ':' in its user part (there is none once checked)."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return parts._replace(netloc=netloc).geturl()
