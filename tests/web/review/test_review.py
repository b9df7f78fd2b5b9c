"""Four-eyes review, locked approved answers and the reply letter export."""

from __future__ import annotations

import io

from docx import Document
from sqlalchemy import select

from drafter.extractive import ABSTENTION
from drafter.models import DraftSentence
from tests.web.conftest import login, post, wait_for_jobs
from web.database import db
from web.models import AuditEntry, Draft, Inquiry, Question

TEXT = """Anfrage der Fraktion

1a) Wie viele Leistungen der Kreisverwaltung lassen sich inzwischen digital beantragen?
1b) Wie hoch ist die Gebühr für ein Wunschkennzeichen?
2a) Welche Verwaltungsdaten stehen über eine Schnittstelle zur Verfügung?
"""


def drafted(app, staff, text: str = TEXT) -> list[int]:
    post(
        staff,
        "/inquiries/new",
        {
            "reference": "FWG/2026/1",
            "kind": "council",
            "received_on": "2026-01-14",
            "text": text,
            "requester_name": "FWG-Fraktion",
        },
    )
    post(staff, "/inquiries/1/questions/draft")
    wait_for_jobs(app)
    with app.app_context():
        return [d.id for d in db.session.scalars(select(Draft).join(Question).order_by(Question.position))]


def status(app, draft_id: int) -> str:
    with app.app_context():
        return db.session.get(Draft, draft_id).status


def test_reviewer_approves_or_sends_back_with_a_comment(app, staff, reviewer):
    ids = drafted(app, staff)
    post(staff, f"/answers/{ids[0]}/submit", {"confirm_unchanged": "1"})
    assert status(app, ids[0]) == "in_review"
    refused = post(reviewer, f"/review/answers/{ids[0]}/changes", {"comment": ""})
    assert refused.status_code == 302 and status(app, ids[0]) == "in_review"
    post(reviewer, f"/review/answers/{ids[0]}/changes", {"comment": "Bitte Stand 2026 ergänzen."})
    assert status(app, ids[0]) == "changes_requested"
    page = staff.get(f"/answers/{ids[0]}").get_data(as_text=True)
    assert "Bitte Stand 2026 ergänzen." in page and "Änderung erbeten" in page
    post(staff, f"/answers/{ids[0]}/save", {"text": "Stand 2026: 158 Leistungen. [1]", "base_revision": 1})
    post(staff, f"/answers/{ids[0]}/submit", {"confirm_unchanged": "1"})
    post(reviewer, f"/review/answers/{ids[0]}/approve", {"comment": ""})
    assert status(app, ids[0]) == "approved"


def test_nobody_approves_their_own_draft(app, staff):
    ids = drafted(app, staff)
    both = login(app, "staff_reviewer")  # holds both roles
    post(both, f"/answers/{ids[0]}/save", {"text": "Von Doris überarbeitet. [1]", "base_revision": 1})
    post(both, f"/answers/{ids[0]}/submit", {"confirm_unchanged": "1"})
    response = post(both, f"/review/answers/{ids[0]}/approve")
    assert status(app, ids[0]) == "in_review"
    page = both.get(response.headers["Location"]).get_data(as_text=True)
    assert "Vier-Augen-Prinzip" in page
    assert "Antwort 1a freigeben</button>" not in page


def test_who_had_it_drafted_cannot_approve_it_either(app):
    both = login(app, "staff_reviewer")
    ids = drafted(app, both)  # Doris started the drafting: the automatic draft counts as hers
    post(both, f"/answers/{ids[0]}/submit", {"confirm_unchanged": "1"})
    post(both, f"/review/answers/{ids[0]}/approve")
    assert status(app, ids[0]) == "in_review"


