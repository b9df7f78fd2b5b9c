"""The real servers some tests need, each throwaway, in a temporary directory, on 127.0.0.1 and a free port.

A PostgreSQL cluster from Debian's `postgresql` package: the cluster lives in a temporary directory and listens on 127.0.0.1 on a free port, with trust
authentication; it never touches a system cluster. `initdb` refuses to run as root, so as root
(CI runs as root) the server runs as Debian's `postgres` user. Each app gets a database of its
own, copied from one that holds the migrated schema: copying is much faster than migrating.

A Chroma server (`chroma run`, the command that comes with the chromadb package), as several
application hosts would share it. An SMTP server (aiosmtpd) that keeps every mail it accepts.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import TypeVar

import pytest

BINARIES = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
USER = "drafter"
CHROMA = Path(sys.executable).with_name("chroma")
MISSING = "PostgreSQL fehlt: scripts/setup installiert das Debian-Paket postgresql."
T = TypeVar("T")
needs_postgresql = pytest.mark.skipif(not BINARIES, reason=MISSING)
"""For tests that also run without PostgreSQL (on SQLite), so that their PostgreSQL half is skipped, not failed."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Mailbox:
    """Every mail the test SMTP server accepted, parsed (the handler aiosmtpd's Controller calls)."""

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


class PostgresCluster:
    """One running server; `create_database` hands out empty databases, `url` addresses one."""

    def __init__(self) -> None:
        if not BINARIES:
            pytest.fail(MISSING)
        self._bin = BINARIES[-1].parent
        self.folder = Path(tempfile.mkdtemp(prefix="drafter-postgresql-"))
        self.port = free_port()
        self._numbers = itertools.count(1)
        self._as_owner: list[str] = []
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres")
            self._as_owner = ["runuser", "-u", "postgres", "--"]
        data = self.folder / "data"
        self._run("initdb", "-D", str(data), "-A", "trust", "-U", USER, "-E", "UTF8", "--locale=C.UTF-8", "--no-sync")
        # fsync off: a test cluster need not survive a power cut, and the tests run faster without it.
        options = f"-k {self.folder} -h 127.0.0.1 -p {self.port} -F"
        self._run("pg_ctl", "-D", str(data), "-o", options, "-l", str(self.folder / "server.log"), "-w", "start")

    def _run(self, program: str, *args: str) -> None:
        command = [*self._as_owner, str(self._bin / program), *args]
        subprocess.run(command, check=True, capture_output=True, text=True, timeout=120)

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://{USER}@127.0.0.1:{self.port}/{database}"

    def create_database(self) -> str:
        """A new empty database; returns its URL."""
        return ensure_database(self.url(f"test_{next(self._numbers)}"))

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.folder / "data"), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)


def ensure_database(url: str, template: str | None = None) -> str:
    """The database at `url`, created (as a copy of the database `template`, if given) unless it exists."""
    import psycopg

    server, name = url.rsplit("/", 1)
    with psycopg.connect(f"{server}/postgres".replace("+psycopg", ""), autocommit=True) as connection:
        if connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is None:
            connection.execute(f"CREATE DATABASE {name}" + (f" TEMPLATE {template}" if template else ""))
    return url


def instance_database(template_url: str, instance: Path, migrated: bool = True) -> str:
    """The database of one instance folder, a copy of the migrated template (or empty): named after the folder,
    so that two apps on one folder (a restart, a second worker process) share it, as they share a SQLite file."""
    server, template = template_url.rsplit("/", 1)
    name = "instance_" + hashlib.sha256(str(instance.resolve()).encode()).hexdigest()[:24]
    return ensure_database(f"{server}/{name}", template if migrated else None)


def drop_instance_databases(template_url: str) -> None:
    """Drop every instance database on the template's server, connected or not: copies of finished tests would add
    up to gigabytes, and deleting them at the end took minutes."""
    import psycopg

    server = template_url.rsplit("/", 1)[0]
    with psycopg.connect(f"{server}/postgres".replace("+psycopg", ""), autocommit=True) as connection:
        names = connection.execute("SELECT datname FROM pg_database WHERE datname LIKE 'instance\\_%'").fetchall()
        for (name,) in names:
            connection.execute(f"DROP DATABASE {name} WITH (FORCE)")


class ChromaServer:
    """`chroma run` on its own directory; `url` is what DRAFTER_CHROMA_URL would say."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="drafter-chroma-"))
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        command = [str(CHROMA), "run", "--path", str(self.folder / "data"), "--host", "127.0.0.1", "--port", str(port)]
        self._log = open(self.folder / "server.log", "wb")  # noqa: SIM115 - open as long as the server runs
        quiet = {**os.environ, "ANONYMIZED_TELEMETRY": "False"}
        self._process = subprocess.Popen(command, stdout=self._log, stderr=subprocess.STDOUT, env=quiet)
        deadline = time.monotonic() + 60
        while not self._answers():
            if self._process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                pytest.fail(f"chroma run startete nicht: {(self.folder / 'server.log').read_text()[-2000:]}")
            time.sleep(0.2)

    def _answers(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.url}/api/v2/heartbeat", timeout=2) as answer:
                return answer.status == 200
        except OSError:
            return False

    def stop(self) -> None:
        self._process.terminate()
        try:
            self._process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._log.close()
        shutil.rmtree(self.folder, ignore_errors=True)


def eventually(check: Callable[[], T], seconds: float = 10.0, what: str = "") -> T:
    """The first truthy answer of `check`, asked every 0.2 s: what another host or process does arrives a little
    later, as a user would see it. Fails the test after `seconds`."""
    deadline = time.monotonic() + seconds
    while True:
        answer = check()
        if answer:
            return answer
        if time.monotonic() > deadline:
            pytest.fail(f"nicht binnen {seconds:g} s: {what or check}")
        time.sleep(0.2)
