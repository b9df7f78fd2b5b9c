"""A run that lost its job to another host does not write its result (issue 16, fencing): a host cut off from
the database, or paused, for longer than the lease finds its job taken over when it comes back, and discards
what it made; the new owner's result is the one that stands.

Two apps share one database (a SQLite file, or PostgreSQL in the second run of the web tests) and one
knowledge base, as two hosts do, told apart by HOST_NAME; their jobs run in their real worker threads. Host A's
run is held up where a real one waits (for the language model, scripted on 127.0.0.1; for the knowledge base's
writer lock, held by the test), its heartbeat is aged as a lost connection would leave it, and host B's own
sweep takes the job over and runs it. A job given back to the queue may also be claimed again by the process
whose run lost it: the attempt number tells the two runs apart.
"""

from __future__ import annotations

import io
import itertools
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from flask import Flask
from sqlalchemy import select

from tests.llm.fake_llm_server import FakeLLMServer, Reply
from tests.web.conftest import login, make_app, seed_users, stop_app, wait_for_jobs
from tests.web.knowledge.test_knowledge import NEW_DOCUMENT, upload
from tests.web.test_job_leases import MODEL_ANSWER, MODEL_SENTENCE, start_drafting
from web.database import db, utcnow
from web.knowledge_store import knowledge_base
from web.models import AuditEntry, Draft, DraftingJob, IngestionJob, JobState

NAME = "2026-03-antwort-hundesteuer.txt"
TEST_SWEEPS = {"JOB_LEASE_SECONDS": 900, "JOB_SWEEP_SECONDS": 600}
"""Leases and sweeps too slow to interfere: the test ages host A's heartbeat and sweeps host B itself."""
LOST = "was taken over by another run; its result is discarded"


def _host(name: str, instance: Path, knowledge_dir: Path, embedder, **config) -> Flask:
    return make_app(instance, knowledge_dir, embedder, START_WORKERS=True, HOST_NAME=name, **TEST_SWEEPS, **config)


def _second_host(first: Flask, instance: Path, knowledge_dir: Path, embedder) -> Flask:
    """Host B: its own instance folder, host A's database and upload folder (shared storage)."""
    shared = {key: first.config[key] for key in ("SQLALCHEMY_DATABASE_URI", "UPLOAD_DIR")}
    return _host("host-b", instance, knowledge_dir, embedder, **shared)


def _job(app: Flask, model: type):
    with app.app_context():
        return db.session.scalars(select(model)).one()


def _wait(condition: Callable[[], bool], what: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"nicht geschehen: {what}"
        time.sleep(0.05)


def _lose_the_lease(app: Flask, model: type) -> None:
    """Host A's last heartbeat long past, as after a connection lost for longer than the lease."""
    with app.app_context():
        job = db.session.scalars(select(model)).one()
        assert job.owner.startswith("host-a:") and job.state == JobState.RUNNING
        job.heartbeat_at = utcnow() - timedelta(seconds=TEST_SWEEPS["JOB_LEASE_SECONDS"] + 60)
        db.session.commit()


def _audited(app: Flask, action: str) -> int:
    with app.app_context():
        return len(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)).all())


def test_a_drafting_run_that_lost_its_job_adds_no_revision(tmp_path, knowledge_dir, embedder, monkeypatch, caplog):
    llm = FakeLLMServer("openai").start()
    host_a_may_go_on, calls = threading.Event(), itertools.count()

    def script(body: dict) -> Reply:
        if next(calls) == 0:  # host A's request: answered only once host B has finished the job
            host_a_may_go_on.wait(120)
        return Reply(content=MODEL_ANSWER)

    llm.script = script
    for name, value in {"DRAFTER_LLM_URL": llm.url, "DRAFTER_LLM_MODEL": llm.model, "DRAFTER_LLM_RETRIES": "0"}.items():
        monkeypatch.setenv(name, value)
    host_a = _host("host-a", tmp_path / "a", knowledge_dir, embedder)
    host_b = None
    try:
        staff = start_drafting(host_a, "F-1")
        _wait(lambda: llm.attempts == 1, "host-a den Entwurf beim Sprachmodell anfragte")
        _lose_the_lease(host_a, DraftingJob)

        host_b = _second_host(host_a, tmp_path / "b", knowledge_dir, embedder)
        host_b.extensions["drafter_jobs"].sweep()
        wait_for_jobs(host_b)
        job = _job(host_a, DraftingJob)
        assert (job.state, job.owner.split(":")[0], job.attempts) == (JobState.DONE, "host-b", 2)

        host_a_may_go_on.set()
        wait_for_jobs(host_a)
        assert llm.attempts == 2
        job = _job(host_a, DraftingJob)
        assert (job.state, job.owner.split(":")[0], job.attempts, job.error) == (JobState.DONE, "host-b", 2, None)
        with host_a.app_context():
            draft = db.session.scalars(select(Draft)).one()
            assert [r.origin for r in draft.revisions] == ["generated"]
        assert _audited(host_a, "draft_generated") == 1
        assert MODEL_SENTENCE in staff.get(f"/answers/{draft.id}").get_data(as_text=True)
        assert LOST in caplog.text
    finally:
        host_a_may_go_on.set()
        for host in (host_a, host_b):
            if host is not None:
                stop_app(host)
        llm.stop()