def test_approved_answer_is_locked_until_reopened(app, staff, reviewer):
    ids = drafted(app, staff)
    post(staff, f"/answers/{ids[0]}/submit", {"confirm_unchanged": "1"})
    post(reviewer, f"/review/answers/{ids[0]}/approve")
    edit = post(staff, f"/answers/{ids[0]}/save", {"text": "Nachträglich geändert.", "base_revision": 1})
    assert edit.status_code == 409
    assert "freigegeben und daher gesperrt" in edit.get_data(as_text=True)
    with app.app_context():
        chunk_id = (
            db.session.get(Draft, ids[1]).citations[0].chunk_id if db.session.get(Draft, ids[1]).citations else "x"
        )
    post(staff, f"/answers/{ids[0]}/passages/add", {"chunk_id": chunk_id})
    with app.app_context():
        draft = db.session.get(Draft, ids[0])
        assert len(draft.revisions) == 1 and draft.status == "approved"

    assert post(reviewer, f"/review/answers/{ids[0]}/reopen", {"comment": ""}).status_code == 302
    assert status(app, ids[0]) == "approved"  # reopening needs a reason
    post(reviewer, f"/review/answers/{ids[0]}/reopen", {"comment": "Zahl ist veraltet."})
    assert status(app, ids[0]) == "draft"
    assert post(staff, f"/answers/{ids[0]}/save", {"text": "Neu. [1]", "base_revision": 1}).status_code == 302
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "reopened"))
        assert entry.username == "rainer" and "Zahl ist veraltet." in entry.detail


def _approve_all(app, staff, reviewer, ids):
    post(staff, "/answers/inquiry/1/submit-all", {"confirm_unchanged": [str(i) for i in ids]})
    for draft_id in ids:
        post(reviewer, f"/review/answers/{draft_id}/approve")


def test_letter_export_needs_every_answer_and_the_whole_reply_approved(app, staff, reviewer):
    ids = drafted(app, staff)
    blocked = staff.get("/inquiries/1/letter/download?format=docx", follow_redirects=True)
    assert "Noch nicht freigegeben: 1a, 1b, 2a." in blocked.get_data(as_text=True)
    _approve_all(app, staff, reviewer, ids[:2])
    page = staff.get("/inquiries/1/letter/").get_data(as_text=True)
    assert "Noch nicht freigegeben: 2a." in page
    _approve_all(app, staff, reviewer, ids[2:])
    assert "Gesamtantwort" in staff.get("/inquiries/1/letter/").get_data(as_text=True)
    post(reviewer, "/review/inquiries/1/approve")
    with app.app_context():
        assert db.session.get(Inquiry, 1).status == "approved"

    response = staff.get("/inquiries/1/letter/download?format=docx&questions=1")
    assert response.status_code == 200
    assert 'filename="Antwort_FWG_2026_1.docx"' in response.headers["Content-Disposition"]
    paragraphs = [p.text for p in Document(io.BytesIO(response.data)).paragraphs]
    headings = [p for p in paragraphs if p.startswith("Zu ")]
    assert [" ".join(h.split()[:2]) for h in headings] == ["Zu 1a)", "Zu 1b)", "Zu 2a)"]
    assert any("Geschäftsordnung des Kreistages" in p for p in paragraphs)
    assert any("FWG-Fraktion" in p for p in paragraphs)
    assert not any("[1]" in p for p in paragraphs)  # markers only with the source annex

    with_sources = staff.get("/inquiries/1/letter/download?format=txt&sources=1").get_data(as_text=True)
    assert "Anlage: Verwendete Quellen" in with_sources
    assert "Zu 1a)" in with_sources and "[1]" in with_sources


def test_reopening_an_answer_withdraws_the_reply_approval(app, staff, reviewer):
    ids = drafted(app, staff)
    _approve_all(app, staff, reviewer, ids)
    post(reviewer, "/review/inquiries/1/approve")
    post(reviewer, f"/review/answers/{ids[1]}/reopen", {"comment": "Gebühr prüfen."})
    with app.app_context():
        assert db.session.get(Inquiry, 1).reply_approved is False
    assert staff.get("/inquiries/1/letter/download").status_code == 302


def test_review_queue_lists_answers_waiting(app, staff, reviewer):
    ids = drafted(app, staff)
    post(staff, f"/answers/{ids[1]}/submit", {"confirm_unchanged": "1"})
    page = reviewer.get("/review/").get_data(as_text=True)
    assert "Antwort 1b prüfen" in page and "Antwort 1a prüfen" not in page


