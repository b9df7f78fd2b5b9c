"""Text from documents, inquiries and drafts is shown as text: markup in it never runs."""

from __future__ import annotations

import io

from sqlalchemy import select

from tests.web.conftest import post, wait_for_jobs
from web.database import db
from web.knowledge_store import knowledge_base
from web.models import Draft

ATTACK = '<script>alert("x")</script><img src=x onerror=alert(1)>'
DOCUMENT = f"""Antwort der Kreisverwaltung vom 5. Mai 2025

1. Gibt es einen Winterdienst auf Kreisstraßen?
Antwort: Ja, der Winterdienst auf Kreisstraßen wird vom Landesbetrieb Mobilität geräumt. {ATTACK}
"""


def assert_escaped(page: str) -> None:
    assert "<script>alert" not in page
    assert "<img src=x" not in page
    assert "&lt;script&gt;alert(" in page


def test_document_text_is_escaped_everywhere_it_appears(app, curator, staff):
    post(
        curator,
        "/knowledge/upload",
        {"files": [(io.BytesIO(DOCUMENT.encode()), "winterdienst.txt")]},
        content_type="multipart/form-data",
    )
    wait_for_jobs(app)
    with app.app_context():
        doc = next(d for d in knowledge_base().documents() if d.name == "winterdienst.txt")
    assert_escaped(curator.get(f"/knowledge/documents/{doc.doc_id}").get_data(as_text=True))
    assert_escaped(curator.get(f"/knowledge/documents/{doc.doc_id}/text").get_data(as_text=True))
    assert_escaped(curator.get("/knowledge/search?q=Winterdienst+Kreisstraßen").get_data(as_text=True))

    post(
        staff,
        "/inquiries/new",
        {
            "reference": f"W-1 {ATTACK}",
            "kind": "citizen",
            "received_on": "2026-01-14",
            "requester_name": ATTACK,
            "text": "1. Wer räumt im Winter die Kreisstraßen?",
        },
    )
    assert_escaped(staff.get("/inquiries/").get_data(as_text=True))
    assert_escaped(staff.get("/inquiries/1").get_data(as_text=True))
    post(staff, "/inquiries/1/questions/draft")
    wait_for_jobs(app)
    with app.app_context():
        draft = db.session.scalar(select(Draft))
        assert any(c.doc == "winterdienst.txt" for c in draft.citations)
        draft_id = draft.id
    workspace = staff.get(f"/answers/{draft_id}").get_data(as_text=True)
    assert_escaped(workspace)  # the cited passage carries the markup

    post(staff, f"/answers/{draft_id}/save", {"text": f"Neu {ATTACK} [1]", "base_revision": 1})
    assert_escaped(staff.get(f"/answers/{draft_id}").get_data(as_text=True))
    assert_escaped(staff.get(f"/answers/{draft_id}/revisions?version=2").get_data(as_text=True))
    passages = staff.get(f"/answers/{draft_id}/passages?q=Winterdienst", headers={"HX-Request": "true"})
    assert "<script>alert" not in passages.get_data(as_text=True)
