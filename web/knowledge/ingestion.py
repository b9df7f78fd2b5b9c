"""Uploads into the knowledge base: stored per file, checked at once, ingested one after another.

Each uploaded file becomes an ingestion job. A file that is too large, empty or of an
unsupported type fails at upload with a German message and is not stored; the others of
the same upload are queued. Files are kept under a stable name in UPLOAD_DIR/knowledge, so
uploading a corrected version of a document updates it instead of adding a duplicate.

Crash safety: the upload waits in UPLOAD_DIR/incoming (synced to disk before the job is
committed) until the knowledge base has stored the new version and moved a copy over the
original (`KnowledgeBase.ingest_file`); the previous version stays in place and searchable
until then, and a job retried after a crash finds the upload where it was.

A run that lost its job to another host meanwhile (web/jobs.py, `hold_lease`) records nothing and leaves the
upload to the new owner. Its copy may already be in the knowledge base, but under the document's stable name,
so the new owner's run stores the same document again rather than a second one.
"""

from __future__ import annotations

import logging
import os
import re
import secrets
import time
import unicodedata
from pathlib import Path

from flask import current_app
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from drafter.atomic_files import remove_leftovers
from drafter.disk_errors import translate_disk_errors
from drafter.errors import DocumentTooLarge, UnsupportedFileType
from drafter.loaders import SUPPORTED_SUFFIXES, progress
from drafter.models import DocType
from web import audit
from web.database import db, utcnow
from web.job_progress import progress_on_row
from web.jobs import finish, hold_lease
from web.knowledge_store import knowledge_base
from web.models import IngestionJob, JobState, User

log = logging.getLogger(__name__)

QUEUE = "ingestion"
_CHUNK = 1 << 16
UNCLAIMED_UPLOAD_SECONDS = 3600
"""An upload without a waiting job is removed at start only when older: its request may still be committing."""


MAX_NAME_BYTES = 200
"""File systems allow 255 bytes per name, not characters (an umlaut takes two); kept well below."""


def safe_filename(name: str) -> str:
    """The file's own name without any path, keeping umlauts (werkzeug's secure_filename drops them); a name too
    long for the file system is shortened in the middle of the stem, so its type and its start stay."""
    name = unicodedata.normalize("NFC", name.replace("\\", "/").rsplit("/", 1)[-1])
    name = re.sub(r"[\x00-\x1f<>:\"|?*]", "", name).strip().lstrip(".")
    if len(name.encode()) > MAX_NAME_BYTES:
        path = Path(name)
        suffix = path.suffix if len(path.suffix.encode()) <= 20 else ""
        room = MAX_NAME_BYTES - len(suffix.encode()) - len("…".encode())
        stem = name[: len(name) - len(suffix)].encode()[:room].decode(errors="ignore").rstrip()
        name = f"{stem}…{suffix}"
    return name or "unbenannt"


def library_dir() -> Path:
    return Path(current_app.config["UPLOAD_DIR"]) / "knowledge"


def incoming_dir() -> Path:
    return Path(current_app.config["UPLOAD_DIR"]) / "incoming"


def accept_uploads(
    files: list[FileStorage], doc_type: DocType | None, doc_date: str | None, user: User
) -> tuple[str, list[IngestionJob]]:
    """Store each file and create its job; refused files get a failed job with the reason.

    A disk that refuses the files raises StorageUnavailable (shown as a German error page; the request's
    database changes are rolled back, so no job names a file that is not there).
    """
    batch = secrets.token_hex(8)
    limit = current_app.config["MAX_FILE_BYTES"]
    jobs = []
    with translate_disk_errors(incoming_dir()):
        incoming_dir().mkdir(parents=True, exist_ok=True)
        for upload in files:
            name = safe_filename(upload.filename or "")
            job = IngestionJob(
                batch=batch,
                filename=name,
                doc_type=str(doc_type) if doc_type else None,
                doc_date=doc_date,
                requested_by_id=user.id,
            )
            db.session.add(job)
            db.session.flush()
            job.error = _store(upload, job, limit)
            if job.error:
                job.state, job.result, job.finished_at = JobState.FAILED, "failed", utcnow()
            jobs.append(job)
    audit.record("documents_uploaded", "ingestion_batch", batch, files=[j.filename for j in jobs])
    return batch, jobs


def queue_reindex(user: User) -> IngestionJob:
    job = IngestionJob(batch=secrets.token_hex(8), kind="reindex", filename="Neuindizierung", requested_by_id=user.id)
    db.session.add(job)
    audit.record("reindex_requested", "knowledge_base", None)
    db.session.flush()
    return job


