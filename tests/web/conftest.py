"""Fixtures for the web app: a real app on a temporary instance folder, a small real knowledge base,
and logged-in clients per role.

The sample knowledge base (the fictional „Landkreis Talbach“ documents in knowledge/documents)
is ingested once per session with the real embedding model; each app gets its own copy, so
tests that upload or delete documents do not affect one another.

With DRAFTER_TEST_DATABASE=postgresql (scripts/test runs the web tests a second time so), every app
gets a fresh database on a real PostgreSQL server instead of a SQLite file in its instance folder.
"""

from __future__ import annotations

import os
import re
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.security import generate_password_hash
from werkzeug.serving import make_server

from drafter.config import Settings
from drafter.knowledge_base import KnowledgeBase
from tests.conftest import KNOWLEDGE
from tests.servers import Mailbox, drop_instance_databases, free_port, instance_database
from web import create_app, knowledge_store
from web.database import db
from web.models import Role, User

PASSWORD = "Testpasswort-123"
USERS = {
    "staff": ("sabine", "Sabine Sachbearbeiterin", {Role.STAFF}),
    "staff2": ("stefan", "Stefan Sachbearbeiter", {Role.STAFF}),
    "reviewer": ("rainer", "Rainer Prüfer", {Role.REVIEWER}),
    "curator": ("kurt", "Kurt Kurator", {Role.CURATOR}),
    "admin": ("anna", "Anna Admin", {Role.ADMIN}),
    "staff_reviewer": ("doris", "Doris Doppelrolle", {Role.STAFF, Role.REVIEWER}),
}
SAMPLE_INQUIRY = KNOWLEDGE / "inquiries" / "2026-anfrage-digitalisierung-fraktion.txt"
_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


TEST_DATABASE = os.environ.get("DRAFTER_TEST_DATABASE", "sqlite")
TEMPLATE_DATABASE = "DRAFTER_TEST_TEMPLATE_DATABASE"
"""Environment variable with the URL of the migrated template database; worker processes a test starts inherit it."""


@pytest.fixture(scope="session", autouse=True)
def web_database(request, tmp_path_factory, embedder) -> Iterator[None]:
    """Under DRAFTER_TEST_DATABASE=postgresql, migrate one template database that every app copies."""
    if TEST_DATABASE != "postgresql":
        yield
        return
    template = request.getfixturevalue("postgresql").create_database()
    folder = tmp_path_factory.mktemp("template-database")
    stop_app(create_app(_app_config(folder / "instance", folder / "knowledge", embedder, template)))
    os.environ[TEMPLATE_DATABASE] = template
    yield
    del os.environ[TEMPLATE_DATABASE]


@pytest.fixture(scope="module", autouse=True)
def web_databases_of_module() -> Iterator[None]:
    """Under PostgreSQL, the databases of a test module are dropped once it is done (its apps are stopped by then)."""
    yield
    if os.environ.get(TEMPLATE_DATABASE):
        drop_instance_databases(os.environ[TEMPLATE_DATABASE])


@pytest.fixture(scope="session")
def sample_knowledge(tmp_path_factory, embedder) -> Path:
    """The sample documents ingested once; copy it before changing it."""
    data_dir = tmp_path_factory.mktemp("sample-knowledge")
    kb = KnowledgeBase(Settings.from_env(data_dir=data_dir), embedder=embedder)
    report = kb.ingest(sorted((KNOWLEDGE / "documents").iterdir()))
    assert report.ok, [f.error for f in report.failed]
    kb.close()
    return data_dir


def make_app(instance: Path, knowledge_dir: Path, embedder, **config) -> Flask:
    database = None
    if os.environ.get(TEMPLATE_DATABASE) and "SQLALCHEMY_DATABASE_URI" not in config:
        database = instance_database(os.environ[TEMPLATE_DATABASE], instance, config.get("AUTO_MIGRATE", True))
    return create_app(_app_config(instance, knowledge_dir, embedder, database, **config))


