"""The database handle, migrations and the SQLite settings that make it safe for worker threads.

Following the Flask tutorial, this module owns the connection set-up and registers it with
`init_app(app)`. The schema comes only from the Alembic migrations in `web/migrations/`:
the app applies them on start (AUTO_MIGRATE, under a file lock so that several gunicorn
workers do not race), and `flask --app wsgi db upgrade` does the same by hand.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from flask import Flask
from flask_migrate import Migrate, upgrade
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase

from drafter.interprocess import file_lock

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)
migrate = Migrate()


def utcnow() -> datetime:
    """Naive UTC, the form every DateTime column stores (SQLite keeps no time zone)."""
    return datetime.now(UTC).replace(tzinfo=None)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record) -> None:
    """WAL lets the worker threads write while pages read; busy_timeout waits instead of failing."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()


def init_app(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR))
    if app.config["AUTO_MIGRATE"]:
        with app.app_context():
            apply_migrations(Path(app.instance_path))


def apply_migrations(instance_path: Path) -> None:
    """Bring the schema to the newest revision; one process at a time."""
    with file_lock(instance_path / "migrate.lock"):
        upgrade(directory=str(MIGRATIONS_DIR))
