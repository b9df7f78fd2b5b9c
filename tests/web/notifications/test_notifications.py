"""Notifications when an answer is sent back or approved or an inquiry is assigned: in the app and by mail
through a real SMTP server on 127.0.0.1; a mail server that is down never costs the reviewer's decision."""

from __future__ import annotations

from dataclasses import dataclass

from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.test import TestResponse

from tests.servers import free_port
from tests.web.conftest import login, post, stop_app, wait_for_jobs
from tests.web.notifications.conftest import give_addresses, mailing_app
from tests.web.review.test_review import drafted, status
from web.database import db
from web.models import MailJob, Notification, User
from web.notifications.mail import compose


@dataclass
class Decided:
    addresses: dict[str, str]
    ids: list[int]
    staff: FlaskClient
    reviewer: FlaskClient
    response: TestResponse


def decided(app, tag: str, decision: str, data: dict, answer: int = 0) -> Decided:
    """Sabine submits one answer of a fresh inquiry, Rainer decides on it (`approve` or `changes`); mails sent."""
    addresses = give_addresses(app, tag)
    staff, reviewer = login(app, "staff"), login(app, "reviewer")
    ids = drafted(app, staff)
    post(staff, f"/answers/{ids[answer]}/submit", {"confirm_unchanged": "1"})
    response = post(reviewer, f"/review/answers/{ids[answer]}/{decision}", data)
    wait_for_jobs(app)
    return Decided(addresses, ids, staff, reviewer, response)


def test_a_send_back_mails_the_staff_member_the_answer_label_the_comment_and_the_link(mail_app, smtp_server):
    done = decided(mail_app, "send-back", "changes", {"comment": "Bitte den Stand 2026 ergänzen."})
    addresses, ids = done.addresses, done.ids

    [mail] = smtp_server.to(addresses["sabine"])
    assert mail["Subject"].startswith("Antwort 1a zurückgegeben – FWG/2026/1")
    assert mail["From"] == "drafter@kreis.example"
    body = mail.get_content()
    assert "Rainer Prüfer hat die Antwort 1a zur Anfrage FWG/2026/1" in body
    assert "Bitte den Stand 2026 ergänzen." in body
    assert f"https://drafter.kreis.example/answers/{ids[0]}" in body
    assert smtp_server.to(addresses["rainer"]) == []  # the reviewer is not told about their own decision


def test_an_approval_mails_the_staff_member_too(mail_app, smtp_server):
    addresses = decided(mail_app, "approval", "approve", {"comment": ""}, answer=1).addresses
    [mail] = smtp_server.to(addresses["sabine"])
    assert mail["Subject"].startswith("Antwort 1b freigegeben – FWG/2026/1")
    assert "hat die Antwort 1b zur Anfrage FWG/2026/1" in mail.get_content()


def test_a_mail_server_that_is_down_does_not_break_the_send_back_and_the_administration_sends_it_again(
    tmp_path, knowledge_dir, embedder, smtp_server
):
    app = mailing_app(tmp_path, knowledge_dir, embedder, free_port())  # nothing listens there
    try:
        done = decided(app, "down", "changes", {"comment": "Quelle fehlt."})
        assert done.response.status_code == 302
        assert "geht mit Ihrem Kommentar zurück" in done.reviewer.get(done.response.headers["Location"]).text
        assert status(app, done.ids[0]) == "changes_requested"
        assert "Antwort 1a zurückgegeben" in done.staff.get("/notifications/").text
        tasks = login(app, "admin").get("/tasks/").text
        assert "1 E-Mail nicht versandt" in tasks
        assert "sabine-down@kreis.example" in tasks and "konnte nicht versandt werden" in tasks
        app.config["SMTP_PORT"] = smtp_server.port  # the server is reachable again (the settings corrected)
        admin = login(app, "admin")
        [job] = [line for line in tasks.split('action="') if line.startswith("/notifications/mail/")]
        post(admin, job.split('"')[0])
        wait_for_jobs(app)
        assert len(smtp_server.to("sabine-down@kreis.example")) == 1
        assert "0 E-Mails nicht versandt" in admin.get("/tasks/").text
    finally:
        stop_app(app)


