"""Input limits of the inquiry pages: comments and file names (issue 17 item 6)."""

from __future__ import annotations

import io

from sqlalchemy import select

from tests.web.conftest import post, wait_for_jobs
from tests.web.inquiries.test_inquiries import new_inquiry
from tests.web.knowledge.test_knowledge import NEW_DOCUMENT, upload
from web.database import db
from web.inquiries.views import MAX_COMMENT_CHARS
from web.knowledge_store import knowledge_base
from web.models import Comment, IngestionJob, Inquiry


def test_an_overlong_comment_is_refused_with_the_limit_and_the_text_kept(app, staff):
    new_inquiry(staff, text="1. Wie viele Schulen gibt es?")
    typed = "Bitte noch die Zahlen von 2025 ergänzen. " * (MAX_COMMENT_CHARS // 40 + 1)
    response = post(staff, "/inquiries/1/comments", {"text": typed})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "zu lang (höchstens 10.000)" in page
    assert typed.strip() in page  # nothing typed is lost: it is in the form to shorten and send again
    with app.app_context():
        assert db.session.scalar(select(Comment)) is None

    assert post(staff, "/inquiries/1/comments", {"text": typed[:MAX_COMMENT_CHARS]}).status_code == 302
    with app.app_context():
        assert len(db.session.scalar(select(Comment)).text) == len(typed[:MAX_COMMENT_CHARS].strip())


def test_file_names_longer_than_the_file_system_allows_are_shortened_keeping_their_type(app, staff, curator):
    name = "Übergröße äöüß ÄÖÜ " * 15 + ".txt"  # 439 bytes in UTF-8; its first 200 characters still 303
    assert len(name[:200].encode()) > 255
    upload(curator, [(io.BytesIO(NEW_DOCUMENT.encode()), name)])
    response = new_inquiry(staff, files={"file": (io.BytesIO(b"1. Wie viele Schulen gibt es?"), name), "text": ""})
    assert response.status_code == 302, response.get_data(as_text=True)
    wait_for_jobs(app)
    with app.app_context():
        job = db.session.scalar(select(IngestionJob))
        assert job.state == "done", job.error
        stored = knowledge_base().document(job.doc_id).name
        inquiry = db.session.scalar(select(Inquiry))
    for shortened in (stored, inquiry.source_filename):
        assert len(shortened.encode()) <= 255 and shortened.endswith("….txt")
        assert shortened.startswith("Übergröße äöüß ÄÖÜ Übergröße")