def _app_config(instance: Path, knowledge_dir: Path, embedder, database: str | None, **config) -> dict:
    settings = {
        "INSTANCE_PATH": str(instance),
        "TESTING": True,
        "KNOWLEDGE_DIR": str(knowledge_dir),
        "UPLOAD_DIR": str(instance / "uploads"),
        "EMBEDDER": embedder,
        "RATELIMIT_ENABLED": False,
        "START_WORKERS": False,
        "WORKER_THREADS": 2,
    }
    if database:
        settings["SQLALCHEMY_DATABASE_URI"] = database
    settings.update(config)
    return settings


def stop_app(app: Flask) -> None:
    app.extensions["drafter_jobs"].shutdown()
    knowledge_store.close(app)
    with app.app_context():
        db.engine.dispose()


@contextmanager
def served(app: Flask) -> Iterator[str]:
    """The app behind a real threaded HTTP server on 127.0.0.1, for a real browser or parallel clients; yields its
    base URL and stops the app afterwards."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        stop_app(app)


def sample_app(folder: Path, sample_knowledge: Path, embedder, **config) -> Flask:
    """An app with its own copy of the sample knowledge base, its jobs running and the test users seeded."""
    shutil.copytree(sample_knowledge, folder / "knowledge")
    app = make_app(folder / "instance", folder / "knowledge", embedder, START_WORKERS=True, **config)
    seed_users(app)
    return app


@pytest.fixture(scope="session")
def smtp_server() -> Iterator[Mailbox]:
    """A real SMTP server on 127.0.0.1 (aiosmtpd), started once for every test that mails."""
    mailbox = Mailbox(port=free_port())
    controller = Controller(mailbox, hostname="127.0.0.1", port=mailbox.port)
    controller.start()
    yield mailbox
    controller.stop()


@pytest.fixture(scope="session")
def browser():
    """Headless Debian chromium, started once for every browser test."""
    from playwright.sync_api import sync_playwright

    from tests.web.browser import CHROMIUM, CHROMIUM_ARGS

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield instance
        instance.close()


def seed_users(app: Flask) -> None:
    with app.app_context():
        for username, name, roles in USERS.values():
            user = User(
                username=username,
                display_name=name,
                password_hash=generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000"),
            )
            user.set_roles(roles)
            db.session.add(user)
        db.session.commit()


@pytest.fixture
def knowledge_dir(tmp_path, sample_knowledge) -> Path:
    target = tmp_path / "knowledge"
    shutil.copytree(sample_knowledge, target)
    return target


@pytest.fixture
def app(tmp_path, knowledge_dir, embedder) -> Iterator[Flask]:
    application = make_app(tmp_path / "instance", knowledge_dir, embedder, START_WORKERS=True)
    seed_users(application)
    yield application
    stop_app(application)


def csrf_token(client: FlaskClient) -> str:
    """The session's CSRF token, read from a page as a browser would."""
    token = getattr(client, "csrf", None)
    if token is None:
        page = client.get("/login" if not getattr(client, "logged_in", False) else "/password")
        token = _TOKEN.search(page.get_data(as_text=True)).group(1)
        client.csrf = token
    return token


def post(client: FlaskClient, url: str, data: dict | None = None, **kwargs):
    """A form post with the CSRF token, like the browser sends it."""
    return client.post(url, data={**(data or {}), "csrf_token": csrf_token(client)}, **kwargs)


def login(app: Flask, role: str) -> FlaskClient:
    client = app.test_client()
    username = USERS[role][0]
    response = post(client, "/login", {"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)
    client.csrf = None
    client.logged_in = True
    return client


@pytest.fixture
def staff(app) -> FlaskClient:
    return login(app, "staff")


@pytest.fixture
def reviewer(app) -> FlaskClient:
    return login(app, "reviewer")


@pytest.fixture
def curator(app) -> FlaskClient:
    return login(app, "curator")


def wait_for_jobs(app: Flask, timeout: float = 120) -> None:
    assert app.extensions["drafter_jobs"].wait_idle(timeout), "Hintergrundaufträge wurden nicht fertig"
