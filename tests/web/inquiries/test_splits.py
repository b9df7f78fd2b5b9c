"""Correcting the detected split: edit, relabel, merge, split, delete, add – before drafting and after.

Numbering that restarts per section („1.“ under „I.“ and again under „II.“) keeps the labels as
printed; the section heading tells them apart. After drafting, a correction touches only the
answers of the questions it changes.
"""

from __future__ import annotations

import re

from sqlalchemy import select

from drafter.models import SubQuestion
from tests.web.conftest import USERS, post, wait_for_jobs
from web.database import db
from web.inquiries.split_editing import replace_all
from web.models import AnswerStatus, AuditEntry, Inquiry, User

TEXT = """Anfrage zur Schulsanierung

1. Wie viele Schulen wurden 2025 saniert? Welche Kosten sind dabei entstanden?
2. Welche Schulen folgen 2026?
3. Wer ist zuständig?
"""


def create(staff) -> str:
    response = post(
        staff, "/inquiries/new", {"reference": "S-1", "kind": "council", "received_on": "2026-01-14", "text": TEXT}
    )
    return response.headers["Location"]


def questions(app) -> list[tuple[str, str]]:
    with app.app_context():
        inquiry = db.session.scalar(select(Inquiry))
        return [(q.label, q.text) for q in inquiry.questions]


def ids(app) -> list[int]:
    with app.app_context():
        return [q.id for q in db.session.scalar(select(Inquiry)).questions]


def test_edit_text_and_label(app, staff):
    create(staff)
    first = ids(app)[0]
    response = post(staff, f"/inquiries/1/questions/{first}/save", {"label": "1a)", "text": "Wie viele Schulen?"})
    assert response.status_code == 302
    assert questions(app)[0] == ("1a", "Wie viele Schulen?")


def test_split_at_a_sentence_and_merge_back(app, staff):
    create(staff)
    first = ids(app)[0]
    page = staff.get("/inquiries/1").get_data(as_text=True)
    position = re.search(rf'id="position-{first}" name="position">\s*<option value="(\d+)"', page).group(1)
    post(staff, f"/inquiries/1/questions/{first}/split", {"position": position, "new_label": "1b"})
    assert questions(app)[:2] == [
        ("1", "Wie viele Schulen wurden 2025 saniert?"),
        ("1b", "Welche Kosten sind dabei entstanden?"),
    ]
    post(staff, f"/inquiries/1/questions/{first}/merge")
    label, text = questions(app)[0]
    assert label == "1" and "saniert?" in text and "Kosten" in text
    assert [label for label, _ in questions(app)] == ["1", "2", "3"]


def test_delete_and_add(app, staff):
    create(staff)
    post(staff, f"/inquiries/1/questions/{ids(app)[2]}/delete")
    post(staff, "/inquiries/1/questions/add", {"label": "4", "text": "Gibt es Fördermittel?"})
    assert [label for label, _ in questions(app)] == ["1", "2", "4"]


def test_duplicate_label_is_refused_with_a_reason(app, staff):
    create(staff)
    response = post(
        staff,
        f"/inquiries/1/questions/{ids(app)[1]}/save",
        {"label": "1", "text": "Text"},
        headers={"HX-Request": "true"},
    )
    page = response.get_data(as_text=True)
    assert "ist schon vergeben" in page
    assert 'id="split-editor"' in page  # htmx receives only the question list
    assert "<html" not in page
    assert questions(app)[1][0] == "2"


def test_split_before_a_phrase_inside_one_sentence(app, staff):
    create(staff)
    second = ids(app)[1]
    post(
        staff,
        f"/inquiries/1/questions/{second}/save",
        {"label": "2", "text": "Welche Schulen folgen 2026 und was kostet das?"},
    )
    response = post(staff, f"/inquiries/1/questions/{second}/split", {"before": "und was kostet", "new_label": "2b"})
    assert response.status_code == 302
    assert questions(app)[1:3] == [("2", "Welche Schulen folgen 2026"), ("2b", "und was kostet das?")]
    missing = post(
        staff,
        f"/inquiries/1/questions/{second}/split",
        {"before": "gibt es nicht", "new_label": "2c"},
        headers={"HX-Request": "true"},
    )
    assert "kommt in Frage 2 nicht vor" in missing.get_data(as_text=True)


SECTIONS = """Anfrage der Fraktion zur Kreisentwicklung

I. Schulen

1. Wie viele Schulen wurden 2025 saniert?
2. Welche Schulen folgen 2026?

II. Radwege

1. Wie viele Kilometer Radweg wurden 2025 gebaut?
2. Welche Radwege sind geplant?
"""