def save_upload(upload: FileStorage, target: Path, limit: int) -> int:
    """Stream an upload to `target`, synced to disk before the job that names it is committed; returns its size.

    Past `limit` bytes nothing is kept (the rest is only counted, for the message); a disk that refuses it
    leaves no half file.
    """
    size = 0
    try:
        with open(target, "wb") as handle:
            while block := upload.stream.read(_CHUNK):
                size += len(block)
                if size > limit:
                    break
                handle.write(block)
            handle.flush()
            os.fsync(handle.fileno())
    except OSError:
        target.unlink(missing_ok=True)
        raise
    if size > limit:
        target.unlink(missing_ok=True)
        size += sum(len(b) for b in iter(lambda: upload.stream.read(_CHUNK), b""))
    return size


def _store(upload: FileStorage, job: IngestionJob, limit: int) -> str | None:
    """Stream the upload to disk; return the German reason when the file cannot be taken."""
    suffix = Path(job.filename).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        return str(UnsupportedFileType(job.filename, ", ".join(sorted(SUPPORTED_SUFFIXES))))
    target = incoming_dir() / f"{job.id}{suffix}"
    size = save_upload(upload, target, limit)
    job.size = size
    if size > limit:
        return str(DocumentTooLarge(job.filename, size, limit))
    if size == 0:
        target.unlink(missing_ok=True)
        return f"{job.filename}: Die Datei ist leer. Bitte die richtige Datei auswählen."
    job.stored_path = str(target)
    return None


def run_ingestion_job(job_id: int) -> None:
    """Handler for the job runner (in an app context, job already claimed)."""
    job = db.session.get(IngestionJob, job_id)
    kb = knowledge_base()
    if job.kind == "reindex":
        kb.reindex()
        if not hold_lease(job):
            return
        finish(job)
        audit.record("reindexed", "knowledge_base", None, user=job.requested_by)
        db.session.commit()
        return
    target = library_dir() / job.filename
    upload = Path(job.stored_path) if job.stored_path else None
    retry = job.attempts > 1
    if (upload is None or not upload.exists()) and retry and target.exists():
        upload = target  # the interrupted attempt got as far as putting the file in place
    if upload is None or not upload.exists():
        if not hold_lease(job):
            return
        job.state, job.result, job.finished_at = JobState.FAILED, "failed", utcnow()
        job.error = f"{job.filename}: Die hochgeladene Datei ist nicht mehr vorhanden. Bitte erneut hochladen."
        db.session.commit()
        return
    doc_type = DocType(job.doc_type) if job.doc_type else None
    with progress.reporting_to(progress_on_row(IngestionJob, job.id)):
        result = kb.ingest_file(upload, target, doc_type, again=retry)
    if not hold_lease(job):  # the new owner ingests the same upload into the same document, and records it
        return
    if upload != target:
        upload.unlink(missing_ok=True)
    if result.status == "failed":
        job.state, job.error, job.finished_at = JobState.FAILED, result.error, utcnow()
    else:
        if job.doc_date and result.doc_id:
            kb.update_metadata(result.doc_id, date=job.doc_date)
        finish(job)
        audit.record(
            "document_ingested",
            "document",
            result.doc_id,
            user=job.requested_by,
            filename=job.filename,
            status=result.status,
            chunks=result.chunks,
        )
    job.result, job.doc_id, job.chunks = result.status, result.doc_id, result.chunks
    job.stored_path = str(target) if result.status != "failed" else None
    db.session.commit()


def remove_upload_leftovers() -> None:
    """At start: copies of originals that a killed ingest left half-way, and uploads no job waits for any more."""
    removed = remove_leftovers(library_dir())
    waiting = set(
        db.session.scalars(
            select(IngestionJob.stored_path).where(IngestionJob.state.in_([JobState.QUEUED, JobState.RUNNING]))
        )
    )
    db.session.commit()
    folder = incoming_dir()
    cutoff = time.time() - UNCLAIMED_UPLOAD_SECONDS
    for path in folder.iterdir() if folder.is_dir() else ():
        if str(path) not in waiting and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            removed.append(path)
    if removed:
        log.info("Reste abgebrochener Uploads entfernt: %s", ", ".join(p.name for p in removed))


def remove_source_file(source: str) -> None:
    """Delete the stored upload of a removed document, but only files this app stored."""
    path = Path(source)
    if path.parent.resolve() == library_dir().resolve():
        path.unlink(missing_ok=True)
