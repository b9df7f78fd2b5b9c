"""Background work in the app process: drafting answers and ingesting uploads, with state kept in the DB.

A job row is the source of truth; the thread pools only execute. A worker claims a job with
an atomic UPDATE (queued → running, stamped with the owner process, one more attempt), so a
job never runs twice even when several gunicorn workers share the database. On start, and
every minute, each process requeues jobs whose owner process no longer exists and picks up
queued jobs, so a restarted server finishes what was interrupted. A job whose process died
JOB_MAX_ATTEMPTS times (a file that crashes every worker) is marked failed with the reason
instead of being tried for ever. The sweep reads running jobs with `FOR UPDATE SKIP LOCKED`,
so two processes sweeping at once on PostgreSQL never judge the same job (SQLite serialises
writers by itself and ignores the clause).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from flask import Flask
from sqlalchemy import select, update

from drafter.errors import DrafterError
from web.database import db, utcnow
from web.models import DraftingJob, IngestionJob, JobState

log = logging.getLogger(__name__)

Handler = Callable[[int], None]
CleanUp = Callable[[], None]
SWEEP_SECONDS = 60
FOREIGN_HOST_TIMEOUT = timedelta(hours=2)


def process_identity(pid: int | None = None) -> str:
    """host:pid:start-time – unique for a running process, unlike a reused pid in a container."""
    pid = pid or os.getpid()
    return f"{socket.gethostname()}:{pid}:{_start_time(pid)}"


def _start_time(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return "0"


def owner_alive(owner: str | None) -> bool | None:
    """True/False for owners on this host; None when the owner ran on another machine."""
    if not owner:
        return False
    host, pid, started = owner.rsplit(":", 2)
    if host != socket.gethostname():
        return None
    return _start_time(int(pid)) == started and started != "0"


class JobQueue:
    """One kind of job: its table, its handler and the pool that runs it."""

    def __init__(self, name: str, model: type, handler: Handler, threads: int, clean_up: CleanUp | None) -> None:
        self.name = name
        self.model = model
        self.handler = handler
        self.threads = threads
        self.clean_up = clean_up
        """Removes what jobs of this kind left behind when their process was killed; run at start."""
        self.executor: ThreadPoolExecutor | None = None


class JobRunner:
    def __init__(self, app: Flask) -> None:
        self.app = app
        self.queues: dict[str, JobQueue] = {}
        self._pid: int | None = None
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._pending = 0
        self._idle = threading.Condition(self._lock)

    def register(self, name: str, model: type, handler: Handler, threads: int, clean_up: CleanUp | None = None) -> None:
        self.queues[name] = JobQueue(name, model, handler, threads, clean_up)

    @property
    def owner(self) -> str:
        return process_identity()

    def start(self) -> None:
        """Start the pools in this process (again after a fork) and resume unfinished jobs."""
        with self._lock:
            if self._pid == os.getpid():
                return
            self._pid = os.getpid()
            self._stop.clear()
            for queue in self.queues.values():
                queue.executor = ThreadPoolExecutor(queue.threads, thread_name_prefix=f"drafter-{queue.name}")
        self._clean_up()
        self.sweep()
        threading.Thread(target=self._sweep_forever, name="drafter-job-sweeper", daemon=True).start()

    def ensure_started(self) -> None:
        if self._pid != os.getpid():
            self.start()

    def shutdown(self, wait: bool = True) -> None:
        self._stop.set()
        for queue in self.queues.values():
            if queue.executor is not None:
                queue.executor.shutdown(wait=wait, cancel_futures=not wait)
                queue.executor = None
        self._pid = None

    def submit(self, name: str, job_ids: list[int]) -> None:
        """Hand freshly committed jobs to the pool; without started workers they wait in the DB."""
        queue = self.queues[name]
        if queue.executor is None:
            return
        for job_id in job_ids:
            with self._lock:
                self._pending += 1
            queue.executor.submit(self._run, queue, job_id)

    def wait_idle(self, timeout: float = 60.0) -> bool:
        """Block until no submitted job is pending (for tests and the command line)."""
        with self._idle:
            return self._idle.wait_for(lambda: self._pending == 0, timeout)

    def sweep(self) -> None:
        """Requeue jobs of dead owners and submit every queued job; claiming keeps this idempotent."""
        with self.app.app_context():
            for queue in self.queues.values():
                self._requeue_orphans(queue.model)
                queued = db.session.scalars(
                    select(queue.model.id).where(queue.model.state == JobState.QUEUED).order_by(queue.model.id)
                ).all()
                db.session.commit()
                self.submit(queue.name, list(queued))

    def _clean_up(self) -> None:
        with self.app.app_context():
            for queue in self.queues.values():
                if queue.clean_up is None:
                    continue
                try:
                    queue.clean_up()
                except OSError:  # a read-only or full disk must not keep the app from starting
                    log.exception("Reste der Aufträge %s konnten nicht entfernt werden", queue.name)

    def _sweep_forever(self) -> None:
        while not self._stop.wait(SWEEP_SECONDS):
            try:
                self.sweep()
            except Exception:  # the sweeper must survive a database hiccup
                log.exception("Hintergrundaufträge konnten nicht geprüft werden")

    def _requeue_orphans(self, model: type) -> None:
        """Jobs whose process died: queued again, or failed once they have used up their attempts."""
        # of=model: PostgreSQL locks no rows of the outer join that loads the requester eagerly, and refuses to try.
        running = db.session.scalars(
            select(model).where(model.state == JobState.RUNNING).with_for_update(skip_locked=True, of=model)
        ).all()
        limit = self.app.config["JOB_MAX_ATTEMPTS"]
        for job in running:
            alive = owner_alive(job.owner)
            stale = alive is None and job.started_at and utcnow() - job.started_at > FOREIGN_HOST_TIMEOUT
            if not (alive is False or stale):
                continue
            if job.attempts >= limit:
                log.warning("Auftrag %s %s nach %d Versuchen aufgegeben", model.__tablename__, job.id, job.attempts)
                job.state, job.error, job.finished_at = JobState.FAILED, interrupted_message(job.attempts), utcnow()
            else:
                log.info("Setze unterbrochenen Auftrag %s %s fort", model.__tablename__, job.id)
                job.state, job.owner, job.started_at = JobState.QUEUED, None, None

    def _claim(self, model: type, job_id: int) -> bool:
        result = db.session.execute(
            update(model)
            .where(model.id == job_id, model.state == JobState.QUEUED)
            .values(state=JobState.RUNNING, owner=self.owner, started_at=utcnow(), attempts=model.attempts + 1)
        )
        db.session.commit()
        return result.rowcount == 1

    def _run(self, queue: JobQueue, job_id: int) -> None:
        try:
            with self.app.app_context():
                if not self._claim(queue.model, job_id):
                    return
                try:
                    queue.handler(job_id)
                except Exception as error:  # a job must end in a state, never stay "running"
                    log.exception("Auftrag %s %s fehlgeschlagen", queue.name, job_id)
                    db.session.rollback()
                    _mark_failed(queue.model, job_id, error)
        finally:
            with self._idle:
                self._pending -= 1
                self._idle.notify_all()


def _mark_failed(model: type, job_id: int, error: Exception) -> None:
    message = (
        str(error)
        if isinstance(error, DrafterError)
        else (
            f"Unerwarteter Fehler ({type(error).__name__}). Bitte erneut versuchen; "
            "bleibt der Fehler, die Administration informieren."
        )
    )
    job = db.session.get(model, job_id)
    if job is not None:
        job.state, job.error, job.finished_at = JobState.FAILED, message, utcnow()
        db.session.commit()


def interrupted_message(attempts: int) -> str:
    return (
        f"Abgebrochen nach {attempts} {'Versuch' if attempts == 1 else 'Versuchen'}: der Verarbeitungsprozess "
        "wurde jedes Mal beendet, bevor der Auftrag fertig war (Absturz oder Neustart des Servers). Bitte "
        "erneut versuchen; bricht er wieder ab, die Administration informieren (die Ursache steht im Protokoll des "
        "Servers)."
    )


def finish(job: DraftingJob | IngestionJob) -> None:
    job.state = JobState.DONE
    job.finished_at = utcnow()
