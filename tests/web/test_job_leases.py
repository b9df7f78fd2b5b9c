"""A job of a host that died is taken over by another host once its lease has run out (issue 16); a job whose
owner on another host still renews its lease is left alone.

The hosts are real processes with their own instance folders and data directories, told apart by
DRAFTER_HOST_NAME, sharing one database (a SQLite file, or PostgreSQL in the second run of the web tests). The
language model is a scripted server on 127.0.0.1 whose first answer never comes in time: the first host waits
for it, renewing its lease, while the second sweeps alongside; then the first is killed with SIGKILL.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.conftest import ROOT
from tests.llm.fake_llm_server import FakeLLMServer, Reply
from tests.web.conftest import login, make_app, post, seed_users, stop_app
from web.database import db, utcnow
from web.models import Draft, DraftingJob, Inquiry, JobState

MODEL_SENTENCE = "Die Kreisverwaltung bietet ihre Online-Dienste über das Serviceportal an."
MODEL_ANSWER = json.dumps({"saetze": [{"text": MODEL_SENTENCE, "quellen": [1], "zitat": ""}]})
"""The model's reply: its one sentence, citing the first passage."""
INQUIRY = "Anfrage zur Digitalisierung\n\n1. Wie viele Leistungen der Kreisverwaltung lassen sich digital beantragen?\n"
LEASE = {"DRAFTER_JOB_LEASE_SECONDS": "2", "DRAFTER_JOB_SWEEP_SECONDS": "1"}
# One application host: its own instance folder and data directory, the shared database, running its jobs.
HOST = """
import sys, time
from pathlib import Path
from tests.web.conftest import make_app
make_app(Path(sys.argv[1]), Path(sys.argv[2]), None, START_WORKERS=True, SQLALCHEMY_DATABASE_URI=sys.argv[3])
(Path(sys.argv[1]) / "started").touch()
time.sleep(900)
"""


def start_drafting(app, reference: str):
    """Staff record an inquiry with one question and start drafting it; returns their signed-in client."""
    seed_users(app)
    staff = login(app, "staff")
    post(staff, "/inquiries/new", {"reference": reference, "kind": "ifg", "received_on": "2026-01-14", "text": INQUIRY})
    post(staff, "/inquiries/1/questions/draft")
    return staff


def _start_host(name: str, folder: Path, sample_knowledge: Path, database: str, llm: FakeLLMServer):
    shutil.copytree(sample_knowledge, folder / "knowledge")
    environment = {
        **os.environ,
        **LEASE,
        "HF_HUB_OFFLINE": "1",
        "DRAFTER_HOST_NAME": name,
        "DRAFTER_LLM_URL": llm.url,
        "DRAFTER_LLM_MODEL": llm.model,
        "DRAFTER_LLM_RETRIES": "0",
        "DRAFTER_LLM_TIMEOUT": "900",
    }
    command = [sys.executable, "-c", HOST, str(folder / "instance"), str(folder / "knowledge"), database]
    return subprocess.Popen(command, cwd=ROOT, env=environment)


def _job(app) -> DraftingJob:
    with app.app_context():
        return db.session.scalars(select(DraftingJob)).one()


