"""A run that lost its job to another host does not write its result (issue 16, fencing): a host cut off from
the database, or paused, for longer than the lease finds its job taken over when it comes back, and discards
what it made; the new owner's result is the one that stands.

Two apps share one database (a SQLite file, or PostgreSQL in the second run of the web tests) and one
knowledge base, as two hosts do, told apart by HOST_NAME; their jobs run in their real worker threads. Host A's
run is held up where a real one waits (for the language model, scripted on 127.0.0.1; for the knowledge base's
writer lock, held by the test; for an SMTP server slow to answer; in the recognition of a long scan), its
heartbeat is aged as a lost connection would leave it, and host B's own sweep takes the job over and runs it.
A job given back to the queue may also be claimed again by the process whose run lost it: the attempt number
tells the two runs apart.
"""

from __future__ import annotations

import io
import itertools
import socket
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from flask import Flask
from fpdf import FPDF
from sqlalchemy import select

from tests.llm.fake_llm_server import FakeLLMServer, Reply
from tests.test_ocr import add_scanned_page, scan
from tests.test_ocr import pytestmark as needs_tesseract
from tests.web.conftest import login, make_app, post, seed_users, stop_app, wait_for_jobs
from tests.web.knowledge.test_knowledge import NEW_DOCUMENT, upload
from tests.web.notifications.conftest import give_addresses
from tests.web.test_job_leases import MODEL_ANSWER, MODEL_SENTENCE, start_drafting
from web.database import db, utcnow
from web.knowledge_store import knowledge_base
from web.models import AuditEntry, Draft, DraftingJob, IngestionJob, Inquiry, InquiryFileJob, JobState, MailJob, User

NAME = "2026-03-antwort-hundesteuer.txt"
TEST_SWEEPS = {"JOB_LEASE_SECONDS": 900, "JOB_SWEEP_SECONDS": 600}
"""Leases and sweeps too slow to interfere: the test ages host A's heartbeat and sweeps host B itself."""
LOST = "wurde von einem anderen Lauf übernommen; sein Ergebnis wird verworfen"
MAIL = {"SMTP_HOST": "127.0.0.1", "SMTP_FROM": "drafter@kreis.example", "SMTP_TIMEOUT": 120}
"""The hosts' mail settings, with SMTP_PORT the slow way to the test's SMTP server (`SlowPath`)."""


def _host(name: str, instance: Path, knowledge_dir: Path, embedder, **config) -> Flask:
    return make_app(instance, knowledge_dir, embedder, START_WORKERS=True, HOST_NAME=name, **TEST_SWEEPS, **config)


def _second_host(first: Flask, instance: Path, knowledge_dir: Path, embedder) -> Flask:
    """Host B: its own instance folder, host A's database, upload folder (shared storage) and mail settings."""
    shared = {key: first.config[key] for key in ("SQLALCHEMY_DATABASE_URI", "UPLOAD_DIR", "SMTP_PORT", *MAIL)}
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


def _taken_over(host_a: Flask, host_b: Flask, model: type) -> None:
    """Host A's lease lost, host B's sweep takes the job over and finishes it, as its second attempt."""
    _lose_the_lease(host_a, model)
    host_b.extensions["drafter_jobs"].sweep()
    wait_for_jobs(host_b)
    job = _job(host_a, model)
    assert (job.state, job.owner.split(":")[0], job.attempts) == (JobState.DONE, "host-b", 2)


def _stop(*hosts: Flask | None) -> None:
    """Stop the hosts a test started (host B is None when the test failed before starting it)."""
    for host in hosts:
        if host is not None:
            stop_app(host)


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
        host_b = _second_host(host_a, tmp_path / "b", knowledge_dir, embedder)
        _taken_over(host_a, host_b, DraftingJob)

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
        _stop(host_a, host_b)
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
        _stop(host_a, host_b)


class SlowPath:
    """The way to the county's SMTP server: the first connection hangs, as on a server slow to greet, until the
    test lets it through; every later one goes straight through."""

    def __init__(self, server_port: int) -> None:
        self.server_port = server_port
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.first_waits, self.let_through = threading.Event(), threading.Event()
        self._connections = itertools.count()
        threading.Thread(target=self._accept, daemon=True).start()

    def close(self) -> None:
        self.let_through.set()
        self.listener.close()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:  # closed
                return
            threading.Thread(target=self._connect, args=(client, next(self._connections)), daemon=True).start()

    def _connect(self, client: socket.socket, number: int) -> None:
        if number == 0:
            self.first_waits.set()
            self.let_through.wait(120)
        with client, socket.create_connection(("127.0.0.1", self.server_port)) as server:
            answers = threading.Thread(target=_pass_on, args=(server, client), daemon=True)
            answers.start()
            _pass_on(client, server)
            answers.join(120)


def _pass_on(source: socket.socket, target: socket.socket) -> None:
    try:
        while data := source.recv(65536):
            target.sendall(data)
        target.shutdown(socket.SHUT_WR)
    except OSError:  # the other side hung up
        pass