def test_a_job_claimed_again_by_the_same_process_keeps_its_lease_when_the_lost_run_ends(
    tmp_path, knowledge_dir, embedder, monkeypatch, caplog
):
    llm = FakeLLMServer("openai").start()
    replies = [threading.Event(), threading.Event()]  # the lost run's request, then the new attempt's
    calls = itertools.count()

    def script(body: dict) -> Reply:
        replies[next(calls)].wait(120)
        return Reply(content=MODEL_ANSWER)

    llm.script = script
    for name, value in {"DRAFTER_LLM_URL": llm.url, "DRAFTER_LLM_MODEL": llm.model, "DRAFTER_LLM_RETRIES": "0"}.items():
        monkeypatch.setenv(name, value)
    host = _host("host-a", tmp_path / "a", knowledge_dir, embedder)
    runner = host.extensions["drafter_jobs"]
    try:
        start_drafting(host, "F-2")
        _wait(lambda: llm.attempts == 1, "der erste Lauf das Sprachmodell anfragte")
        with host.app_context():  # another host's sweep gave the job back to the queue
            job = db.session.scalars(select(DraftingJob)).one()
            job.state, job.owner, job.started_at, job.heartbeat_at = JobState.QUEUED, None, None, None
            db.session.commit()
        runner.sweep()  # this host claims it again, in its second worker thread
        _wait(lambda: llm.attempts == 2, "der zweite Lauf das Sprachmodell anfragte")

        replies[0].set()
        _wait(lambda: LOST in caplog.text, "der erste Lauf sein Ergebnis verwarf")
        _lose_the_lease(host, DraftingJob)
        runner.renew_leases()  # the second attempt still runs here: its lease is renewed
        assert _job(host, DraftingJob).heartbeat_at > utcnow() - timedelta(seconds=60)

        replies[1].set()
        wait_for_jobs(host)
        job = _job(host, DraftingJob)
        assert (job.state, job.attempts, job.error) == (JobState.DONE, 2, None)
        with host.app_context():
            assert [r.origin for r in db.session.scalars(select(Draft)).one().revisions] == ["generated"]
    finally:
        for reply in replies:
            reply.set()
        stop_app(host)
        llm.stop()


def test_an_ingestion_run_that_lost_its_job_records_nothing(tmp_path, knowledge_dir, embedder, caplog):
    host_a = _host("host-a", tmp_path / "a", knowledge_dir, embedder)
    host_b = None
    library = Path(host_a.config["UPLOAD_DIR"]) / "knowledge"
    try:
        seed_users(host_a)
        curator = login(host_a, "curator")
        # The writer lock held here keeps host A's run after reading the file and before storing it.
        with knowledge_base(host_a).catalog.writer_lock():
            upload(curator, [(io.BytesIO(NEW_DOCUMENT.encode()), NAME)])
            _wait(lambda: any(library.glob(f".neu-*/{NAME}")), "host-a das Einlesen begann")
            _lose_the_lease(host_a, IngestionJob)
            host_b = _second_host(host_a, tmp_path / "b", knowledge_dir, embedder)
            host_b.extensions["drafter_jobs"].sweep()
            _wait(lambda: (_job(host_a, IngestionJob).owner or "").startswith("host-b:"), "host-b den Auftrag übernahm")
        wait_for_jobs(host_b)  # the lock released, both runs go on
        wait_for_jobs(host_a)

        job = _job(host_a, IngestionJob)
        assert (job.state, job.owner.split(":")[0], job.attempts, job.error) == (JobState.DONE, "host-b", 2, None)
        assert job.result in ("added", "updated") and job.chunks
        assert _audited(host_a, "document_ingested") == 1
        assert (library / NAME).read_text() == NEW_DOCUMENT
        assert not any(library.glob(".neu-*")), "ein Rest des verworfenen Laufs blieb liegen"
        with host_a.app_context():
            assert [d.name for d in knowledge_base().documents()].count(NAME) == 1
        assert LOST in caplog.text
    finally:
        for host in (host_a, host_b):
            if host is not None:
                stop_app(host)
