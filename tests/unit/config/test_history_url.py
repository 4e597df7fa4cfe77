"""lab.yaml history.url (harness/config/history_url.py): what is wrong with a URL, said without repeating
it, and the URL as messages print it. The same refusals through load_lab, with key and line:
tests/unit/record/test_history_postgres.py."""
import pytest

from sailbench.harness.config.history_url import shown_url, url_problem


@pytest.mark.parametrize("url", ["postgresql://sailbench_writer@db.lab:5432/sailbench",
                                 "postgres://w@db.lab/sailbench", "postgresql:///sailbench?service=lab",
                                 "  postgresql://w@db.lab/sailbench  "])
def test_urls_without_a_password_are_fine(url):
    assert url_problem(url) is None


@pytest.mark.parametrize("url", [None, "", "   ", 5432, ["postgresql://w@db"]])
def test_anything_but_a_non_empty_string_asks_for_a_url(url):
    assert url_problem(url).startswith("expected a postgresql:// URL (e.g. postgresql://")


@pytest.mark.parametrize("url,scheme", [("mysql://w@db.lab/sailbench", "mysql"), ("db.lab/sailbench", "(none)"),
                                        ("sqlite:///results/history.sqlite", "sqlite")])
def test_another_scheme_is_named_and_the_sqlite_alternative_said(url, scheme):
    problem = url_problem(url)
    assert f"found scheme '{scheme}'" in problem and "history.path" in problem


def test_an_unparsable_url_is_refused_without_a_traceback():
    assert url_problem("postgresql://w@[::1/sailbench").startswith("expected a postgresql:// URL")


@pytest.mark.parametrize("url", ["postgresql://w:s3cret@db.lab/sailbench", "postgresql://w:@db.lab/sailbench",
                                 "postgresql://w@db.lab/sailbench?sslmode=require&password=s3cret"])
def test_a_password_is_refused_without_repeating_it(url):
    problem = url_problem(url)
    assert "holds a password" in problem and "PGPASSWORD" in problem and "~/.pgpass" in problem
    assert "s3cret" not in problem


def test_shown_url_hides_a_password_and_keeps_the_rest():
    assert shown_url("postgresql://w:s3cret@db.lab:5433/sailbench") == "postgresql://w:***@db.lab:5433/sailbench"
    assert shown_url("postgresql://w:s3cret@db.lab/sailbench") == "postgresql://w:***@db.lab/sailbench"
    plain = "postgresql://w@db.lab:5432/sailbench?sslmode=require"
    assert shown_url(plain) == plain
