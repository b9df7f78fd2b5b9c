"""A real SMTP server on 127.0.0.1 (aiosmtpd), started once per session, and an app that mails through it."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from flask import Flask

from tests.web.conftest import make_app, seed_users, stop_app
from web.database import db
from web.models import User


def free_port() -> int:
    """A port nothing listens on (bound once by the OS, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Mailbox:
    """Every mail the test server accepted, parsed."""

    port: int
    received: list[EmailMessage] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server, session, envelope):  # the name aiosmtpd calls
        with self.lock:
            self.received.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        with self.lock:
            return [mail for mail in self.received if mail["To"] == address]


@pytest.fixture(scope="session")
def smtp_server() -> Iterator[Mailbox]:
    mailbox = Mailbox(port=free_port())
    controller = Controller(mailbox, hostname="127.0.0.1", port=mailbox.port)
    controller.start()
    yield mailbox
    controller.stop()


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