def test_notifications_are_counted_in_the_navigation_and_read_by_opening_them(app):
    staff, reviewer = login(app, "staff"), login(app, "reviewer")
    ids = drafted(app, staff)
    post(staff, "/answers/inquiry/1/submit-all", {"confirm_unchanged": [str(i) for i in ids]})
    post(reviewer, f"/review/answers/{ids[0]}/changes", {"comment": "Zahl prüfen."})
    post(reviewer, f"/review/answers/{ids[1]}/approve")
    page = staff.get("/tasks/").get_data(as_text=True)
    assert 'Benachrichtigungen <span class="badge badge-count">2<span class="visually-hidden"> ungelesen' in page
    listing = staff.get("/notifications/").get_data(as_text=True)
    assert "2 ungelesene Benachrichtigungen" in listing
    assert "Antwort 1a zurückgegeben – FWG/2026/1" in listing and "Kommentar: Zahl prüfen." in listing
    with app.app_context():
        first = db.session.scalar(select(Notification.id).where(Notification.draft_id == ids[0]))
        assert db.session.scalar(select(MailJob.id)) is None  # no SMTP server configured: in the app only
    opened = staff.get(f"/notifications/{first}")
    assert opened.headers["Location"] == f"/answers/{ids[0]}"
    assert "1 ungelesene Benachrichtigung." in staff.get("/notifications/").get_data(as_text=True)
    post(staff, "/notifications/read")
    assert "0 ungelesene Benachrichtigungen" in staff.get("/notifications/").get_data(as_text=True)
    assert staff.get(f"/notifications/{first + 1}").status_code == 302  # the staff member's own second one
    assert reviewer.get(f"/notifications/{first}").status_code == 404  # somebody else's


def test_assigning_an_inquiry_notifies_the_new_assignee_not_oneself(app):
    staff = login(app, "staff")
    with app.app_context():
        stefan = db.session.scalar(select(User.id).where(User.username == "stefan"))
        sabine = db.session.scalar(select(User.id).where(User.username == "sabine"))
    fields = {"reference": "A-1", "kind": "ifg", "received_on": "2026-11-20", "text": "1) Wie viele Ämter?"}
    post(staff, "/inquiries/new", {**fields, "assignee_id": str(sabine)})
    assert "0 ungelesene" in staff.get("/notifications/").get_data(as_text=True)
    post(staff, "/inquiries/1/edit", {**fields, "subject": "Ämter", "assignee_id": str(stefan)})
    stefan_page = login(app, "staff2").get("/notifications/").get_data(as_text=True)
    assert "Anfrage zugewiesen – A-1: Ämter" in stefan_page and "Sabine Sachbearbeiterin" in stefan_page


def test_a_subject_with_line_breaks_gives_a_one_line_mail_subject(app):
    staff, reviewer = login(app, "staff"), login(app, "reviewer")
    ids = drafted(app, staff)
    with app.app_context():
        from web.models import Inquiry

        db.session.get(Inquiry, 1).subject = "Digitalisierung\r\nBcc: fremd@example.org"
        db.session.commit()
    post(staff, f"/answers/{ids[0]}/submit", {"confirm_unchanged": "1"})
    post(reviewer, f"/review/answers/{ids[0]}/changes", {"comment": "Bitte ergänzen."})
    with app.app_context():
        notification = db.session.scalar(select(Notification))
        mail = compose(notification, "sabine@kreis.example", "drafter@kreis.example", "https://x.example")
        assert mail["Subject"] == "Antwort 1a zurückgegeben – FWG/2026/1: Digitalisierung Bcc: fremd@example.org"
        assert mail["Bcc"] is None


def test_the_administration_sets_an_e_mail_address_and_a_wrong_one_is_refused_in_german(app):
    admin = login(app, "admin")
    with app.app_context():
        sabine = db.session.scalar(select(User).where(User.username == "sabine"))
        form = {"display_name": sabine.display_name, "role_staff": "1", "active": "1"}
    refused = post(admin, f"/admin/users/{sabine.id}", {**form, "email": "sabine at kreis"})
    assert refused.status_code == 400
    assert "Bitte eine E-Mail-Adresse wie name@kreis.example angeben" in refused.get_data(as_text=True)
    assert post(admin, f"/admin/users/{sabine.id}", {**form, "email": "sabine@kreis.example"}).status_code == 302
    with app.app_context():
        assert db.session.get(User, sabine.id).email == "sabine@kreis.example"