def test_a_mail_run_that_lost_its_job_while_the_smtp_server_was_slow_to_answer_sends_nothing(
    tmp_path, knowledge_dir, embedder, smtp_server, caplog
):
    slow = SlowPath(smtp_server.port)
    host_a = _host("host-a", tmp_path / "a", knowledge_dir, embedder, SMTP_PORT=slow.port, **MAIL)
    host_b = None
    try:
        seed_users(host_a)
        addresses = give_addresses(host_a, "fencing")
        with host_a.app_context():
            stefan = db.session.scalar(select(User.id).where(User.username == "stefan"))
        staff = login(host_a, "staff")
        fields = {"reference": "M-1", "kind": "ifg", "received_on": "2026-11-20", "text": "1) Wie viele Ämter?"}
        post(staff, "/inquiries/new", {**fields, "assignee_id": ""})
        post(staff, "/inquiries/1/edit", {**fields, "subject": "Ämter", "assignee_id": str(stefan)})  # he is told
        assert slow.first_waits.wait(120), "host-a hat den SMTP-Server nicht angesprochen"
        host_b = _second_host(host_a, tmp_path / "b", knowledge_dir, embedder)
        _taken_over(host_a, host_b, MailJob)
        assert len(smtp_server.to(addresses["stefan"])) == 1

        slow.let_through.set()  # the server answers host A at last
        wait_for_jobs(host_a)
        assert len(smtp_server.to(addresses["stefan"])) == 1, "die E-Mail ging ein zweites Mal hinaus"
        job = _job(host_a, MailJob)
        assert (job.state, job.owner.split(":")[0], job.attempts, job.error) == (JobState.DONE, "host-b", 2, None)
        assert LOST in caplog.text
    finally:
        slow.close()
        _stop(host_a, host_b)


SCANNED = (  # a different line on every page: lines that recur on each page are dropped as running heads
    "Antrag nach dem Landestransparenzgesetz\nBetreff: Nitratwerte im Grundwasser",
    "1. Welche Nitratwerte wurden 2025 an den Messstellen gemessen?",
    "2. Wie viele Messstellen überschreiten den Grenzwert?",
    "3. Welche Landwirte düngen in den Wasserschutzgebieten?",
    "4. Wann wurde der Brunnen in Oberau zuletzt beprobt?",
    "5. Welche Kosten entstanden dem Wasserverband dafür?",
    "6. Wer hat die Proben im Labor ausgewertet?",
    "7. Bis wann sollen die Werte wieder sinken?",
)
TYPED = "Anfrage zu Baumfällungen\n1. Wie viele Straßenbäume hat der Kreis 2025 gefällt?"


def _typed_pdf(text: str) -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    pdf.multi_cell(0, 6, text)
    return bytes(pdf.output())


@needs_tesseract
def test_an_inquiry_file_run_that_lost_its_job_leaves_the_new_owners_text_and_questions(
    tmp_path, knowledge_dir, embedder, caplog
):
    host_a = _host("host-a", tmp_path / "a", knowledge_dir, embedder)
    host_b = _second_host(host_a, tmp_path / "b", knowledge_dir, embedder)  # started now, it leaves A's job be
    try:
        seed_users(host_a)
        staff = login(host_a, "staff")
        scanned = FPDF(unit="pt")
        for text in SCANNED:  # eight pages to recognise: host A is still at it when host B takes over
            add_scanned_page(scanned, scan(text))
        form = {"reference": "UI-7", "kind": "ltranspg", "received_on": "2026-12-01", "assignee_id": "", "text": ""}
        form["file"] = (io.BytesIO(bytes(scanned.output())), "antrag.pdf")
        waiting_page = post(staff, "/inquiries/new", form, content_type="multipart/form-data").headers["Location"]
        _wait(lambda: "Seite" in (_job(host_a, InquiryFileJob).progress or ""), "host-a den Scan zu erkennen begann")
        # Host A has read the file; what host B reads instead tells the two results apart.
        stored = Path(_job(host_a, InquiryFileJob).stored_path)
        stored.write_bytes(_typed_pdf(TYPED))
        _taken_over(host_a, host_b, InquiryFileJob)
        wait_for_jobs(host_a)  # host A has recognised its pages, and discards them

        job = _job(host_a, InquiryFileJob)
        assert (job.state, job.owner.split(":")[0], job.attempts, job.error) == (JobState.DONE, "host-b", 2, None)
        assert "Straßenbäume" in job.text and "Nitratwert" not in job.text
        assert job.stored_path is None and not stored.parent.exists()
        assert LOST in caplog.text
        created = staff.get(waiting_page, follow_redirects=True).get_data(as_text=True)
        assert "1 Frage erkannt" in created
        with host_a.app_context():
            [inquiry] = db.session.scalars(select(Inquiry)).all()
            assert [question.text for question in inquiry.questions] == [
                "Wie viele Straßenbäume hat der Kreis 2025 gefällt?"
            ]
    finally:
        _stop(host_a, host_b)
