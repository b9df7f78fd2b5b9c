"""Background work in the app process: drafting answers and ingesting uploads, with state kept in the DB.

A job row is the source of truth; the thread pools only execute. A worker claims a job with
an atomic UPDATE (queued → running, stamped with the owner process, one more attempt), so a
job never runs twice even when several gunicorn workers or hosts share the database. While a
job runs, one thread per process renews its lease (`heartbeat_at`) several times per
JOB_LEASE_SECONDS. On start, and every JOB_SWEEP_SECONDS, each process requeues jobs whose
owner is gone and picks up queued jobs, so a restarted server or another host finishes what
was interrupted: an owner on the same host is gone as soon as its process no longer exists,
an owner on another host (HOST_NAME, not a pid we can look at) once its lease has run out.
A job whose process died JOB_MAX_ATTEMPTS times (a file that crashes every worker) is marked
failed with the reason instead of being tried for ever. The sweep and the heartbeat lock
their rows with `FOR UPDATE SKIP LOCKED`, so two processes sweeping at once on PostgreSQL
never judge the same job, and neither waits for a row a handler holds (SQLite serialises
writers by itself and ignores the clause).

Fencing: a process cut off from the database for longer than the lease, or paused, loses its job to
another host and yet carries on with it. So a handler writes its result only after `hold_lease` has
found the row still running under this process at the attempt it claimed, in the transaction that
writes the result; a run that has lost its job discards what it made.
"""

from __future__ import annotations

import logging
import os
import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import Flask
from sqlalchemy import select, update

from drafter.errors import DrafterError
from web.database import db, utcnow
from web.models import DraftingJob, IngestionJob, JobState

log = logging.getLogger(__name__)

Handler = Callable[[int], None]
CleanUp = Callable[[], None]
HEARTBEATS_PER_LEASE = 6
"""A lease survives this many missed heartbeats less one (a database hiccup) before another host takes the job."""


@dataclass(frozen=True)
class Claim:
    """Who runs a job, and in which attempt: the row names both for as long as the job belongs to this run."""

    owner: str
    attempts: int


_current_claim: ContextVar[Claim] = ContextVar("job claim")
"""The claim of the job the current worker thread runs, set by JobRunner._run for hold_lease."""


def process_identity(host: str, pid: int | None = None) -> str:
    """host:pid:start-time – unique for a running process, unlike a reused pid in a container."""
    pid = pid or os.getpid()
    return f"{host}:{pid}:{_start_time(pid)}"


