"""Correcting the detected split before drafting: edit, relabel, merge, split, delete, add."""

from __future__ import annotations

import re

from sqlalchemy import select

from tests.web.conftest import post, wait_for_jobs
from web.database import db
from web.models import Inquiry

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


def test_split_is_fixed_once_drafting_started(app, staff):
    create(staff)
    post(staff, "/inquiries/1/questions/draft")
    wait_for_jobs(app)
    response = post(staff, f"/inquiries/1/questions/{ids(app)[0]}/save", {"label": "X", "text": "Y"})
    assert response.status_code == 302
    assert "Aufteilung ist festgelegt" in staff.get("/inquiries/1").get_data(as_text=True)
    assert questions(app)[0][0] == "1"


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
