"""Two application hosts behind one PostgreSQL and one Chroma server, end to end over HTTP (issue 16).

Everything is real: the throwaway PostgreSQL cluster and `chroma run` of tests/servers.py, and two
`gunicorn wsgi:app` processes on different ports, each with its own instance folder, data directory (which
holds only its keyword index and locks) and DRAFTER_HOST_NAME, sharing DATABASE_URL, DRAFTER_CHROMA_URL and
DRAFTER_UPLOAD_DIR, as two hosts behind a load balancer would. Staff and curators sign in on each host as in a
browser: what is uploaded on one is found on the other, what is deleted on the other is gone on the first, and a
drafting job whose host is killed while the language model writes is finished by the other host.

The language model is a scripted server on 127.0.0.1 (tests/llm/fake_llm_server.py), the only thing not of our
own; the hosts hold job leases of 2 s, swept every second, so a takeover takes seconds, not minutes.

`two_hosts` starts the pair once for the module (each process loads the embedding model, ~10 s). The test that
kills a host comes last in this file, so that the tests before it (pytest runs them in file order) have both.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from sqlalchemy import Engine, create_engine, select
from sqlalchemy.orm import Session

from tests.conftest import ROOT
from tests.llm.fake_llm_server import FakeLLMServer, Reply
from tests.servers import eventually, free_port, needs_postgresql
from tests.web.conftest import PASSWORD, USERS, make_app, seed_users, stop_app
from web.models import Draft, DraftingJob, JobState

from .test_knowledge_base import REPORT

QUESTION = "Wann beginnt der Glasfaserausbau in Haselbach?"
TITLE = "Sachstandsbericht Breitband 2024"  # the report's first line, which becomes its title
MODEL_SENTENCE = "Die Bauarbeiten für den Glasfaserausbau in Haselbach beginnen im Frühjahr 2026."
LEASE = {"DRAFTER_JOB_LEASE_SECONDS": "2", "DRAFTER_JOB_SWEEP_SECONDS": "1"}
_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')

pytestmark = needs_postgresql


@dataclass
class Browser:
    """One person signed in on one host, with the cookies of their session there."""

    url: str
    session: requests.Session

    def page(self, path: str, **params) -> str:
        answer = self.session.get(self.url + path, params=params, timeout=60)
        answer.raise_for_status()
        return answer.text

    def submit(self, path: str, data: dict | None = None, files: dict | None = None) -> requests.Response:
        """A form post as the browser sends it: with the CSRF token of a page of this session."""
        token = _TOKEN.search(self.page("/")).group(1)  # the sign-out form on every page carries it
        answer = self.session.post(self.url + path, data={**(data or {}), "csrf_token": token}, files=files, timeout=60)
        answer.raise_for_status()
        return answer

    def search(self, query: str) -> str:
        return self.page("/knowledge/search", q=query)


@dataclass
class Host:
    name: str
    url: str
    process: subprocess.Popen
    log: Path

    def sign_in(self, role: str) -> Browser:
        browser = Browser(self.url, requests.Session())
        token = _TOKEN.search(browser.page("/login")).group(1)
        data = {"username": USERS[role][0], "password": PASSWORD, "csrf_token": token}
        answer = browser.session.post(self.url + "/login", data=data, timeout=30)
        assert answer.ok and "/login" not in answer.url, f"{role} must be signed in on {self.name}"
        return browser

    def kill(self) -> None:
        """SIGKILL to the gunicorn master and its workers at once, as a host that loses its power."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()


@dataclass
class Deployment:
    first: Host
    second: Host
    database: str
    """The URL of the PostgreSQL database both hosts share."""
    llm: FakeLLMServer


