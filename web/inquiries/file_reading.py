"""Reading a file given for „Anfrage anlegen“ in the background, so that a big or hostile file never holds a
request thread (issue 17).

The request stores the file and what staff typed into the form, queues a job and sends the
browser to a page that shows the job's progress. The job reads the file as the knowledge
base does (`load_document`: in a child process under memory, time and content limits) and
keeps the text and the file's own metadata; while a scan is recognised, the page says which page
(web/job_progress.py, as for a knowledge upload). The page then continues as the form did before:
with the text taken into the form for staff to check („Betreff, Datum und Absender … übernehmen“),
or by creating the inquiry; a file that cannot be read brings back the form as typed, with the
reason. The file is deleted once read.
"""

from __future__ import annotations

import json
import logging
import shutil
import time
from pathlib import Path

from flask import current_app
from sqlalchemy import select
from werkzeug.datastructures import FileStorage, ImmutableMultiDict

from drafter.disk_errors import translate_disk_errors
from drafter.errors import DocumentTooLarge
from drafter.loaders import load_document, progress
from web.database import db
from web.inquiries.form import FileText
from web.job_progress import progress_on_row
from web.jobs import finish, hold_lease
from web.knowledge.ingestion import safe_filename, save_upload
from web.knowledge_store import settings_for
from web.models import InquiryFileJob, JobState, User

log = logging.getLogger(__name__)

QUEUE = "inquiry_files"
_KEPT_FIELDS_OUT = frozenset({"csrf_token", "step"})
UNCLAIMED_SECONDS = 3600


def files_dir() -> Path:
    return Path(current_app.config["UPLOAD_DIR"]) / "inquiries"


def queue_file(upload: FileStorage, form: ImmutableMultiDict, step: str, user: User) -> InquiryFileJob | str:
    """Store the file and queue its job; a German reason instead when the file is too large (nothing kept)."""
    filename = safe_filename(upload.filename or "")
    if not Path(filename).suffix:
        filename += ".txt"  # pasted into a file without a name: read as text
    job = InquiryFileJob(
        filename=filename,
        step=step,
        form=json.dumps({k: v for k, v in form.items() if k not in _KEPT_FIELDS_OUT}),
        requested_by_id=user.id,
    )
    db.session.add(job)
    db.session.flush()
    folder = files_dir() / str(job.id)
    limit = current_app.config["MAX_FILE_BYTES"]
    with translate_disk_errors(folder.parent):
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / filename
        size = save_upload(upload, target, limit)
    if size > limit:
        shutil.rmtree(folder, ignore_errors=True)
        db.session.rollback()
        return str(DocumentTooLarge(filename, size, limit))
    job.stored_path = str(target)
    return job


def run_inquiry_file_job(job_id: int) -> None:
    """Handler for the job runner: the file's text and metadata into the job; a DocumentError fails the job with
    its German message (web/jobs.py)."""
    job = db.session.get(InquiryFileJob, job_id)
    path = Path(job.stored_path or "")
    try:
        settings = settings_for(current_app)
        with progress.reporting_to(progress_on_row(InquiryFileJob, job.id)):  # a scan's pages, for the waiting page
            loaded = load_document(path, max_bytes=settings.max_file_bytes, limits=settings.parse_limits)
    except Exception:
        if hold_lease(job):  # the file of a job taken over by another run is that run's to read
            shutil.rmtree(path.parent, ignore_errors=True)
        raise
    if not hold_lease(job):
        return
    shutil.rmtree(path.parent, ignore_errors=True)
    job.text = loaded.text.strip()
    job.headers = json.dumps({k: str(v) for k, v in loaded.metadata.items() if isinstance(v, str | int)})
    job.stored_path = None
    finish(job)
    db.session.commit()


def file_text(job: InquiryFileJob) -> FileText:
    return FileText(job.text or "", job.filename, json.loads(job.headers or "{}"))


def typed_form(job: InquiryFileJob) -> ImmutableMultiDict:
    return ImmutableMultiDict(json.loads(job.form))


def remove_file_leftovers() -> None:
    """At start: files whose job has ended or was never committed (older than an hour: it may be committing)."""
    folder = files_dir()
    if not folder.is_dir():
        return
    waiting = {
        str(job_id)
        for job_id in db.session.scalars(
            select(InquiryFileJob.id).where(InquiryFileJob.state.in_([JobState.QUEUED, JobState.RUNNING]))
        )
    }
    db.session.commit()
    cutoff = time.time() - UNCLAIMED_SECONDS
    for path in folder.iterdir():
        if path.name not in waiting and path.stat().st_mtime < cutoff:
            shutil.rmtree(path, ignore_errors=True)
            log.info("Rest einer abgebrochenen Anfrage-Datei entfernt: %s", path.name)
