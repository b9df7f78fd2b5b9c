"""Who may see which inquiry: organisational units on accounts and inquiries, and reading them is audited."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest
from sqlalchemy import select

from tests.web.conftest import login, make_app, post, seed_users, stop_app
from web.database import db
from web.models import AuditEntry, Draft, DraftRevision, Inquiry, Question, Unit, User


def _user(app, username: str) -> User:
    with app.app_context():
        return db.session.scalar(select(User).where(User.username == username))


def _units_for(app, admin, assignments: dict[str, list[str]]) -> None:
    """The administration creates the units and puts the accounts into them through its pages."""
    for name in sorted({unit for units in assignments.values() for unit in units}):
        assert post(admin, "/admin/units", {"name": name}).status_code == 302
    with app.app_context():
        ids = {unit.name: unit.id for unit in db.session.scalars(select(Unit))}
    for username, names in assignments.items():
        user = _user(app, username)
        form = {"display_name": user.display_name, "active": "1"}
        with app.app_context():
            form |= {f"role_{role}": "1" for role in db.session.get(User, user.id).roles}
        form |= {f"unit_{ids[name]}": "1" for name in names}
        assert post(admin, f"/admin/users/{user.id}", form).status_code == 302


def _inquiry(app, creator: str, requester: str | None = "Erika Mustermann") -> tuple[int, int]:
    """An inquiry saved by `creator` with one answered question: (inquiry id, draft id)."""
    with app.app_context():
        author = db.session.scalar(select(User).where(User.username == creator))
        inquiry = Inquiry(
            reference="BA-2026-7",
            kind="ifg",
            subject="Baugenehmigungen",
            text="1. Wie viele Baugenehmigungen gab es 2025?",
            received_on=date(2026, 1, 14),
            deadline=date(2026, 2, 16),
            created_by_id=author.id,
            requester_name=requester,
        )
        question = Question(position=1, label="1", text="Wie viele Baugenehmigungen gab es 2025?")
        inquiry.questions.append(question)
        db.session.add(inquiry)
        db.session.flush()
        draft = Draft(question_id=question.id, evidence="drafted", method="extractive")
        draft.revisions.append(DraftRevision(number=1, origin="generated", author_id=author.id))
        db.session.add(draft)
        db.session.commit()
        return inquiry.id, draft.id


@pytest.fixture
def units(app):
    admin = login(app, "admin")
    _units_for(app, admin, {"sabine": ["Bauamt"], "stefan": ["Jugendamt"], "rainer": ["Bauamt"]})
    return admin


def test_staff_of_another_unit_get_403_on_the_inquiry_and_its_answers(app, units):
    inquiry_id, draft_id = _inquiry(app, "sabine")
    with app.app_context():
        assert db.session.get(Inquiry, inquiry_id).unit_id == db.session.scalar(
            select(Unit.id).where(Unit.name == "Bauamt")
        )  # the creator's only unit
    sabine, stefan, rainer = login(app, "staff"), login(app, "staff2"), login(app, "reviewer")
    for url in (f"/inquiries/{inquiry_id}", f"/answers/{draft_id}", f"/inquiries/{inquiry_id}/letter/"):
        assert stefan.get(url).status_code == 403, url
        assert sabine.get(url).status_code != 403, url
    assert rainer.get(f"/inquiries/{inquiry_id}").status_code == 200  # a reviewer of the unit
    assert post(stefan, f"/inquiries/{inquiry_id}/questions/draft").status_code == 403
    assert post(stefan, f"/answers/{draft_id}/save", {"text": "Überschrieben."}).status_code == 403
    assert "BA-2026-7" in sabine.get("/inquiries/?status=all").get_data(as_text=True)
    other_list = stefan.get("/inquiries/?status=all&q=Mustermann").get_data(as_text=True)
    assert "BA-2026-7" not in other_list  # nor found by the requester's name


def test_inquiries_of_the_default_unit_and_all_visibility_are_seen_by_everyone(tmp_path, knowledge_dir, embedder):
    app = make_app(tmp_path / "instance", knowledge_dir, embedder, VISIBILITY="all")
    seed_users(app)
    try:
        admin = login(app, "admin")
        _units_for(app, admin, {"sabine": ["Bauamt"], "stefan": ["Jugendamt"]})
        inquiry_id, _ = _inquiry(app, "sabine")
        assert login(app, "staff2").get(f"/inquiries/{inquiry_id}").status_code == 200
    finally:
        stop_app(app)


def test_an_inquiry_of_a_creator_without_units_stays_visible_to_all_staff(app):
    inquiry_id, _ = _inquiry(app, "sabine")
    with app.app_context():
        assert db.session.get(Inquiry, inquiry_id).unit_id == db.session.scalar(select(Unit.id).where(Unit.is_default))
    assert login(app, "staff2").get(f"/inquiries/{inquiry_id}").status_code == 200


def test_reading_an_inquiry_with_personal_data_is_audited_and_exported(app, units):
    inquiry_id, _ = _inquiry(app, "sabine")
    anonymous_id, _ = _inquiry(app, "sabine", requester=None)
    sabine = login(app, "staff")
    assert sabine.get(f"/inquiries/{inquiry_id}").status_code == 200
    sabine.get(f"/inquiries/{inquiry_id}/questions/progress", headers={"HX-Request": "true"})
    sabine.get(f"/inquiries/{anonymous_id}")
    with app.app_context():
        reads = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "inquiry_read")).all()
    assert [(r.username, r.inquiry_id) for r in reads] == [("sabine", inquiry_id)]

    response = units.get(f"/admin/users/{_user(app, 'sabine').id}/access.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:3] == ["Zeitpunkt (UTC)", "Konto", "Aktion"]
    assert ["sabine", "inquiry_read", "inquiry", str(inquiry_id), str(inquiry_id)] in [row[1:6] for row in rows]


def test_the_administration_explains_a_duplicate_unit(app, units):
    response = post(units, "/admin/units", {"name": "bauamt"})
    assert response.status_code == 400
    assert "gibt es bereits" in response.get_data(as_text=True)


def test_the_review_queue_shows_only_answers_a_reviewer_may_see(app):
    admin = login(app, "admin")
    _units_for(app, admin, {"sabine": ["Bauamt"], "rainer": ["Bauamt"], "doris": ["Jugendamt"]})
    _, draft_id = _inquiry(app, "sabine")
    with app.app_context():
        db.session.get(Draft, draft_id).status = "in_review"
        db.session.commit()
    assert "BA-2026-7" in login(app, "reviewer").get("/review/").get_data(as_text=True)
    other = login(app, "staff_reviewer")
    assert "BA-2026-7" not in other.get("/review/").get_data(as_text=True)
    assert other.get(f"/answers/{draft_id}").status_code == 403


def test_an_account_is_created_in_a_unit(app, units):
    with app.app_context():
        bauamt = db.session.scalar(select(Unit.id).where(Unit.name == "Bauamt"))
    form = {"username": "nora", "password": "Blaue-Tasse-41", "repeat_password": "Blaue-Tasse-41", "role_staff": "1"}
    assert post(units, "/admin/users/new", form | {f"unit_{bauamt}": "1"}).status_code == 302
    with app.app_context():
        nora = db.session.scalar(select(User).where(User.username == "nora"))
        assert [unit.name for unit in nora.units] == ["Bauamt"]


def test_an_inquiry_handed_over_to_another_unit_moves_who_may_see_it(app, units):
    inquiry_id, draft_id = _inquiry(app, "sabine")
    sabine, stefan = login(app, "staff"), login(app, "staff2")
    page = sabine.get(f"/inquiries/{inquiry_id}").get_data(as_text=True)
    assert "An anderen Fachbereich abgeben" in page and "Bauamt" in page
    with app.app_context():
        youth = db.session.scalar(select(Unit.id).where(Unit.name == "Jugendamt"))

    response = post(sabine, f"/inquiries/{inquiry_id}/unit", {"unit_id": str(youth)})
    assert response.status_code == 302 and response.headers["Location"].endswith("/inquiries/")
    assert "liegt jetzt beim Fachbereich Jugendamt; Sie sehen sie nicht mehr" in sabine.get("/inquiries/").get_data(
        as_text=True
    )
    assert sabine.get(f"/inquiries/{inquiry_id}").status_code == 403
    assert sabine.get(f"/answers/{draft_id}").status_code == 403
    assert stefan.get(f"/inquiries/{inquiry_id}").status_code == 200
    with app.app_context():
        moved = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "inquiry_moved"))
        assert moved.username == "sabine" and moved.inquiry_id == inquiry_id
        assert json.loads(moved.detail)["summary"] == "Abgegeben von Bauamt an Jugendamt"


def test_handing_over_to_a_unit_that_does_not_exist_is_refused_in_german(app, units):
    inquiry_id, _ = _inquiry(app, "sabine")
    sabine = login(app, "staff")
    response = post(sabine, f"/inquiries/{inquiry_id}/unit", {"unit_id": "999999"})
    assert response.status_code == 302
    assert "Bitte einen Fachbereich aus der Liste wählen." in sabine.get(f"/inquiries/{inquiry_id}").get_data(
        as_text=True
    )
    assert sabine.get(f"/inquiries/{inquiry_id}").status_code == 200