def _start(name: str, folder: Path, shared: dict[str, str]) -> Host:
    folder.mkdir(parents=True)
    port = free_port()
    environment = {
        **os.environ,
        **shared,
        "HF_HUB_OFFLINE": "1",
        "ANONYMIZED_TELEMETRY": "False",
        "DRAFTER_HOST_NAME": name,
        "DRAFTER_INSTANCE_PATH": str(folder / "instance"),
        "DRAFTER_DATA_DIR": str(folder / "knowledge"),
        "DRAFTER_BIND": f"127.0.0.1:{port}",
        "DRAFTER_WEB_WORKERS": "1",
    }
    log = folder / "gunicorn.log"
    command = [str(Path(sys.executable).with_name("gunicorn")), "wsgi:app"]
    with open(log, "wb") as output:
        # A process group of its own: killing the host kills its workers with it, and nothing of the test runner.
        process = subprocess.Popen(
            command, cwd=ROOT, env=environment, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
    return Host(name, f"http://127.0.0.1:{port}", process, log)


def _wait_until_serving(host: Host) -> None:
    deadline = time.monotonic() + 120
    while True:
        try:
            if requests.get(host.url + "/login", timeout=30).status_code == 200:
                return
        except requests.RequestException:  # not listening yet, or still importing the application
            pass
        if host.process.poll() is not None or time.monotonic() > deadline:
            pytest.fail(f"gunicorn startete nicht: {host.log.read_text()[-3000:]}")
        time.sleep(0.3)


@pytest.fixture(scope="module")
def two_hosts(tmp_path_factory, postgresql, chroma_server) -> Iterator[Deployment]:
    """Two hosts on a fresh database, migrated and with the test accounts, drafting with the scripted model."""
    folder = tmp_path_factory.mktemp("two-hosts")
    database = postgresql.create_database()
    setup = make_app(folder / "setup", folder / "setup-knowledge", None, SQLALCHEMY_DATABASE_URI=database)
    seed_users(setup)  # the app that migrated the database creates the accounts, then it is gone
    stop_app(setup)
    llm = FakeLLMServer("openai").start()
    shared = {
        **LEASE,
        "DATABASE_URL": database,
        "DRAFTER_CHROMA_URL": chroma_server.url,
        "DRAFTER_UPLOAD_DIR": str(folder / "shared-uploads"),  # on NFS or the like in a real deployment
        "DRAFTER_SECRET_KEY": "der-gemeinsame-Schluessel-beider-Hosts",
        "DRAFTER_AUTO_MIGRATE": "0",
        "DRAFTER_LLM_URL": llm.url,
        "DRAFTER_LLM_MODEL": llm.model,
        "DRAFTER_LLM_RETRIES": "0",
        "DRAFTER_LLM_TIMEOUT": "900",  # a host waits for the model as long as it lives
    }
    hosts = [_start(name, folder / name, shared) for name in ("host1", "host2")]
    try:
        for host in hosts:
            _wait_until_serving(host)
            host.sign_in("curator").search("Ladepunkte")  # loads the embedding model now, not while the clock runs
        yield Deployment(hosts[0], hosts[1], database, llm)
    finally:
        for host in hosts:
            host.process.send_signal(signal.SIGQUIT)  # gunicorn's quick shutdown: nothing of a test is to be kept
        for host in hosts:
            try:
                host.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(host.process.pid, signal.SIGKILL)
                host.process.wait()
        llm.stop()


def _upload_report(curator: Browser, folder: Path) -> None:
    upload = folder / "breitband.md"
    upload.write_text(REPORT, encoding="utf-8")
    with open(upload, "rb") as content:
        curator.submit("/knowledge/upload", files={"files": ("breitband.md", content, "text/markdown")})


def test_a_document_uploaded_on_one_host_is_found_on_the_other_and_deleted_there_for_both(two_hosts, tmp_path):
    first, second = two_hosts.first.sign_in("curator"), two_hosts.second.sign_in("curator")
    _upload_report(first, tmp_path)

    eventually(lambda: TITLE in second.search(QUESTION), seconds=10, what="found by search on the second host")
    listing = second.page("/knowledge/")
    doc_id = re.search(r'href="/knowledge/documents/([0-9a-f]+)">' + TITLE, listing).group(1)
    assert "breitband.md" in listing

    second.submit(f"/knowledge/documents/{doc_id}/delete")
    eventually(lambda: TITLE not in first.search(QUESTION), seconds=10, what="gone from search on the first host")
    assert "breitband.md" not in first.page("/knowledge/")
    for host in (two_hosts.first, two_hosts.second):
        assert not (host.log.parent / "knowledge" / "catalog.sqlite").exists(), "the catalog is the shared one"


def _drafting_job(database: Engine) -> DraftingJob | None:
    with Session(database) as session:
        return session.scalars(select(DraftingJob)).one_or_none()


def _claimed(database: Engine, llm: FakeLLMServer) -> DraftingJob | None:
    """The job once a host runs it and waits for the model's first answer."""
    job = _drafting_job(database)
    return job if job is not None and job.state == JobState.RUNNING and llm.attempts == 1 else None


def test_a_drafting_job_of_a_killed_host_is_finished_by_the_other_and_nothing_is_lost(two_hosts, tmp_path):
    """Kills a host: the last test of the module."""
    answer = json.dumps({"saetze": [{"text": MODEL_SENTENCE, "quellen": [1], "zitat": ""}]})
    two_hosts.llm.reply_with(Reply(content=answer, delay=900), answer)  # the first answer never comes
    _upload_report(two_hosts.first.sign_in("curator"), tmp_path)
    curator = two_hosts.second.sign_in("curator")
    eventually(lambda: TITLE in curator.search(QUESTION), seconds=10, what="the report found on both hosts")
    staff = {host.name: host.sign_in("staff") for host in (two_hosts.first, two_hosts.second)}
    inquiry = "Anfrage zum Breitbandausbau\n\n1. " + QUESTION + "\n"
    form = {"reference": "B-16", "kind": "ifg", "received_on": "2026-01-14", "text": inquiry}
    created = staff["host1"].submit("/inquiries/new", form)
    inquiry_id = re.search(r"/inquiries/(\d+)", created.url).group(1)
    staff["host1"].submit(f"/inquiries/{inquiry_id}/questions/draft")

    database = create_engine(two_hosts.database)
    try:
        # Usually host1, where drafting was started; host2's sweep may claim the job first, then it is killed.
        job = eventually(lambda: _claimed(database, two_hosts.llm), seconds=30, what="a host asked the model")
        claimer, survivor = (two_hosts.first, two_hosts.second)
        if job.owner.startswith("host2:"):
            claimer, survivor = survivor, claimer
        assert job.owner.startswith(f"{claimer.name}:") and job.attempts == 1
        claimer.kill()

        eventually(
            lambda: _drafting_job(database).state == JobState.DONE, seconds=30, what=f"{survivor.name} took over"
        )
        job = _drafting_job(database)
        assert (job.attempts, job.error, job.owner.split(":")[0]) == (2, None, survivor.name)
        assert two_hosts.llm.attempts == 2
        with Session(database) as session:
            draft = session.scalars(select(Draft)).one()
            assert [revision.origin for revision in draft.revisions] == ["generated"]
            draft_id = draft.id
    finally:
        database.dispose()
    assert MODEL_SENTENCE in staff[survivor.name].page(f"/answers/{draft_id}")
