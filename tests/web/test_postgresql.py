"""The web database on a real PostgreSQL, configured as an administrator would: DATABASE_URL and `flask db upgrade`.

The whole web suite also runs against PostgreSQL (scripts/test, DRAFTER_TEST_DATABASE=postgresql);
this module runs in every run, so a migration that only SQLite accepts fails here at once.
"""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from click.testing import CliRunner
from flask.cli import FlaskGroup
from sqlalchemy import create_engine, inspect, text

from drafter.catalog import SHARED_TABLE_PREFIX, Catalog
from tests.web.test_database import TABLES, flask_db_upgrade
from web import create_app
from web.database import MIGRATIONS_DIR, db


def test_flask_db_upgrade_builds_the_newest_schema_on_postgresql(tmp_path, monkeypatch, postgresql):
    url = postgresql.create_database()
    monkeypatch.setenv("DATABASE_URL", url.replace("postgresql+psycopg://", "postgres://"))  # as hosters write it
    flask_db_upgrade(tmp_path / "instance", monkeypatch)

    newest = ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head()
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            assert connection.scalar(text("SELECT version_num FROM alembic_version")) == newest
            assert set(inspect(connection).get_table_names()) >= TABLES
            assert compare_metadata(MigrationContext.configure(connection), db.metadata) == []
    finally:
        engine.dispose()


def test_flask_db_check_leaves_the_knowledge_catalogs_tables_in_the_same_database_alone(
    tmp_path, monkeypatch, postgresql
):
    """The catalog follows DATABASE_URL onto PostgreSQL; a schema check (and so `flask db migrate`) must not take
    its tables for ones the migrations forgot and propose to drop them."""
    url = postgresql.create_database()
    monkeypatch.setenv("DATABASE_URL", url)
    flask_db_upgrade(tmp_path / "instance", monkeypatch)
    Catalog(url).close()
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            assert any(name.startswith(SHARED_TABLE_PREFIX) for name in inspect(connection).get_table_names())
    finally:
        engine.dispose()
    result = CliRunner().invoke(FlaskGroup(create_app=create_app), ["db", "check"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