def create_sections(staff) -> None:
    post(
        staff, "/inquiries/new", {"reference": "S-2", "kind": "council", "received_on": "2026-01-14", "text": SECTIONS}
    )


def split(app) -> list[tuple[str | None, str]]:
    with app.app_context():
        return [(q.group_title, q.label) for q in db.session.scalar(select(Inquiry)).questions]


def test_numbering_that_restarts_per_section_keeps_its_labels_under_their_headings(app, staff):
    create_sections(staff)
    assert split(app) == [("I. Schulen", "1"), ("I. Schulen", "2"), ("II. Radwege", "1"), ("II. Radwege", "2")]
    page = staff.get("/inquiries/1").get_data(as_text=True)
    assert page.count('class="group-title">I. Schulen<') == 1
    assert page.count('class="group-title">II. Radwege<') == 1
    assert "Frage 1 (II. Radwege) speichern" in page and "Frage 1 (I. Schulen) speichern" in page


def test_a_label_is_unique_within_its_section_only(app, staff):
    create_sections(staff)
    second_of_one = ids(app)[1]
    refused = post(
        staff,
        f"/inquiries/1/questions/{second_of_one}/save",
        {"label": "1", "text": "Welche Schulen folgen 2026?"},
        headers={"HX-Request": "true"},
    )
    assert "Die Bezeichnung „1“ ist im Abschnitt „I. Schulen“ schon vergeben" in refused.get_data(as_text=True)
    post(
        staff, "/inquiries/1/questions/add", {"label": "3", "text": "Wer plant die Sanierungen?", "group": "I. Schulen"}
    )
    post(staff, "/inquiries/1/questions/add", {"label": "3", "text": "Wer plant die Radwege?", "group": "II. Radwege"})
    assert split(app) == [
        ("I. Schulen", "1"),
        ("I. Schulen", "2"),
        ("I. Schulen", "3"),
        ("II. Radwege", "1"),
        ("II. Radwege", "2"),
        ("II. Radwege", "3"),
    ]
    page = staff.get("/inquiries/1").get_data(as_text=True)
    # the suggested label for splitting I.2 is the next one free in section I
    assert re.search(rf'id="new-label-{second_of_one}" name="new_label" value="2-2"', page)


def test_drafted_answers_name_the_section_of_a_repeated_label(app, staff):
    create_sections(staff)
    post(staff, "/inquiries/1/questions/draft")
    wait_for_jobs(app)
    page = staff.get("/inquiries/1").get_data(as_text=True)
    assert "Antwort 1 (II. Radwege) öffnen" in page and "Antwort 1 (I. Schulen) öffnen" in page
    with app.app_context():
        draft_id = db.session.scalar(select(Inquiry)).questions[2].draft.id
    assert "II. Radwege" in staff.get(f"/answers/{draft_id}").get_data(as_text=True)


def drafted(app, staff) -> None:
    create(staff)
    post(staff, "/inquiries/1/questions/draft")
    wait_for_jobs(app)


def answers(app) -> dict[str, tuple[int, str, int]]:
    """Label → (draft id, status, number of revisions) of every answered question."""
    with app.app_context():
        questions = db.session.scalar(select(Inquiry)).questions
        return {q.label: (q.draft.id, q.draft.status, len(q.draft.revisions)) for q in questions if q.draft}


def approve_directly(app, label: str) -> None:
    """What a reviewer's approval leaves behind (the review flow itself is tested in tests/web/review)."""
    with app.app_context():
        reviewer = db.session.scalar(select(User).where(User.username == USERS["reviewer"][0]))
        draft = next(q.draft for q in db.session.scalar(select(Inquiry)).questions if q.label == label)
        draft.status, draft.approved_by_id = AnswerStatus.APPROVED, reviewer.id
        db.session.commit()


def audit_details(app) -> str:
    with app.app_context():
        return " ".join(e.detail or "" for e in db.session.scalars(select(AuditEntry)))


