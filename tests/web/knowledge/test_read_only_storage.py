"""A data directory that cannot be written: search, upload and ingest say so in German instead of failing with
HTTP 500, and work again without a restart once the directory is writable (issue 17 item 5).

As root, permissions do not stop writes, so the test mounts the folders read-only onto themselves (a bind mount,
as an administrator's read-only mount or a remounted failing disk would be); as another user it takes away the
write permission. Where neither is possible, it is skipped.
"""

from __future__ import annotations

import io
import os
import subprocess
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest

from tests.web.conftest import post, wait_for_jobs
from tests.web.knowledge.test_knowledge import NEW_DOCUMENT, upload
from web.database import db
from web.models import IngestionJob, JobState

UNWRITABLE = "kann gerade nicht beschrieben werden (der Datenträger ist schreibgeschützt)"


@contextmanager
def read_only(folder: Path) -> Iterator[None]:
    folder.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0:
        modes = {path: path.stat().st_mode for path in [folder, *folder.rglob("*")]}
        for path, mode in modes.items():
            path.chmod(mode & ~0o222)
        try:
            yield
        finally:
            for path, mode in modes.items():
                path.chmod(mode)
        return
    if subprocess.run(["mount", "--bind", folder, folder], capture_output=True).returncode != 0:
        pytest.skip("Als root lässt sich hier kein Ordner schreibgeschützt einhängen (mount --bind).")
    try:
        subprocess.run(["mount", "-o", "remount,bind,ro", folder], check=True)
        yield
        # Writable again in place, as a disk that was remounted: open files of the app stay valid.
        subprocess.run(["mount", "-o", "remount,bind,rw", folder], check=True)
    finally:
        subprocess.run(["umount", "--lazy", folder], check=False)


def test_a_read_only_data_directory_is_reported_in_german_and_recovers(app, curator, knowledge_dir):
    uploads = Path(app.config["UPLOAD_DIR"])
    with ExitStack() as stack:
        stack.enter_context(read_only(knowledge_dir))
        stack.enter_context(read_only(uploads))

        search = curator.get("/knowledge/search?q=Ladepunkte")
        assert search.status_code == 503
        assert UNWRITABLE in search.get_data(as_text=True)
        assert "ohne Neustart weiter" in search.get_data(as_text=True)

        refused = upload(curator, [(io.BytesIO(NEW_DOCUMENT.encode()), "2026-03-antwort-hundesteuer.txt")])
        assert refused.status_code == 503 and UNWRITABLE in refused.get_data(as_text=True)

        assert post(curator, "/knowledge/reindex").status_code == 302  # the job is in the database
        wait_for_jobs(app)
        with app.app_context():
            job = db.session.scalars(db.select(IngestionJob)).one()  # the refused upload left no job
            assert job.kind == "reindex" and job.state == JobState.FAILED
            assert UNWRITABLE in job.error

    found = curator.get("/knowledge/search?q=Hundesteuer").get_data(as_text=True)
    assert "beträgt sie 96 Euro" not in found  # nothing of the refused upload was kept
    assert curator.get("/knowledge/search?q=Ladepunkte").status_code == 200
    accepted = upload(curator, [(io.BytesIO(NEW_DOCUMENT.encode()), "2026-03-antwort-hundesteuer.txt")])
    assert accepted.status_code == 302
    wait_for_jobs(app)
    page = curator.get("/knowledge/search?q=Hundesteuer Talbach-Oberwiesen").get_data(as_text=True)
    assert "beträgt sie 96 Euro" in page


def test_a_worker_that_had_the_knowledge_base_open_keeps_searching_and_writes_again_afterwards(
    app, curator, knowledge_dir
):
    assert curator.get("/knowledge/search?q=Ladepunkte").status_code == 200  # opened while writable
    with ExitStack() as stack:
        stack.enter_context(read_only(knowledge_dir))
        stack.enter_context(read_only(Path(app.config["UPLOAD_DIR"])))
        assert "Ladepunkte" in curator.get("/knowledge/search?q=Ladepunkte").get_data(as_text=True)
        post(curator, "/knowledge/reindex")
        wait_for_jobs(app)

    post(curator, "/knowledge/reindex")
    wait_for_jobs(app)
    with app.app_context():
        jobs = db.session.scalars(db.select(IngestionJob).order_by(IngestionJob.id)).all()
        assert [j.state for j in jobs] == [JobState.FAILED, JobState.DONE]
        assert UNWRITABLE in jobs[0].error
