"""Where the web application keeps the knowledge catalog (issue 16): beside its own tables when DATABASE_URL names a
PostgreSQL database, so that every host on that database shares it; DRAFTER_CATALOG_URL says otherwise; with a SQLite
database the catalog stays a file in the data directory."""

from __future__ import annotations

from tests.web.conftest import make_app, stop_app
from web.knowledge_store import settings_for

SERVER = "postgresql+psycopg://drafter@db-host/drafter"


def test_the_catalog_follows_a_postgresql_database_unless_drafter_catalog_url_says_otherwise(tmp_path, monkeypatch):
    app = make_app(tmp_path / "instance", tmp_path / "knowledge", None)
    try:
        monkeypatch.delenv("DRAFTER_CATALOG_URL", raising=False)
        monkeypatch.delenv("DATABASE_URL", raising=False)
        assert settings_for(app).catalog_url is None  # the SQLite default: catalog.sqlite in the data directory

        monkeypatch.setenv("DATABASE_URL", "postgres://drafter@db-host/drafter")  # as hosting tools write it
        assert settings_for(app).catalog_url == SERVER

        own = f"sqlite:///{tmp_path / 'eigener-katalog.sqlite'}"
        monkeypatch.setenv("DRAFTER_CATALOG_URL", own)
        assert settings_for(app).catalog_url == own
    finally:
        stop_app(app)