def _wait(condition, host: subprocess.Popen, what: str, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert host.poll() is None, f"der Host endete, bevor {what}"
        assert time.monotonic() < deadline, f"nicht geschehen: {what}"
        time.sleep(0.1)


def _stop(host: subprocess.Popen) -> None:
    host.send_signal(signal.SIGKILL)
    host.wait()


def test_a_drafting_job_of_a_killed_host_is_finished_by_another_host(tmp_path, sample_knowledge, embedder):
    llm = FakeLLMServer("openai").start()
    llm.reply_with(
        Reply(content=MODEL_ANSWER, delay=900), MODEL_ANSWER
    )  # host A waits for ever; host B is answered at once
    shutil.copytree(sample_knowledge, tmp_path / "knowledge")
    app = make_app(tmp_path / "instance", tmp_path / "knowledge", embedder)  # the database; runs no jobs itself
    staff = start_drafting(app, "L-1")
    database = app.config["SQLALCHEMY_DATABASE_URI"]
    try:
        host_a = _start_host("host-a", tmp_path / "a", sample_knowledge, database, llm)
        host_b = None
        try:
            _wait(lambda: llm.attempts == 1, host_a, "host-a den Entwurf beim Sprachmodell anfragte")
            host_b = _start_host("host-b", tmp_path / "b", sample_knowledge, database, llm)
            _wait(lambda: (tmp_path / "b" / "instance" / "started").exists(), host_b, "host-b startete")
            # host-b sweeps every second while host-a renews its lease of 2 s, well past one lease.
            renewed_after = utcnow() + timedelta(seconds=3)
            _wait(lambda: _job(app).heartbeat_at > renewed_after, host_a, "host-a seinen Auftrag weiter hielt")
            assert _job(app).owner.startswith("host-a:") and llm.attempts == 1
            _stop(host_a)
            _wait(lambda: _job(app).state == JobState.DONE, host_b, "host-b den Auftrag übernahm und beendete")
        finally:
            for host in (host_a, host_b):
                if host is not None:
                    _stop(host)

        job = _job(app)
        assert (job.attempts, job.error, job.owner.split(":")[0]) == (2, None, "host-b")
        assert llm.attempts == 2
        with app.app_context():
            draft = db.session.scalars(select(Draft)).one()
            assert [r.origin for r in draft.revisions] == ["generated"]
            assert len(db.session.scalar(select(Inquiry)).questions) == 1
        page = staff.get(f"/answers/{draft.id}").get_data(as_text=True)
        assert MODEL_SENTENCE in page
    finally:
        stop_app(app)
        llm.stop()


def _running(app, owner: str, heartbeat_age: timedelta) -> None:
    with app.app_context():
        job = db.session.scalars(select(DraftingJob)).one()
        job.state, job.owner, job.attempts = JobState.RUNNING, owner, 1
        job.started_at = utcnow() - timedelta(hours=1)
        job.heartbeat_at = utcnow() - heartbeat_age
        db.session.commit()


def test_a_job_whose_owner_renews_its_lease_is_not_taken_over(tmp_path, knowledge_dir, embedder, monkeypatch):
    for name, value in LEASE.items():
        monkeypatch.setenv(name, value)
    app = make_app(tmp_path / "instance", knowledge_dir, embedder)
    start_drafting(app, "L-2")
    runner = app.extensions["drafter_jobs"]
    try:
        _running(app, "anderer-host:4242:123456", heartbeat_age=timedelta(seconds=0))
        runner.sweep()
        job = _job(app)
        assert (job.state, job.owner, job.attempts) == (JobState.RUNNING, "anderer-host:4242:123456", 1)

        _running(app, "anderer-host:4242:123456", heartbeat_age=timedelta(seconds=3))  # older than the lease of 2 s
        runner.sweep()
        job = _job(app)
        assert (job.state, job.owner, job.attempts) == (JobState.QUEUED, None, 1)

        # On its own host a dead process is known at once, however fresh its last heartbeat.
        _running(app, f"{app.config['HOST_NAME']}:999999:1", heartbeat_age=timedelta(seconds=0))
        runner.sweep()
        assert _job(app).state == JobState.QUEUED
    finally:
        stop_app(app)


def test_a_sweep_slower_than_the_lease_is_refused_at_start(tmp_path, knowledge_dir, embedder, monkeypatch):
    monkeypatch.setenv("DRAFTER_JOB_LEASE_SECONDS", "30")
    monkeypatch.setenv("DRAFTER_JOB_SWEEP_SECONDS", "60")
    with pytest.raises(ValueError, match=r"DRAFTER_JOB_SWEEP_SECONDS .* kleiner als DRAFTER_JOB_LEASE_SECONDS"):
        make_app(tmp_path / "instance", knowledge_dir, embedder)


def test_a_host_name_too_long_for_the_jobs_is_refused_at_start(tmp_path, knowledge_dir, embedder, monkeypatch):
    monkeypatch.setenv("DRAFTER_HOST_NAME", "pod-" + "x" * 120)
    with pytest.raises(ValueError, match=r"bitte DRAFTER_HOST_NAME auf einen kürzeren Namen setzen"):
        make_app(tmp_path / "instance", knowledge_dir, embedder)
