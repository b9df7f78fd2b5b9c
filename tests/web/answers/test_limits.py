"""Input limits and failures of the answer pages: long texts, bounded diffs, error pages after a failed write."""

from __future__ import annotations

from sqlalchemy import select, text

from drafter.models import DraftSentence
from tests.web.conftest import post, wait_for_jobs
from web.answers.views import MAX_ANSWER_CHARS
from web.answers.workflow import add_revision
from web.database import db
from web.models import Draft, RevisionOrigin, User

TEXT = "Anfrage\n\n1) Wie viele Leistungen der Kreisverwaltung lassen sich digital beantragen?\n"


def drafted(app, staff) -> int:
    post(staff, "/inquiries/new", {"reference": "G-1", "kind": "ifg", "received_on": "2026-01-14", "text": TEXT})
    post(staff, "/inquiries/1/questions/draft")
    wait_for_jobs(app)
    with app.app_context():
        return db.session.scalar(select(Draft.id))


def test_an_overlong_answer_is_refused_with_the_limit_and_the_text_kept(app, staff):
    draft_id = drafted(app, staff)
    typed = "Ein Satz. " * (MAX_ANSWER_CHARS // 10 + 1)
    response = post(staff, f"/answers/{draft_id}/save", {"text": typed, "base_revision": 1})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "zu lang (höchstens 30.000)" in page
    assert typed.strip()[:200] in page
    with app.app_context():
        assert len(db.session.get(Draft, draft_id).revisions) == 1


def test_two_200_kb_revisions_show_their_line_level_differences(app, staff):
    draft_id = drafted(app, staff)
    with app.app_context():
        draft = db.session.get(Draft, draft_id)
        author = db.session.scalar(select(User).where(User.username == "sabine"))
        lines = [f"Zeile {n}: Die Kreisverwaltung bietet Leistung {n} online an." for n in range(3500)]
        changed = [line.replace("online", "digital") if n % 7 == 0 else line for n, line in enumerate(lines)]
        for body in (lines, changed):
            add_revision(draft, [[DraftSentence(line, [])] for line in body], RevisionOrigin.EDITED, author)
        db.session.commit()
        assert len(draft.current.text) > 200_000
        number = draft.current.number
    response = staff.get(f"/answers/{draft_id}/revisions?version={number}")
    assert response.status_code == 200
    assert "<ins>" in response.get_data(as_text=True) and "digital" in response.get_data(as_text=True)


FULL_DISK = {
    "sqlite": [
        "CREATE TRIGGER full_disk BEFORE INSERT ON audit_log WHEN NEW.action = 'withdrawn' "
        "BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END"
    ],
    "postgresql": [
        "CREATE FUNCTION full_disk() RETURNS trigger AS $$ BEGIN "
        "RAISE EXCEPTION 'could not extend file: No space left on device' USING ERRCODE = 'disk_full'; "
        "END; $$ LANGUAGE plpgsql",
        "CREATE TRIGGER full_disk BEFORE INSERT ON audit_log FOR EACH ROW WHEN (NEW.action = 'withdrawn') "
        "EXECUTE FUNCTION full_disk()",
    ],
}
"""A database that refuses the next write as a full disk would, in each dialect."""


def test_the_german_error_page_renders_after_a_failed_database_write(app, staff):
    draft_id = drafted(app, staff)
    post(staff, f"/answers/{draft_id}/submit", {"confirm_unchanged": "1"})
    app.config["PROPAGATE_EXCEPTIONS"] = False  # answer as in production, not by raising into the test
    with app.app_context():
        for statement in FULL_DISK[db.engine.dialect.name]:
            db.session.execute(text(statement))
        db.session.commit()
    response = post(staff, f"/answers/{draft_id}/withdraw")
    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Interner Fehler" in page and "Bitte erneut versuchen" in page
    assert "Sabine" in page  # the page header with the signed-in user rendered after the rollback
