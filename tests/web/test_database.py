"""The schema comes from the migrations, and the audit log is append-only."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from click.testing import CliRunner
from flask.cli import FlaskGroup
from sqlalchemy import inspect, select, text
from sqlalchemy.exc import DatabaseError

from tests.web.conftest import login, post
from web import create_app
from web.audit import AuditLogIsAppendOnly
from web.database import db
from web.models import AuditEntry

TABLES = {
    "users",
    "user_roles",
    "inquiries",
    "sub_questions",
    "drafting_jobs",
    "drafts",
    "draft_revisions",
    "citations",
    "review_decisions",
    "comments",
    "ingestion_jobs",
    "audit_log",
    "alembic_version",
}


def flask_db_upgrade(instance: Path, monkeypatch) -> None:
    """`flask db upgrade` as an administrator runs it: configured by environment variables, no migration on start."""
    monkeypatch.setenv("DRAFTER_INSTANCE_PATH", str(instance))
    monkeypatch.setenv("DRAFTER_AUTO_MIGRATE", "0")
    monkeypatch.setenv("DRAFTER_START_WORKERS", "0")
    cli = FlaskGroup(create_app=create_app)
    result = CliRunner().invoke(cli, ["db", "upgrade"], catch_exceptions=False)
    assert result.exit_code == 0, result.output


def test_flask_db_upgrade_creates_the_schema(tmp_path, monkeypatch):
    flask_db_upgrade(tmp_path / "instance", monkeypatch)
    connection = sqlite3.connect(tmp_path / "instance" / "drafter.sqlite")
    tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert tables >= TABLES


def test_migrations_match_the_models(app):
    with app.app_context(), db.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
        assert differences == []
        assert set(inspect(connection).get_table_names()) >= TABLES


def test_audit_log_records_who_did_what(app):
    staff = login(app, "staff")
    post(
        staff,
        "/inquiries/new",
        {"reference": "A-1", "kind": "ifg", "received_on": "2026-01-14", "text": "1. Wie viele Schulen gibt es?"},
    )
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "inquiry_created"))
        assert entry.username == "sabine" and entry.inquiry_id == 1 and entry.at is not None


def test_audit_log_cannot_be_changed_or_deleted(app):
    login(app, "staff")
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry))
        entry.action = "verschleiert"
        with pytest.raises(AuditLogIsAppendOnly):
            db.session.commit()
        db.session.rollback()
        db.session.delete(db.session.scalar(select(AuditEntry)))
        with pytest.raises(AuditLogIsAppendOnly):
            db.session.commit()
        db.session.rollback()
        for statement in ("UPDATE audit_log SET action = 'x'", "DELETE FROM audit_log"):
            with pytest.raises(DatabaseError, match="nur ergänzt"):
                db.session.execute(text(statement))
            db.session.rollback()
        assert db.session.scalar(select(AuditEntry.action)) == "login"


def test_migration_0003_turns_old_revision_text_into_sentences(tmp_path, embedder):
    """Revisions stored as rendered text before issue 10 read back as the same sentences, markers and flags."""
    from flask_migrate import upgrade

    from drafter.models import DraftSentence
    from tests.web.conftest import make_app, stop_app
    from web.database import MIGRATIONS_DIR
    from web.models import DraftRevision

    app = make_app(tmp_path / "instance", tmp_path / "knowledge", embedder, AUTO_MIGRATE=False)
    try:
        with app.app_context():
            upgrade(directory=str(MIGRATIONS_DIR), revision="0002")
            for statement in (
                "INSERT INTO users (id, username, display_name, password_hash, active, must_change_password, "
                "created_at) VALUES (1, 'u', 'U', 'x', TRUE, FALSE, '2026-01-01')",
                "INSERT INTO inquiries (id, reference, kind, subject, text, received_on, deadline, status, "
                "reply_approved, created_by_id, created_at, updated_at) VALUES (1, 'A', 'ifg', 'S', 'T', "
                "'2026-01-01', '2026-02-01', 'drafting', FALSE, 1, '2026-01-01', '2026-01-01')",
                "INSERT INTO sub_questions (id, inquiry_id, position, label, text) VALUES (1, 1, 0, '1', 'F?')",
                "INSERT INTO drafts (id, question_id, status, evidence, method, created_at, updated_at) "
                "VALUES (1, 1, 'draft', 'drafted', 'llm', '2026-01-01', '2026-01-01')",
                "INSERT INTO draft_revisions (draft_id, number, text, origin, unverified, author_id, created_at) "
                "VALUES (1, 1, 'Es sind 142. [1] Bald 200. [unbelegt]\n\nZitat. [2]', 'generated', '[]', 1, "
                "'2026-01-01')",
            ):
                db.session.execute(text(statement))
            db.session.commit()
            upgrade(directory=str(MIGRATIONS_DIR))
            revision = db.session.scalar(select(DraftRevision))
            assert revision.paragraphs == [
                [DraftSentence("Es sind 142.", [1]), DraftSentence("Bald 200.", [], verified=False)],
                [DraftSentence("Zitat.", [2])],
            ]
            assert revision.text == "Es sind 142. [1] Bald 200.\n\nZitat. [2]"
    finally:
        stop_app(app)
