"""Recording inquiries: pasted or uploaded, with deadlines, listed with overdue ones clearly marked."""

from __future__ import annotations

import io
import re
from dataclasses import fields
from datetime import date, timedelta

from sqlalchemy import select

from tests.web.conftest import SAMPLE_INQUIRY, login, make_app, post, seed_users, stop_app, wait_for_jobs
from web.database import db
from web.inquiries.deadlines import compute_deadline
from web.inquiries.listing import RowData
from web.inquiries.views import LIST_COLUMNS
from web.knowledge_store import knowledge_base
from web.models import Inquiry, User
from web.templating import today_local

EML = b"""From: Erika Mustermann <erika@example.org>
To: poststelle@example.org
Subject: Antrag nach LTranspG - Radwege
Date: Mon, 02 Feb 2026 09:15:00 +0100
Content-Type: text/plain; charset=utf-8

Sehr geehrte Damen und Herren,

1. Wie viele Kilometer Radweg hat der Landkreis 2025 gebaut?
2. Welche Radwege sind fuer 2026 geplant?

Mit freundlichen Gruessen
Erika Mustermann
"""


def new_inquiry(client, **fields):
    data = {"reference": "FWG-2026-01", "kind": "council", "received_on": "2026-01-14", "assignee_id": ""}
    data.update(fields)
    files = data.pop("files", None)
    if files:
        data.update(files)
        return after_the_file_is_read(client, post(client, "/inquiries/new", data, content_type="multipart/form-data"))
    return post(client, "/inquiries/new", data)


def after_the_file_is_read(client, response):
    """The page the form goes on with once the file sent with it has been read in the background; a response that
    did not queue the file (refused at once) as it is."""
    location = response.headers.get("Location", "")
    if response.status_code != 302 or "/inquiries/new/file/" not in location:
        return response
    wait_for_jobs(client.application)
    return client.get(location)


def test_pasted_inquiry_is_split_into_its_numbered_questions(app, staff):
    response = new_inquiry(staff, text=SAMPLE_INQUIRY.read_text())
    assert response.status_code == 302
    page = staff.get(response.headers["Location"]).get_data(as_text=True)
    labels = re.findall(r'name="label" value="([^"]+)"', page)
    assert labels == ["1a", "1b", "1c", "2a", "2b", "2c", "2d", "3a", "3b", "3c", "3d", "3e"]
    assert "12 Fragen erkannt" in page


def test_one_recognised_question_is_counted_in_the_singular(app, staff):
    response = new_inquiry(staff, text="1. Wie viele Schulen gibt es?")
    assert "1 Frage erkannt" in staff.get(response.headers["Location"]).get_data(as_text=True)


def test_deadline_is_one_month_after_receipt_unless_configured(app, staff):
    new_inquiry(staff, text="1. Wie viele Schulen gibt es?", received_on="2026-01-14")
    with app.app_context():
        inquiry = db.session.scalar(select(Inquiry))
        assert inquiry.deadline == date(2026, 2, 16)  # 14 February 2026 is a Saturday


def test_deadline_rules():
    assert compute_deadline(date(2026, 1, 31), "1m") == date(2026, 3, 2)  # 28 Feb is a Saturday
    assert compute_deadline(date(2026, 3, 2), "14d") == date(2026, 3, 16)
    assert compute_deadline(date(2026, 3, 2), "2w") == date(2026, 3, 16)
    assert compute_deadline(date(2024, 1, 31), "1m") == date(2024, 2, 29)


