"""„Meine Aufgaben“: each role's work list, within the unit visibility rules, with German plurals."""

from __future__ import annotations

import io
from datetime import timedelta

from sqlalchemy import select

from tests.web.conftest import login, post, wait_for_jobs
from tests.web.review.test_review import drafted
from web.database import db
from web.models import Inquiry, Unit, User, UserUnit
from web.templating import today_local


def _user_id(app, username: str) -> int:
    with app.app_context():
        return db.session.scalar(select(User.id).where(User.username == username))


def _inquiry(staff, reference: str, received: str, assignee: int | None) -> None:
    fields = {"reference": reference, "kind": "ifg", "received_on": received, "text": "1) Wie viele Ämter gibt es?"}
    post(staff, "/inquiries/new", {**fields, "assignee_id": str(assignee or "")})


def test_staff_see_what_was_sent_back_what_to_write_and_what_is_due_soon(app, staff, reviewer):
    ids = drafted(app, staff)  # FWG/2026/1, received in January: overdue
    post(staff, f"/answers/{ids[0]}/submit", {"confirm_unchanged": "1"})
    post(reviewer, f"/review/answers/{ids[0]}/changes", {"comment": "Bitte Stand 2026 nennen."})
    soon = (today_local() - timedelta(days=27)).isoformat()  # an IFG month: due in a few days
    later = (today_local() - timedelta(days=5)).isoformat()
    _inquiry(staff, "B-bald", soon, _user_id(app, "sabine"))
    _inquiry(staff, "C-spaeter", later, _user_id(app, "sabine"))
    _inquiry(staff, "D-stefan", soon, _user_id(app, "stefan"))

    page = staff.get("/tasks/").get_data(as_text=True)
    assert "1 Antwort zurückgegeben · 4 Antworten zu bearbeiten · 2 Anfragen bald fällig" in page
    sent_back = page.split('id="zurueck-titel"')[1].split('id="bearbeiten-titel"')[0]
    assert "Antwort 1a überarbeiten" in sent_back and "Zurückgegeben von Rainer Prüfer" in sent_back
    assert "Kommentar: Bitte Stand 2026 nennen." in sent_back
    to_work = page.split('id="bearbeiten-titel"')[1].split('id="frist-titel"')[0]
    assert "2 Antworten" in to_work  # 1b and 2a of FWG/2026/1 (1a was sent back), one each for B and C
    assert to_work.count("1 Antwort<") == 2
    assert "D-stefan" not in page  # assigned to somebody else
    due = page.split('id="frist-titel"')[1]
    assert "Bald fällig (in den nächsten 7 Tagen)" in due
    assert due.index("FWG/2026/1") < due.index("B-bald") and "C-spaeter" not in due
    assert "D-stefan" in login(app, "staff2").get("/tasks/").get_data(as_text=True)


def test_staff_do_not_see_the_inquiries_of_another_unit(app, staff):
    with app.app_context():
        unit = Unit(name="Jugendamt")
        db.session.add(unit)
        db.session.flush()
        db.session.add(UserUnit(user_id=_user_id(app, "stefan"), unit_id=unit.id))
        db.session.commit()
        unit_id = unit.id
    _inquiry(staff, "Z-offen", today_local().isoformat(), None)
    with app.app_context():
        db.session.scalar(select(Inquiry).where(Inquiry.reference == "Z-offen")).unit_id = unit_id
        db.session.commit()
    assert "Z-offen" not in staff.get("/tasks/").get_data(as_text=True)
    assert "Z-offen" in login(app, "staff2").get("/tasks/").get_data(as_text=True)


def test_reviewers_see_who_submitted_each_answer_and_when(app, staff, reviewer):
    ids = drafted(app, staff)
    post(staff, "/answers/inquiry/1/submit-all", {"confirm_unchanged": [str(i) for i in ids]})
    page = reviewer.get("/tasks/").get_data(as_text=True)
    assert "3 Antworten zur Prüfung · 0 Gesamtantworten freizugeben" in page
    assert page.count("Eingereicht von Sabine Sachbearbeiterin, ") == 3
    assert f'href="/review/inquiries/1#antwort-{ids[0]}">Antwort 1a prüfen' in page


def test_curators_see_failed_uploads_until_the_file_is_uploaded_again(app, curator):
    broken = [(io.BytesIO(b"%PDF-1.7\n kaputt"), "beschaedigt.pdf")]
    post(curator, "/knowledge/upload", {"files": broken}, content_type="multipart/form-data")
    wait_for_jobs(app)
    page = curator.get("/tasks/").get_data(as_text=True)
    assert "1 fehlgeschlagener Upload" in page and "beschaedigt.pdf" in page
    assert "Zur Prüfung eingereicht" not in page  # a curator has no review list


def test_every_role_reaches_the_page_from_the_navigation(app):
    for role in ("staff", "reviewer", "curator", "admin"):
        page = login(app, role).get("/tasks/").get_data(as_text=True)
        assert '<a href="/tasks/" aria-current="page">Meine Aufgaben</a>' in page


def test_counts_read_as_german_plurals_on_other_pages_too(app, staff):
    _inquiry(staff, "P-1", today_local().isoformat(), None)
    assert "<p>1 Frage erkannt." in staff.get("/inquiries/1").text
    assert "<caption>6 Konten</caption>" in login(app, "admin").get("/admin/users").text