def test_after_drafting_a_changed_question_sends_its_approved_answer_back_and_keeps_the_others(app, staff):
    drafted(app, staff)
    approve_directly(app, "1")
    approve_directly(app, "2")
    before = answers(app)
    first, _, third = ids(app)
    response = post(
        staff, f"/inquiries/1/questions/{first}/save", {"label": "1", "text": "Wie viele Schulen gibt es im Kreis?"}
    )
    post(staff, f"/inquiries/1/questions/{third}/save", {"label": "3a", "text": "Wer ist zuständig?"})
    after = answers(app)
    assert after["1"] == (before["1"][0], AnswerStatus.DRAFT, before["1"][2])  # back to draft, text kept
    assert after["2"] == before["2"]  # untouched: still approved
    assert after["3a"] == before["3"]  # relabelled only: same answer, same revisions
    page = staff.get(response.headers["Location"]).get_data(as_text=True)
    assert "Antwort 1 war freigegeben und ist wieder ein Entwurf" in page
    workspace = staff.get(f"/answers/{after['1'][0]}").get_data(as_text=True)
    assert "Freigabe aufgehoben, weil der Text der Frage geändert wurde." in workspace
    details = audit_details(app)
    assert "Text der Frage 1 geändert." in details and "Bezeichnung „3“ in „3a“ geändert." in details


def test_after_drafting_add_a_question_and_draft_only_it(app, staff):
    drafted(app, staff)
    before = answers(app)
    post(staff, "/inquiries/1/questions/add", {"label": "4", "text": "Welche Fördermittel gibt es für Online-Dienste?"})
    new = ids(app)[-1]
    assert "Frage 4 entwerfen" in staff.get("/inquiries/1").get_data(as_text=True)
    post(staff, f"/inquiries/1/questions/{new}/redraft")
    wait_for_jobs(app)
    after = answers(app)
    assert {label: after[label] for label in before} == before
    assert after["4"][2] == 1
    assert "Frage 4 ergänzt." in audit_details(app)


def test_after_drafting_delete_merge_and_split_touch_only_their_answers(app, staff):
    drafted(app, staff)
    before = answers(app)
    first, _, third = ids(app)
    post(staff, f"/inquiries/1/questions/{third}/delete")
    assert set(answers(app)) == {"1", "2"}
    post(staff, f"/inquiries/1/questions/{first}/merge")  # 2 joins 1: the answer to 2 goes with it
    assert answers(app) == {"1": before["1"]}
    post(staff, f"/inquiries/1/questions/{first}/split", {"before": "Welche Schulen", "new_label": "2"})
    assert answers(app) == {"1": before["1"]} and [label for label, _ in questions(app)] == ["1", "2"]
    assert "Frage 2 entwerfen" in staff.get("/inquiries/1").get_data(as_text=True)


def test_untouched_answer_can_be_drafted_again_after_the_knowledge_base_changed(app, staff):
    drafted(app, staff)
    before = answers(app)
    page = staff.get("/inquiries/1").get_data(as_text=True)
    assert "Frage 2 neu entwerfen" in page
    post(staff, f"/inquiries/1/questions/{ids(app)[1]}/redraft")
    wait_for_jobs(app)
    after = answers(app)
    assert after["2"][2] == 2 and after["1"] == before["1"] and after["3"] == before["3"]


def test_detecting_again_is_refused_once_answers_exist(app, staff):
    drafted(app, staff)
    before = answers(app)
    response = post(staff, "/inquiries/1/questions/detect", headers={"HX-Request": "true"})
    assert response.headers["HX-Redirect"].startswith("/inquiries/1")
    assert "würde „Fragen neu erkennen“ alle Antworten verwerfen" in staff.get("/inquiries/1").get_data(as_text=True)
    assert answers(app) == before


def test_the_reply_approval_is_revoked_by_a_change_but_not_by_saving_unchanged(app, staff):
    drafted(app, staff)
    with app.app_context():
        db.session.scalar(select(Inquiry)).reply_approved = True
        db.session.commit()
    _, second, third = ids(app)
    post(staff, f"/inquiries/1/questions/{second}/save", {"label": "2", "text": "Welche Schulen folgen 2026?"})
    with app.app_context():
        assert db.session.scalar(select(Inquiry)).reply_approved
    response = post(staff, f"/inquiries/1/questions/{third}/save", {"label": "3a", "text": "Wer ist zuständig?"})
    assert "Die Freigabe der Gesamtantwort ist aufgehoben" in staff.get(response.headers["Location"]).get_data(
        as_text=True
    )
    with app.app_context():
        assert not db.session.scalar(select(Inquiry)).reply_approved


def test_detected_labels_get_a_suffix_only_when_they_repeat_within_one_section():
    inquiry = Inquiry(text="")
    detected = [
        SubQuestion(label="1", text="A?", group="I."),
        SubQuestion(label="1", text="B?", group="II."),
        SubQuestion(label="1", text="C?", group="II."),
    ]
    replace_all(inquiry, detected)
    assert [(q.group_title, q.label) for q in inquiry.questions] == [("I.", "1"), ("II.", "1"), ("II.", "1-2")]
