import pytest
from django.db import connection

from lindung.settings import database_from_url


def test_sqlite_is_the_default_and_runs_in_wal_mode():
    config = database_from_url("sqlite:////tmp/x.sqlite3")
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert "journal_mode=WAL" in config["OPTIONS"]["init_command"]


def test_postgresql_from_a_url():
    config = database_from_url("postgres://postgres@127.0.0.1:5432/lindung")
    assert (config["ENGINE"], config["NAME"], config["HOST"]) == (
        "django.db.backends.postgresql", "lindung", "127.0.0.1")


@pytest.mark.django_db
def test_the_running_database_is_configured_as_promised():
    if connection.vendor != "sqlite":
        assert connection.vendor == "postgresql"
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
