"""Hostile files sent with „Anfrage anlegen“, over real HTTP: they are read in the background, refused with a German
message naming the limit, the form keeps what was typed, and another client's list page is served meanwhile
(issue 17, done-when)."""

from __future__ import annotations

import re
import threading
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.test_parsing_limits import BIG_PARAGRAPH, docx_with_body
from tests.web.answers.test_concurrent_saves import _TOKEN, signed_in
from tests.web.conftest import make_app, seed_users, served, wait_for_jobs
from web.database import db
from web.models import Inquiry, InquiryFileJob, JobState


@pytest.fixture(scope="module")
def hostile_files(tmp_path_factory) -> dict[str, tuple[Path, str]]:
    """Each file with the message that refuses it."""
    folder = tmp_path_factory.mktemp("hostile")
    # 256 MB unpacked, over the 200 MB limit; packed fast, as the limit reads the sizes the archive declares
    bomb = docx_with_body(folder / "bombe.docx", (BIG_PARAGRAPH * 1024 for _ in range(256)), compresslevel=1)
    paragraphs = docx_with_body(
        folder / "absaetze.docx", [b"<w:p><w:r><w:t>Frage %d?</w:t></w:r></w:p>" % n for n in range(100_000)]
    )
    return {"bomb": (bomb, "entpackt mehr als 200 MB"), "paragraphs": (paragraphs, "mehr als 50.000 Absätze")}


def unfinished(app) -> int:
    with app.app_context():
        states = [JobState.QUEUED, JobState.RUNNING]
        return db.session.scalar(select(func.count()).where(InquiryFileJob.state.in_(states)))


def test_hostile_inquiry_files_are_refused_while_the_list_page_is_served(
    tmp_path, knowledge_dir, embedder, hostile_files
):
    app = make_app(tmp_path / "instance", knowledge_dir, embedder, START_WORKERS=True)
    seed_users(app)
    with served(app) as base:
        sender, reader = signed_in(base, "staff"), signed_in(base, "staff2")
        token = _TOKEN.search(sender.get(f"{base}/inquiries/new").text).group(1)
        uploads = [(name, number) for name in ("bomb", "paragraphs") for number in (1, 2)]
        queued: dict[tuple[str, int], str] = {}

        def send(name: str, number: int) -> None:
            path = hostile_files[name][0]
            with path.open("rb") as handle:
                response = sender.post(
                    f"{base}/inquiries/new",
                    data={
                        "reference": f"H-{name}-{number}",
                        "kind": "ifg",
                        "requester_name": "Erika Muster",
                        "text": "",
                        "csrf_token": token,
                    },
                    files={"file": (path.name, handle)},
                    allow_redirects=False,
                    timeout=30,
                )
            queued[(name, number)] = response.headers.get("Location", f"status {response.status_code}")

        threads = [threading.Thread(target=send, args=upload) for upload in uploads]
        for thread in threads:
            thread.start()
        served_while_reading = []
        while any(thread.is_alive() for thread in threads) or unfinished(app):
            listing = reader.get(f"{base}/inquiries/", timeout=5)
            assert listing.status_code == 200 and "<h1>Anfragen" in listing.text
            served_while_reading.append(unfinished(app))
        for thread in threads:
            thread.join()
        wait_for_jobs(app)
        assert any(served_while_reading), "die Liste wurde nicht abgerufen, solange Dateien gelesen wurden"

        for (name, number), location in queued.items():
            assert "/inquiries/new/file/" in location, location
            page = sender.get(f"{base}{location}", timeout=5)
            assert page.status_code == 400
            assert hostile_files[name][1] in page.text and "Bitte" in page.text
            assert f'value="H-{name}-{number}"' in page.text and 'value="Erika Muster"' in page.text
        with app.app_context():
            assert db.session.scalar(select(func.count()).select_from(Inquiry)) == 0
            assert all(job.state == JobState.FAILED for job in db.session.scalars(select(InquiryFileJob)))
        assert not any((tmp_path / "instance" / "uploads" / "inquiries").iterdir())  # the files are gone
        assert re.search(r"Anfragen", reader.get(f"{base}/inquiries/", timeout=5).text)
