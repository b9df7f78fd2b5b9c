"""The audit log reads in German: actions in words, people by name, answers and inquiries by their labels."""

from __future__ import annotations

from tests.web.conftest import login, post
from tests.web.review.test_review import drafted


def test_the_audit_log_names_actions_people_and_objects_in_german(app, staff, reviewer):
    ids = drafted(app, staff)
    post(staff, f"/answers/{ids[0]}/save", {"text": "Stand 2026: 158 Leistungen. [1]", "base_revision": 1})
    post(staff, f"/answers/{ids[0]}/submit", {"confirm_unchanged": "1"})
    post(reviewer, f"/review/answers/{ids[0]}/changes", {"comment": "Bitte Quelle nennen."})
    page = login(app, "admin").get("/admin/audit").text
    table = page.split("<tbody>")[1]
    for shown in (
        "<td>Rainer Prüfer (rainer)</td>",
        "<td>Antwort zurückgegeben</td>",
        "<td>Antwort 1a</td>",
        "<td>FWG/2026/1</td>",
        "Kommentar: Bitte Quelle nennen.",
        "<td>Antwort bearbeitet</td>",
        "Version: 2",
        "<td>Entwurf erstellt</td>",
        "<td>Anfrage FWG/2026/1</td>",
    ):
        assert shown in table, shown
    assert "draft_generated" not in table and '{"' not in table and "changes_requested" not in table
    assert '<option value="changes_requested">Antwort zurückgegeben</option>' in page  # the filter keeps the code
    filtered = login(app, "admin").get("/admin/audit?action=changes_requested").text.split("<tbody>")[1]
    assert filtered.count("<tr>") == 1
