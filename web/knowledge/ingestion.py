"""Uploads into the knowledge base: stored per file, checked at once, ingested one after another.

Each uploaded file becomes an ingestion job. A file that is too large, empty or of an
unsupported type fails at upload with a German message and is not stored; the others of
the same upload are queued. Files are kept under a stable name in UPLOAD_DIR/knowledge, so
uploading a corrected version of a document updates it instead of adding a duplicate.
"""

from __future__ import annotations

import re
import secrets
import shutil
import unicodedata
from pathlib import Path

from flask import current_app
from werkzeug.datastructures import FileStorage

from drafter.errors import DocumentTooLarge, UnsupportedFileType
from drafter.loaders import SUPPORTED_SUFFIXES
from drafter.models import DocType
from web import audit
from web.database import db, utcnow
from web.jobs import finish
from web.knowledge_store import knowledge_base
from web.models import IngestionJob, JobState, User

QUEUE = "ingestion"
_CHUNK = 1 << 16


def safe_filename(name: str) -> str:
    """The file's own name without any path, keeping umlauts (werkzeug's secure_filename drops them)."""
    name = unicodedata.normalize("NFC", name.replace("\\", "/").rsplit("/", 1)[-1])
    name = re.sub(r"[\x00-\x1f<>:\"|?*]", "", name).strip().lstrip(".")
    return name[:200] or "unbenannt"


def library_dir() -> Path:
    return Path(current_app.config["UPLOAD_DIR"]) / "knowledge"


def incoming_dir() -> Path:
    return Path(current_app.config["UPLOAD_DIR"]) / "incoming"


def accept_uploads(
    files: list[FileStorage], doc_type: DocType | None, doc_date: str | None, user: User
) -> tuple[str, list[IngestionJob]]:
    """Store each file and create its job; refused files get a failed job with the reason."""
    batch = secrets.token_hex(8)
    limit = current_app.config["MAX_FILE_BYTES"]
    incoming_dir().mkdir(parents=True, exist_ok=True)
    jobs = []
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


def _store(upload: FileStorage, job: IngestionJob, limit: int) -> str | None:
    """Stream the upload to disk; return the German reason when the file cannot be taken."""
    suffix = Path(job.filename).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        return str(UnsupportedFileType(job.filename, ", ".join(sorted(SUPPORTED_SUFFIXES))))
    target = incoming_dir() / f"{job.id}{suffix}"
    size = 0
    with open(target, "wb") as handle:
        while block := upload.stream.read(_CHUNK):
            size += len(block)
            if size > limit:
                break
            handle.write(block)
    job.size = size
    if size > limit:
        target.unlink(missing_ok=True)
        rest = sum(len(b) for b in iter(lambda: upload.stream.read(_CHUNK), b""))
        return str(DocumentTooLarge(job.filename, size + rest, limit))
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
        finish(job)
        audit.record("reindexed", "knowledge_base", None, user=job.requested_by)
        db.session.commit()
        return
    target = library_dir() / job.filename
    backup = _move_into_library(Path(job.stored_path), target)
    result = kb.ingest([target], doc_type=DocType(job.doc_type) if job.doc_type else None).files[0]
    if result.status == "failed":
        _restore(target, backup)
        job.state, job.error, job.finished_at = JobState.FAILED, result.error, utcnow()
    else:
        if backup:
            backup.unlink(missing_ok=True)
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


def _move_into_library(incoming: Path, target: Path) -> Path | None:
    """Put the upload in place; keep the previous version aside until the new one is ingested."""
    target.parent.mkdir(parents=True, exist_ok=True)
    backup = None
    if target.exists():
        backup = target.with_name(f".{target.name}.vorher")
        shutil.move(target, backup)
    shutil.move(incoming, target)
    return backup


def _restore(target: Path, backup: Path | None) -> None:
    target.unlink(missing_ok=True)
    if backup:
        shutil.move(backup, target)


def remove_source_file(source: str) -> None:
    """Delete the stored upload of a removed document, but only files this app stored."""
    path = Path(source)
    if path.parent.resolve() == library_dir().resolve():
        path.unlink(missing_ok=True)
