"""Two application hosts behind one PostgreSQL and one Chroma server, end to end over HTTP (issue 16).

Everything is real: the throwaway PostgreSQL cluster and `chroma run` of tests/servers.py, and two
`gunicorn wsgi:app` processes on different ports, each with its own instance folder and data
directory (which holds only its keyword index and locks), sharing DATABASE_URL, DRAFTER_CHROMA_URL and
DRAFTER_UPLOAD_DIR, as two hosts behind a load balancer would. A curator signs in on each host as in a
browser; what is uploaded on one is found on the other, what is deleted on the other is gone on the first.

`two_hosts` starts the pair once for the module (each process loads the embedding model, ~10 s), so
further journeys across hosts – a drafting job taken over from a killed host – can be added here as tests
of their own.
"""

from __future__ import annotations

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

from tests.conftest import ROOT
from tests.servers import eventually, free_port, needs_postgresql
from tests.web.conftest import PASSWORD, USERS, make_app, seed_users, stop_app

from .test_knowledge_base import REPORT

QUESTION = "Wann beginnt der Glasfaserausbau in Haselbach?"
TITLE = "Sachstandsbericht Breitband 2024"  # the report's first line, which becomes its title
_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')

pytestmark = needs_postgresql


@dataclass
class Host:
    url: str
    process: subprocess.Popen
    log: Path
    browser: requests.Session | None = None

    def page(self, path: str, **params) -> str:
        answer = self.browser.get(self.url + path, params=params, timeout=60)
        answer.raise_for_status()
        return answer.text

    def submit(self, path: str, data: dict | None = None, files: dict | None = None) -> requests.Response:
        """A form post as the browser sends it: with the CSRF token of a page of this session."""
        token = _TOKEN.search(self.page("/knowledge/upload")).group(1)
        answer = self.browser.post(self.url + path, data={**(data or {}), "csrf_token": token}, files=files, timeout=60)
        answer.raise_for_status()
        return answer

    def search(self, query: str) -> str:
        return self.page("/knowledge/search", q=query)


def _start(folder: Path, shared: dict[str, str]) -> Host:
    folder.mkdir(parents=True)
    port = free_port()
    environment = {
        **os.environ,
        **shared,
        "HF_HUB_OFFLINE": "1",
        "ANONYMIZED_TELEMETRY": "False",
        "DRAFTER_INSTANCE_PATH": str(folder / "instance"),
        "DRAFTER_DATA_DIR": str(folder / "knowledge"),
        "DRAFTER_BIND": f"127.0.0.1:{port}",
        "DRAFTER_WEB_WORKERS": "1",
    }
    log = folder / "gunicorn.log"
    command = [str(Path(sys.executable).with_name("gunicorn")), "wsgi:app"]
    with open(log, "wb") as output:
        process = subprocess.Popen(command, cwd=ROOT, env=environment, stdout=output, stderr=subprocess.STDOUT)
    return Host(f"http://127.0.0.1:{port}", process, log)


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


def _sign_in(host: Host, role: str) -> None:
    host.browser = requests.Session()
    token = _TOKEN.search(host.page("/login")).group(1)
    username = USERS[role][0]
    answer = host.browser.post(
        host.url + "/login", data={"username": username, "password": PASSWORD, "csrf_token": token}, timeout=30
    )
    assert answer.ok and "/login" not in answer.url, "the curator must be signed in"


@pytest.fixture(scope="module")
def two_hosts(tmp_path_factory, postgresql, chroma_server) -> Iterator[tuple[Host, Host]]:
    """Two hosts on a fresh database, migrated and with the test accounts, each signed in as the curator."""
    folder = tmp_path_factory.mktemp("two-hosts")
    database = postgresql.create_database()
    setup = make_app(folder / "setup", folder / "setup-knowledge", None, SQLALCHEMY_DATABASE_URI=database)
    seed_users(setup)  # the app that migrated the database creates the accounts, then it is gone
    stop_app(setup)
    shared = {
        "DATABASE_URL": database,
        "DRAFTER_CHROMA_URL": chroma_server.url,
        "DRAFTER_UPLOAD_DIR": str(folder / "shared-uploads"),  # on NFS or the like in a real deployment
        "DRAFTER_SECRET_KEY": "der-gemeinsame-Schluessel-beider-Hosts",
        "DRAFTER_AUTO_MIGRATE": "0",
    }
    hosts = [_start(folder / name, shared) for name in ("host1", "host2")]
    try:
        for host in hosts:
            _wait_until_serving(host)
            _sign_in(host, "curator")
            host.search("Ladepunkte")  # loads the embedding model now, not while the clock runs
        yield hosts[0], hosts[1]
    finally:
        for host in hosts:
            host.process.send_signal(signal.SIGQUIT)  # gunicorn's quick shutdown: nothing of a test is to be kept
        for host in hosts:
            try:
                host.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                host.process.kill()
                host.process.wait()


def test_a_document_uploaded_on_one_host_is_found_on_the_other_and_deleted_there_for_both(two_hosts, tmp_path):
    first, second = two_hosts
    upload = tmp_path / "breitband.md"
    upload.write_text(REPORT, encoding="utf-8")
    with open(upload, "rb") as content:
        first.submit("/knowledge/upload", files={"files": ("breitband.md", content, "text/markdown")})

    eventually(lambda: TITLE in second.search(QUESTION), seconds=10, what="found by search on the second host")
    listing = second.page("/knowledge/")
    doc_id = re.search(r'href="/knowledge/documents/([0-9a-f]+)">' + TITLE, listing).group(1)
    assert "breitband.md" in listing

    second.submit(f"/knowledge/documents/{doc_id}/delete")
    eventually(lambda: TITLE not in first.search(QUESTION), seconds=10, what="gone from search on the first host")
    assert "breitband.md" not in first.page("/knowledge/")
    for host in (first, second):
        assert not (host.log.parent / "knowledge" / "catalog.sqlite").exists(), "the catalog is the shared one"