def test_an_answer_holding_the_abstention_is_neither_approved_nor_exported(app, staff, reviewer):
    ids = drafted(app, staff)
    with app.app_context():
        draft = db.session.get(Draft, ids[0])
        draft.current.paragraphs = [[DraftSentence(ABSTENTION, [], verified=False)]]
        db.session.commit()
    post(staff, f"/answers/{ids[0]}/submit", {"confirm_unchanged": "1"})
    refused = post(reviewer, f"/review/answers/{ids[0]}/approve", follow_redirects=True).get_data(as_text=True)
    assert "kann so nicht freigegeben werden" in refused
    assert status(app, ids[0]) == "in_review"


def test_submitting_all_skips_unchanged_machine_drafts_without_confirmation(app, staff):
    ids = drafted(app, staff)
    post(staff, f"/answers/{ids[0]}/save", {"text": "Eigene Antwort der Sachbearbeitung.", "base_revision": 1})
    page = post(staff, "/answers/inquiry/1/submit-all", follow_redirects=True).get_data(as_text=True)
    assert "1 Antwort liegt jetzt zur Prüfung vor." in page
    assert "(1b, 2a) bitte einzeln" in page
    assert [status(app, i) for i in ids] == ["in_review", "draft", "draft"]
    refused = post(staff, f"/answers/{ids[1]}/submit", follow_redirects=True).get_data(as_text=True)
    assert "unveränderte automatische Entwurf" in refused
    assert status(app, ids[1]) == "draft"


def test_the_review_page_of_an_inquiry_decides_every_answer_and_the_reply(app, staff, reviewer):
    ids = drafted(app, staff)
    post(staff, f"/answers/{ids[0]}/save", {"text": "Der Landkreis betreibt 9.999 Server. [1]", "base_revision": 1})
    post(staff, "/answers/inquiry/1/submit-all", {"confirm_unchanged": [str(i) for i in ids]})
    page = reviewer.get("/review/inquiries/1").get_data(as_text=True)
    for label in ("1a", "1b", "2a"):
        assert f"Antwort {label} freigeben" in page
    assert page.count("<h3>Prüfhinweise</h3>") == 3
    assert 'class="tag-unbelegt">Beleg passt nicht</span>' in page
    assert "<ins>" in page and "Unverändert übernommen." in page  # 1a changed, 1b and 2a untouched
    queue = reviewer.get("/review/").get_data(as_text=True)
    assert "unverändert übernommen" in queue and "Eingereicht von Sabine" in queue

    for draft_id in ids:
        response = post(reviewer, f"/review/answers/{draft_id}/approve", {"next": "inquiry"})
        assert response.location.endswith(f"/review/inquiries/1#antwort-{draft_id}")
    done = post(reviewer, "/review/inquiries/1/approve", {"next": "inquiry"}, follow_redirects=True)
    assert "Die Gesamtantwort ist freigegeben." in done.get_data(as_text=True)
    with app.app_context():
        actions = [e.action for e in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    assert actions.count("approved") == 3 and actions.count("reply_approved") == 1

    reopened = post(
        reviewer,
        f"/review/answers/{ids[1]}/reopen",
        {"comment": "Gebühr prüfen.", "next": "inquiry"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Damit ist auch die Freigabe der Gesamtantwort aufgehoben." in reopened
    assert "Gesamtantwort freigeben" not in reopened


def test_overlong_review_comments_and_huge_ids_get_a_german_answer(app, staff, reviewer):
    ids = drafted(app, staff)
    post(staff, f"/answers/{ids[0]}/submit", {"confirm_unchanged": "1"})
    long = post(reviewer, f"/review/answers/{ids[0]}/changes", {"comment": "x" * 5001}, follow_redirects=True)
    assert "Der Kommentar ist zu lang (höchstens 5.000 Zeichen)" in long.get_data(as_text=True)
    assert status(app, ids[0]) == "in_review"
    for url in ("/answers/99999999999999999999", "/review/inquiries/99999999999999999999"):
        response = reviewer.get(url)
        assert response.status_code == 404 and "Nicht gefunden" in response.get_data(as_text=True)