def test_email_upload_fills_sender_subject_and_date(app, staff):
    response = new_inquiry(
        staff,
        kind="ltranspg",
        received_on="",
        reference="LT-7",
        files={"file": (io.BytesIO(EML), "antrag.eml"), "text": ""},
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        inquiry = db.session.scalar(select(Inquiry))
        assert inquiry.requester_email == "erika@example.org"
        assert inquiry.requester_name == "Erika Mustermann"
        assert inquiry.received_on == date(2026, 2, 2)
        assert "Radwege" in inquiry.subject
        assert [q.label for q in inquiry.questions] == ["1", "2"]
        assert inquiry.source_filename == "antrag.eml"


def test_unreadable_upload_keeps_everything_typed(app, staff):
    response = new_inquiry(
        staff,
        requester_name="Erika Mustermann",
        reference="AZ-99",
        files={"file": (io.BytesIO(b"%PDF-1.4 kaputt"), "anfrage.pdf")},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "anfrage.pdf" in page
    assert 'value="Erika Mustermann"' in page and 'value="AZ-99"' in page
    with app.app_context():
        assert db.session.scalar(select(Inquiry)) is None


def test_oversized_upload_gets_a_clear_german_message(tmp_path, knowledge_dir, embedder):
    app = make_app(tmp_path / "instance", knowledge_dir, embedder, MAX_FILE_BYTES=1000)
    seed_users(app)
    try:
        staff = login(app, "staff")
        big = io.BytesIO(b"1. Wie viele Schulen gibt es? " * 100)
        response = new_inquiry(staff, reference="GROSS-1", files={"file": (big, "lang.txt")})
        page = response.get_data(as_text=True)
        assert response.status_code == 400
        assert "erlaubt sind höchstens" in page
        assert 'value="GROSS-1"' in page
    finally:
        stop_app(app)


def test_both_text_and_file_asks_to_choose(app, staff):
    response = new_inquiry(staff, files={"file": (io.BytesIO(EML), "antrag.eml"), "text": "1. Frage?"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "entweder Text einfügen oder eine Datei" in page
    assert "1. Frage?" in page  # the pasted text is still there


def test_missing_fields_are_explained(app, staff):
    response = new_inquiry(staff, reference="", text="", received_on="kein-datum")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Bitte das Aktenzeichen angeben." in page
    assert "kein gültiges Datum" in page
    assert "Bitte den Text der Anfrage einfügen" in page


def test_text_without_questions_still_creates_the_inquiry(app, staff):
    response = new_inquiry(staff, text="Sehr geehrte Damen und Herren, wir bitten um einen Rückruf.")
    assert response.status_code == 302
    page = staff.get(response.headers["Location"]).get_data(as_text=True)
    assert "keine Frage gefunden" in page


def _add(app, reference, received, deadline, status="drafting", subject="Betreff", assignee="sabine"):
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == assignee))
        db.session.add(
            Inquiry(
                reference=reference,
                kind="ifg",
                subject=subject,
                text="Frage?",
                received_on=received,
                deadline=deadline,
                status=status,
                created_by_id=user.id,
                assignee_id=user.id,
            )
        )
        db.session.commit()


def test_list_marks_overdue_inquiries_in_words_and_sorts(app, staff):
    today = today_local()
    _add(app, "ALT-1", today - timedelta(days=40), today - timedelta(days=5), subject="Hallenbad")
    _add(app, "NEU-2", today, today + timedelta(days=30), subject="Radwege")
    _add(app, "FERTIG-3", today - timedelta(days=60), today - timedelta(days=20), status="sent", subject="Kita")
    page = staff.get("/inquiries/").get_data(as_text=True)
    assert "überfällig seit 5 Tagen" in page
    assert 'class="overdue"' in page
    assert "FERTIG-3" not in page  # the default view shows open inquiries
    assert page.index("ALT-1") < page.index("NEU-2")
    descending = staff.get("/inquiries/?sort=deadline&dir=desc").get_data(as_text=True)
    assert descending.index("NEU-2") < descending.index("ALT-1")
    assert 'aria-sort="descending"' in descending
    everything = staff.get("/inquiries/?status=all").get_data(as_text=True)
    assert "FERTIG-3" in everything and "überfällig seit 20" not in everything
    found = staff.get("/inquiries/?q=radweg&status=all").get_data(as_text=True)
    assert "NEU-2" in found and "ALT-1" not in found


def test_list_applies_each_views_own_filters(app, staff):
    """Each view of the list gets the rows of its own filters, and their count."""
    today, later = today_local(), today_local() + timedelta(days=30)
    _add(app, "EINS-1", today, later, subject="Radwege")
    _add(app, "ZWEI-2", today, later, status="in_review", subject="Hallenbad")
    _add(app, "DREI-3", today, later, status="sent", subject="Radweg Nord", assignee="stefan")

    def listed(query: str) -> tuple[set[str], str]:
        page = staff.get(f"/inquiries/?{query}").get_data(as_text=True)
        caption = re.search(r"<caption>(.*?)</caption>", page).group(1)
        return {reference for reference in ("EINS-1", "ZWEI-2", "DREI-3") if reference in page}, caption

    assert listed("status=in_review") == ({"ZWEI-2"}, "1 Anfrage")
    assert listed("status=sent") == ({"DREI-3"}, "1 Anfrage")
    assert listed("q=radweg&status=all") == ({"EINS-1", "DREI-3"}, "2 Anfragen")
    assert listed("q=hallenbad&status=all") == ({"ZWEI-2"}, "1 Anfrage")
    assert listed("status=all&mine=1") == ({"EINS-1", "ZWEI-2"}, "2 Anfragen")
    assert listed("status=all&mine=1&q=radweg") == ({"EINS-1"}, "1 Anfrage")


def test_list_shows_changes_at_once(app, staff):
    """A changed subject, status or assignee name must show on the next view of the list."""
    today = today_local()
    _add(app, "AZ-7", today, today + timedelta(days=30), subject="Hallenbad")
    assert "Hallenbad" in staff.get("/inquiries/").get_data(as_text=True)
    with app.app_context():
        inquiry = db.session.scalar(select(Inquiry).where(Inquiry.reference == "AZ-7"))
        inquiry.subject, inquiry.status = "Freibad", "in_review"
        inquiry.assignee.display_name = "Sabine Neumann-Groß"
        db.session.commit()
    page = staff.get("/inquiries/").get_data(as_text=True)
    row = page[page.index("AZ-7") : page.index("</tr>", page.index("AZ-7"))]
    assert "Freibad" in row and "Hallenbad" not in row
    assert "In Prüfung" in row
    assert "Sabine Neumann-Groß" in row


def test_list_columns_fill_the_row_fields_of_the_same_name():
    """A reordered column would put, say, the subject under the reference: it must fail here instead."""
    assert [column.key for column in LIST_COLUMNS] == [field.name for field in fields(RowData)][:-1]


def test_requester_data_stays_out_of_the_knowledge_base(app, staff):
    with app.app_context():
        before = {d.doc_id for d in knowledge_base().documents()}
    new_inquiry(
        staff, text=SAMPLE_INQUIRY.read_text(), requester_name="Hans-Peter Pauly", requester_email="pauly@example.org"
    )
    post(staff, "/inquiries/1/questions/draft")
    wait_for_jobs(app)
    with app.app_context():
        kb = knowledge_base()
        assert {d.doc_id for d in kb.documents()} == before
        assert all("pauly@example.org" not in hit.chunk.text for hit in kb.search("pauly@example.org", k=20))


def test_staff_can_correct_the_metadata(app, staff):
    new_inquiry(staff, text="1. Wie viele Schulen gibt es?")
    response = post(
        staff,
        "/inquiries/1/edit",
        {
            "reference": "NEU-AZ",
            "kind": "ifg",
            "subject": "Schulen",
            "received_on": "2026-01-14",
            "deadline": "2026-03-01",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        inquiry = db.session.get(Inquiry, 1)
        assert (inquiry.reference, inquiry.deadline) == ("NEU-AZ", date(2026, 3, 1))
