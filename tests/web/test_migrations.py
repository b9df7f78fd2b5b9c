"""Every migration can be undone: from the newest schema down to none and back, on a database with an inquiry in
it, keeping the inquiry and its questions wherever their tables exist (issue 17)."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from click.testing import CliRunner
from flask.cli import FlaskGroup
from sqlalchemy import create_engine, inspect, text

from tests.web.conftest import login, make_app, post, seed_users, stop_app
from web import create_app
from web.database import db


def _flask_db(tmp_path, monkeypatch, url: str, *args: str) -> None:
    monkeypatch.setenv("DATABASE_URL", url)  # the app's database: a SQLite file, or PostgreSQL in the second run
    monkeypatch.setenv("DRAFTER_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.setenv("DRAFTER_AUTO_MIGRATE", "0")
    monkeypatch.setenv("DRAFTER_START_WORKERS", "0")
    result = CliRunner().invoke(FlaskGroup(create_app=create_app), ["db", *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output


def _count(url: str, table: str) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return connection.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one()
    finally:
        engine.dispose()


def test_migrations_go_down_to_base_and_up_again(tmp_path, knowledge_dir, embedder, monkeypatch):
    app = make_app(tmp_path / "instance", knowledge_dir, embedder)
    seed_users(app)
    staff = login(app, "staff")
    text_of_inquiry = "Anfrage\n\n1. Wie viele Schulen gibt es?\n2. Wie viele Lehrkräfte?\n"
    post(
        staff,
        "/inquiries/new",
        {"reference": "M-1", "kind": "ifg", "received_on": "2026-01-14", "text": text_of_inquiry},
    )
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    stop_app(app)
    assert (_count(url, "inquiries"), _count(url, "sub_questions")) == (1, 2)

    _flask_db(tmp_path, monkeypatch, url, "downgrade", "0003")  # below the visibility columns of 0004
    assert (_count(url, "inquiries"), _count(url, "sub_questions")) == (1, 2)
    _flask_db(tmp_path, monkeypatch, url, "downgrade", "base")
    engine = create_engine(url)
    with engine.connect() as connection:
        assert set(inspect(connection).get_table_names()) <= {"alembic_version"}
    engine.dispose()
    _flask_db(tmp_path, monkeypatch, url, "upgrade")

    app = make_app(tmp_path / "instance", knowledge_dir, embedder, AUTO_MIGRATE=False)
    try:
        with app.app_context(), db.engine.connect() as connection:
            assert compare_metadata(MigrationContext.configure(connection), db.metadata) == []
    finally:
        stop_app(app)