def _start_time(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return "0"


def owner_alive(owner: str | None, host: str) -> bool | None:
    """True/False for owners on this host; None when the owner ran on another host (its lease decides)."""
    if not owner:
        return False
    owner_host, pid, started = owner.rsplit(":", 2)
    if owner_host != host:
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
        self._running: dict[str, Counter[int]] = {}
        """The ids of the jobs this process is running, per queue: the heartbeat renews their leases. Counted, as
        a run that lost its job may still be going when this process claims the job again."""

    def register(self, name: str, model: type, handler: Handler, threads: int, clean_up: CleanUp | None = None) -> None:
        self.queues[name] = JobQueue(name, model, handler, threads, clean_up)

    @property
    def owner(self) -> str:
        return process_identity(self.app.config["HOST_NAME"])

    def start(self) -> None:
        """Start the pools in this process (again after a fork) and resume unfinished jobs."""
        with self._lock:
            if self._pid == os.getpid():
                return
            self._pid = os.getpid()
            self._stop.clear()
            self._running = {name: Counter() for name in self.queues}  # a forked child runs none of its parent's
            for queue in self.queues.values():
                queue.executor = ThreadPoolExecutor(queue.threads, thread_name_prefix=f"drafter-{queue.name}")
        self._clean_up()
        self.sweep()
        threading.Thread(target=self._sweep_forever, name="drafter-job-sweeper", daemon=True).start()
        threading.Thread(target=self._renew_forever, name="drafter-job-heartbeat", daemon=True).start()

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

    def renew_leases(self) -> None:
        """Stamp the heartbeat of every job this process runs, so that no other host takes them over."""
        with self._lock:
            running = {name: sorted(ids) for name, ids in self._running.items() if ids}
        if not running:
            return
        owner = self.owner
        with self.app.app_context():
            for name, ids in running.items():
                model = self.queues[name].model
                # A row its handler holds in an open transaction is skipped, not waited for; the sweep skips it too.
                free = db.session.scalars(
                    select(model.id)
                    .where(model.id.in_(ids), model.owner == owner, model.state == JobState.RUNNING)
                    .with_for_update(skip_locked=True)
                ).all()
                if free:
                    db.session.execute(update(model).where(model.id.in_(free)).values(heartbeat_at=utcnow()))
            db.session.commit()

    def _sweep_forever(self) -> None:
        while not self._stop.wait(self.app.config["JOB_SWEEP_SECONDS"]):
            try:
                self.sweep()
            except Exception:  # the sweeper must survive a database hiccup
                log.exception("Hintergrundaufträge konnten nicht geprüft werden")

    def _renew_forever(self) -> None:
        while not self._stop.wait(self.app.config["JOB_LEASE_SECONDS"] / HEARTBEATS_PER_LEASE):
            try:
                self.renew_leases()
            except Exception:  # a missed heartbeat costs nothing while the lease lasts
                log.exception("Die Leases der laufenden Aufträge konnten nicht erneuert werden")

    def _requeue_orphans(self, model: type) -> None:
        """Jobs whose owner is gone: queued again, or failed once they have used up their attempts."""
        # of=model: PostgreSQL locks no rows of the outer join that loads the requester eagerly, and refuses to try.
        running = db.session.scalars(
            select(model).where(model.state == JobState.RUNNING).with_for_update(skip_locked=True, of=model)
        ).all()
        limit = self.app.config["JOB_MAX_ATTEMPTS"]
        expired = utcnow() - timedelta(seconds=self.app.config["JOB_LEASE_SECONDS"])
        for job in running:
            if not self._orphaned(job, expired):
                continue
            if job.attempts >= limit:
                log.warning("Auftrag %s %s nach %d Versuchen aufgegeben", model.__tablename__, job.id, job.attempts)
                job.state, job.error, job.finished_at = JobState.FAILED, interrupted_message(job.attempts), utcnow()
            else:
                log.info("Setze unterbrochenen Auftrag %s %s fort", model.__tablename__, job.id)
                job.state, job.owner, job.started_at, job.heartbeat_at = JobState.QUEUED, None, None, None

    def _orphaned(self, job: DraftingJob | IngestionJob, expired: datetime) -> bool:
        """On this host a dead owner is known at once; another host's job is orphaned once its lease has run out
        (a job from before leases has no heartbeat and is judged by its start)."""
        alive = owner_alive(job.owner, self.app.config["HOST_NAME"])
        if alive is not None:
            return not alive
        last_sign = job.heartbeat_at or job.started_at
        return last_sign is None or last_sign < expired

    def _claim(self, model: type, job_id: int) -> Claim | None:
        now, owner = utcnow(), self.owner
        attempts = db.session.scalar(
            update(model)
            .where(model.id == job_id, model.state == JobState.QUEUED)
            .values(state=JobState.RUNNING, owner=owner, started_at=now, heartbeat_at=now, attempts=model.attempts + 1)
            .returning(model.attempts)
        )
        db.session.commit()
        return None if attempts is None else Claim(owner, attempts)

    def _run(self, queue: JobQueue, job_id: int) -> None:
        try:
            with self.app.app_context():
                claim = self._claim(queue.model, job_id)
                if claim is None:
                    return
                _current_claim.set(claim)
                with self._lock:
                    self._running[queue.name][job_id] += 1
                try:
                    queue.handler(job_id)
                except Exception as error:  # a job must end in a state, never stay "running"
                    log.exception("Auftrag %s %s fehlgeschlagen", queue.name, job_id)
                    db.session.rollback()
                    _mark_failed(queue.model, job_id, error)
                finally:
                    with self._lock:
                        running = self._running[queue.name]
                        running[job_id] -= 1
                        if not running[job_id]:
                            del running[job_id]
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
    if job is not None and hold_lease(job):  # a run that lost its job must not fail the new owner's
        job.state, job.error, job.finished_at = JobState.FAILED, message, utcnow()
        db.session.commit()


def hold_lease(job: db.Model) -> bool:
    """Whether the current run still holds `job`: its row still running under this process at the attempt it
    claimed. Call it in the handler's thread right before writing the job's result, in the same transaction.

    The check is an UPDATE of the row (renewing its heartbeat), so its lock lasts until the commit: on
    PostgreSQL the row is locked (another host's sweep skips it, a claim waits and then finds the job ended),
    on SQLite the database is (writers queue behind it). None of the session's pending changes is flushed
    before it, so the result is written only once the check has passed.
    A run that lost its job (taken over after its lease ran out, given up after too many attempts, or
    claimed again by a later attempt) gets False with its session rolled back, and must discard its result;
    the warning goes to the log only, as nobody waits for this run any more.
    """
    claim, model, job_id = _current_claim.get(), type(job), job.id
    with db.session.no_autoflush:
        held = db.session.execute(
            update(model)
            .where(
                model.id == job_id,
                model.owner == claim.owner,
                model.attempts == claim.attempts,
                model.state == JobState.RUNNING,
            )
            .values(heartbeat_at=utcnow())
            .execution_options(synchronize_session=False)
        )
    if held.rowcount == 1:
        return True
    db.session.rollback()
    log.warning(
        "Auftrag %s %s (Versuch %d) wurde von einem anderen Lauf übernommen; sein Ergebnis wird verworfen",
        model.__tablename__,
        job_id,
        claim.attempts,
    )
    return False


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
