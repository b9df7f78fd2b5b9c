"""kill -9 of the process that ingests an upload: the previous version stays in place and searchable, and the job
is retried or, after its last attempt, failed with a German reason (issue 17)."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import select

from drafter.config import Settings
from drafter.knowledge_base import KnowledgeBase
from tests.conftest import ROOT
from tests.web.conftest import login, make_app, seed_users, stop_app, wait_for_jobs
from tests.web.knowledge.test_knowledge import NEW_DOCUMENT, upload
from web.database import db
from web.models import IngestionJob, JobState

NAME = "2026-03-antwort-hundesteuer.txt"
NEW_VERSION = NEW_DOCUMENT.replace("96 Euro", "108 Euro")
# A worker process of its own: the app on the same instance folder and data directory, running its jobs.
WORKER = """
import sys, time
from pathlib import Path
from tests.web.conftest import make_app
make_app(Path(sys.argv[1]), Path(sys.argv[2]), None, START_WORKERS=True)
time.sleep(600)
"""


def _library(tmp_path: Path) -> Path:
    return tmp_path / "instance" / "uploads" / "knowledge"


def _upload_then_kill_the_worker(tmp_path: Path, knowledge_dir: Path, embedder) -> None:
    """The first version ingested; the second uploaded and its ingest killed once the copy is on disk."""
    app = make_app(tmp_path / "instance", knowledge_dir, embedder, START_WORKERS=True)
    seed_users(app)
    try:
        upload(login(app, "curator"), [(io.BytesIO(NEW_DOCUMENT.encode()), NAME)])
        wait_for_jobs(app)
    finally:
        stop_app(app)
    app = make_app(tmp_path / "instance", knowledge_dir, embedder)  # no workers: the job waits
    try:
        upload(login(app, "curator"), [(io.BytesIO(NEW_VERSION.encode()), NAME)])
    finally:
        stop_app(app)
    worker = subprocess.Popen(
        [sys.executable, "-c", WORKER, str(tmp_path / "instance"), str(knowledge_dir)],
        cwd=ROOT,
        env={**os.environ, "HF_HUB_OFFLINE": "1"},
    )
    try:
        deadline = time.monotonic() + 120
        while not list(_library(tmp_path).glob(f".neu-*/{NAME}")):
            assert worker.poll() is None and time.monotonic() < deadline, "der Einlesevorgang begann nicht"
            time.sleep(0.01)
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait()


def _assert_first_version_is_kept(tmp_path: Path, knowledge_dir: Path, embedder) -> None:
    assert (_library(tmp_path) / NAME).read_text() == NEW_DOCUMENT
    kb = KnowledgeBase(Settings.from_env(data_dir=knowledge_dir), embedder=embedder)
    try:
        hit = kb.search("Hundesteuer Talbach-Oberwiesen", k=1)[0]
        assert hit.document.name == NAME
        assert "96 Euro" in kb.document_text(hit.document.doc_id)
    finally:
        kb.close()


def _jobs(app) -> list[IngestionJob]:
    with app.app_context():
        return list(db.session.scalars(select(IngestionJob).order_by(IngestionJob.id)))


def test_a_killed_ingest_keeps_the_previous_version_and_is_retried(tmp_path, knowledge_dir, embedder):
    _upload_then_kill_the_worker(tmp_path, knowledge_dir, embedder)
    _assert_first_version_is_kept(tmp_path, knowledge_dir, embedder)

    app = make_app(tmp_path / "instance", knowledge_dir, embedder, START_WORKERS=True)  # the server restarts
    try:
        wait_for_jobs(app)
        job = _jobs(app)[-1]
        assert (job.state, job.result, job.attempts) == (JobState.DONE, "updated", 2)
        assert (_library(tmp_path) / NAME).read_text() == NEW_VERSION
        assert not list(_library(tmp_path).glob(".neu-*")), "der Rest des abgebrochenen Versuchs blieb liegen"
        with app.app_context():
            from web.knowledge_store import knowledge_base

            hit = knowledge_base().search("Hundesteuer Talbach-Oberwiesen", k=1)[0]
            assert "108 Euro" in knowledge_base().document_text(hit.document.doc_id)
            assert [d.name for d in knowledge_base().documents()].count(NAME) == 1
    finally:
        stop_app(app)


def test_a_job_killed_on_its_last_attempt_fails_with_the_reason(tmp_path, knowledge_dir, embedder):
    _upload_then_kill_the_worker(tmp_path, knowledge_dir, embedder)

    app = make_app(tmp_path / "instance", knowledge_dir, embedder, START_WORKERS=True, JOB_MAX_ATTEMPTS=1)
    try:
        wait_for_jobs(app)
        job = _jobs(app)[-1]
        assert job.state == JobState.FAILED
        assert job.error.startswith("Abgebrochen nach 1 Versuch: der Verarbeitungsprozess wurde jedes Mal beendet")
        page = login(app, "curator").get(f"/knowledge/uploads/{job.batch}").get_data(as_text=True)
        assert "Abgebrochen nach 1 Versuch" in page
    finally:
        stop_app(app)
    _assert_first_version_is_kept(tmp_path, knowledge_dir, embedder)
    assert not list(_library(tmp_path).glob(".neu-*"))
