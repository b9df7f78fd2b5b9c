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

from tests.web.test_database import TABLES
from web import create_app
from web.database import MIGRATIONS_DIR, db


def test_flask_db_upgrade_builds_the_newest_schema_on_postgresql(tmp_path, monkeypatch, postgresql):
    url = postgresql.create_database()
    monkeypatch.setenv("DATABASE_URL", url.replace("postgresql+psycopg://", "postgres://"))  # as hosters write it
    monkeypatch.setenv("DRAFTER_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.setenv("DRAFTER_AUTO_MIGRATE", "0")
    monkeypatch.setenv("DRAFTER_START_WORKERS", "0")
    cli = FlaskGroup(create_app=create_app)
    result = CliRunner().invoke(cli, ["db", "upgrade"], catch_exceptions=False)
    assert result.exit_code == 0, result.output

    newest = ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head()
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            assert connection.scalar(text("SELECT version_num FROM alembic_version")) == newest
            assert set(inspect(connection).get_table_names()) >= TABLES
            assert compare_metadata(MigrationContext.configure(connection), db.metadata) == []
    finally:
        engine.dispose()
