"""An app that mails through the session's real SMTP server (`smtp_server` in tests/web/conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from tests.web.conftest import make_app, seed_users, stop_app
from web.database import db
from web.models import User


def mailing_app(folder, knowledge_dir, embedder, port: int) -> Flask:
    app = make_app(
        folder / "instance",
        knowledge_dir,
        embedder,
        START_WORKERS=True,
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=port,
        SMTP_FROM="drafter@kreis.example",
        SMTP_TIMEOUT=5,
        BASE_URL="https://drafter.kreis.example",
    )
    seed_users(app)
    return app


def give_addresses(app: Flask, tag: str) -> dict[str, str]:
    """Unique addresses for this test's users, so mails of other tests on the shared server do not count."""
    addresses = {}
    with app.app_context():
        for user in db.session.query(User):
            user.email = addresses[user.username] = f"{user.username}-{tag}@kreis.example"
        db.session.commit()
    return addresses


@pytest.fixture
def mail_app(tmp_path, knowledge_dir, embedder, smtp_server) -> Iterator[Flask]:
    app = mailing_app(tmp_path, knowledge_dir, embedder, smtp_server.port)
    yield app
    stop_app(app)
