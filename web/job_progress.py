"""How far a background job's reading of a file has got, kept on the job's row for the page that polls it.

The loaders report pages as they recognise them (drafter/loaders/progress.py); a knowledge upload
(web/knowledge/ingestion.py) and a file given for „Anfrage anlegen“ (web/inquiries/file_reading.py)
both keep the newest message in their job's `progress` column, so both pages can say
„Seite 3 von 12 wird erkannt“ while a scan is read.
"""

from __future__ import annotations

import logging

from sqlalchemy import update

from drafter.loaders import progress
from web.database import db

log = logging.getLogger(__name__)
MAX_MESSAGE = 200


def progress_on_row(job_class: type[db.Model], job_id: int) -> progress.Reporter:
    """A reporter that stores each message on the row `job_id` of `job_class`, in a transaction of its own (the
    job's session stays as it is); a message that cannot be stored is skipped, the reading goes on."""

    def store(message: str) -> None:
        try:
            with db.engine.begin() as connection:
                connection.execute(
                    update(job_class).where(job_class.id == job_id).values(progress=message[:MAX_MESSAGE])
                )
        except Exception:
            log.warning("Fortschritt von Auftrag %s nicht gespeichert", job_id, exc_info=True)

    return store
