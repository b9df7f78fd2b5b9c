"""Drafting in the background and the draft workspace: sources, revisions, further passages, restarts."""

from __future__ import annotations

import re

from sqlalchemy import select

from drafter.models import Citation, DraftAnswer, DraftSentence, DraftStatus
from tests.web.conftest import SAMPLE_INQUIRY, login, make_app, post, seed_users, stop_app, wait_for_jobs
from web.answers import answer_text
from web.answers.drafting import store_answer
from web.answers.queries import get_draft
from web.answers.workflow import add_revision
from web.database import db
from web.knowledge_store import knowledge_base
from web.models import Draft, DraftingJob, Inquiry, JobState, Question, RevisionOrigin, User

SHORT = """Anfrage zur Digitalisierung

1a) Wie viele Leistungen der Kreisverwaltung lassen sich inzwischen digital beantragen?
1b) Wie hoch ist die Gebühr für ein Wunschkennzeichen?
"""


def create_and_draft(app, staff, text: str = SHORT) -> None:
    post(staff, "/inquiries/new", {"reference": "D-1", "kind": "council", "received_on": "2026-01-14", "text": text})
    post(staff, "/inquiries/1/questions/draft")
    wait_for_jobs(app)


def draft_ids(app) -> list[int]:
    with app.app_context():
        return [d.id for d in db.session.scalars(select(Draft).join(Question).order_by(Question.position))]


def test_every_question_gets_a_cited_draft_and_progress_stops_polling(app, staff):
    create_and_draft(app, staff)
    progress = staff.get("/inquiries/1/questions/progress", headers={"HX-Request": "true"})
    assert progress.status_code == 286  # tells htmx to stop polling
    assert "2 von 2 Entwürfen fertig" in progress.get_data(as_text=True)
    page = staff.get(f"/answers/{draft_ids(app)[0]}").get_data(as_text=True)
    assert "142" in page  # the sample knowledge base's current number of online services
    assert re.search(r'<a class="marker" href="#quelle-1"', page)
    assert '<li id="quelle-1" class="source"' in page
    assert "<mark>" in page  # the quoted sentence is highlighted in its passage


def test_progress_keeps_polling_while_jobs_wait(tmp_path, knowledge_dir, embedder):
    app = make_app(tmp_path / "instance", knowledge_dir, embedder)  # no workers: jobs stay queued
    seed_users(app)
    try:
        staff = login(app, "staff")
        post(staff, "/inquiries/new", {"reference": "D-1", "kind": "ifg", "received_on": "2026-01-14", "text": SHORT})
        post(staff, "/inquiries/1/questions/draft")
        page = staff.get("/inquiries/1").get_data(as_text=True)
        assert 'hx-trigger="every 2s"' in page
        assert "wartet" in page
        progress = staff.get("/inquiries/1/questions/progress", headers={"HX-Request": "true"})
        assert progress.status_code == 200
    finally:
        stop_app(app)


def test_citation_links_to_the_passage_in_the_whole_document(app, staff):
    create_and_draft(app, staff)
    with app.app_context():
        chunk_id = db.session.get(Draft, draft_ids(app)[0]).citations[0].chunk_id
    response = staff.get(f"/knowledge/passages/{chunk_id}")
    assert response.status_code == 302 and "#fundstelle" in response.headers["Location"]
    text_page = staff.get(response.headers["Location"]).get_data(as_text=True)
    assert '<mark id="fundstelle"' in text_page


def test_each_save_is_a_revision_with_a_diff(app, staff):
    create_and_draft(app, staff)
    draft_id = draft_ids(app)[0]
    response = post(staff, f"/answers/{draft_id}/save", {"text": "Es sind 142 Leistungen. [1]", "base_revision": 1})
    assert response.status_code == 302
    unchanged = post(staff, f"/answers/{draft_id}/save", {"text": "Es sind 142 Leistungen. [1]", "base_revision": 2})
    assert unchanged.status_code == 302
    with app.app_context():
        draft = db.session.get(Draft, draft_id)
        assert [r.number for r in draft.revisions] == [1, 2]
        assert [r.origin for r in draft.revisions] == ["generated", "edited"]
    diff = staff.get(f"/answers/{draft_id}/revisions?version=2").get_data(as_text=True)
    assert "<ins>" in diff and "<del>" in diff
    assert "Es sind" in diff
    versions = staff.get(f"/answers/{draft_id}").get_data(as_text=True)
    assert "Unterschiede zu Version 1" in versions and "Erste Fassung ansehen" in versions
    assert "Version leer" not in versions


def test_a_draft_read_for_the_workspace_keeps_its_revisions_after_a_commit(app, staff):
    """A draft loaded for the workspace and reloaded after a commit keeps its revisions."""
    create_and_draft(app, staff)
    with app.app_context():
        draft = get_draft(draft_ids(app)[0])
        db.session.commit()  # expires the draft: its next access reloads it with get_draft's options
        assert [r.number for r in draft.revisions] == [1]
        add_revision(
            draft,
            answer_text.parse("Neue Fassung. [1]"),
            RevisionOrigin.EDITED,
            db.session.scalar(select(User).where(User.username == "sabine")),
        )
        db.session.commit()
        assert (draft.current.number, draft.current.text) == (2, "Neue Fassung. [1]")


def test_a_stale_save_does_not_overwrite_a_colleagues_version(app, staff):
    create_and_draft(app, staff)
    draft_id = draft_ids(app)[0]
    colleague = login(app, "staff2")
    post(colleague, f"/answers/{draft_id}/save", {"text": "Fassung der Kollegin. [1]", "base_revision": 1})
    response = post(staff, f"/answers/{draft_id}/save", {"text": "Meine Fassung. [1]", "base_revision": 1})
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "inzwischen geändert" in page
    assert "Meine Fassung. [1]</textarea>" in page  # nothing typed is lost
    with app.app_context():
        assert db.session.get(Draft, draft_id).current.text == "Fassung der Kollegin. [1]"


def test_one_sentence_of_a_further_passage_is_quoted_never_a_heading(app, staff):
    create_and_draft(app, staff)
    draft_id = draft_ids(app)[1]
    partial = staff.get(f"/answers/{draft_id}/passages?q=Wunschkennzeichen", headers={"HX-Request": "true"})
    html = partial.get_data(as_text=True)
    assert "<html" not in html
    assert "Stichwörter: Wunschkennzeichen" in html and "Relevanz" not in html  # words, not scores
    chunk_ids = re.findall(r'name="chunk_id" value="([^"]+)"', html)
    spans = re.findall(r'name="span" value="(\d+)-(\d+)"', html)
    assert chunk_ids and spans
    with app.app_context():
        cited = {c.chunk_id for c in db.session.get(Draft, draft_id).citations}
        markers = [c.marker for c in db.session.get(Draft, draft_id).citations]
        before = len(db.session.get(Draft, draft_id).current.paragraphs)
    assert not cited & set(chunk_ids)  # already cited passages are not offered again
    start, end = spans[0]
    response = post(staff, f"/answers/{draft_id}/passages/add", {"chunk_id": chunk_ids[0], "span": f"{start}-{end}"})
    assert response.status_code == 302
    with app.app_context():
        draft = db.session.get(Draft, draft_id)
        added = next(c for c in draft.citations if c.chunk_id == chunk_ids[0])
        assert added.marker == max(markers, default=0) + 1
        assert (added.quote_start, added.quote_end) == (int(start), int(end))
        assert added.quote == added.passage_text[int(start) : int(end)] != added.passage_text.strip()
        assert draft.current.paragraphs[-1] == [DraftSentence(added.quote, [added.marker])]
        assert len(draft.current.paragraphs) == before + 1
        assert draft.current.origin == "source_added"
    heading = post(staff, f"/answers/{draft_id}/passages/add", {"chunk_id": chunk_ids[0], "span": f"0-{end}9"})
    assert "Überschriften lassen sich nicht übernehmen" in staff.get(heading.location).get_data(as_text=True)


def test_staff_cite_a_passage_for_a_sentence_they_wrote(app, staff):
    create_and_draft(app, staff)
    draft_id = draft_ids(app)[1]
    html = staff.get(f"/answers/{draft_id}/passages?q=Wunschkennzeichen").get_data(as_text=True)
    chunk_id = re.findall(r'name="chunk_id" value="([^"]+)"', html)[0]
    start, end = map(int, re.findall(r'name="span" value="(\d+)-(\d+)"', html)[0])
    with app.app_context():
        quote = knowledge_base().chunk(chunk_id).text[start:end]
    post(staff, f"/answers/{draft_id}/save", {"text": quote, "base_revision": 1})
    page = staff.get(f"/answers/{draft_id}").get_data(as_text=True)
    assert 'class="tag-unbelegt">ohne Beleg</span>' in page
    post(staff, f"/answers/{draft_id}/passages/add", {"chunk_id": chunk_id, "span": f"{start}-{end}", "sentence": "0"})
    with app.app_context():
        draft = db.session.get(Draft, draft_id)
        assert [(s.text, s.verified) for s in draft.current.sentences] == [(quote, True)]
        assert len(draft.current.sentences[0].markers) == 1
    assert "tag-unbelegt" not in staff.get(f"/answers/{draft_id}").get_data(as_text=True)


def test_an_edited_sentence_with_a_wrong_marker_is_flagged_with_the_reason(app, staff):
    create_and_draft(app, staff)
    draft_id = draft_ids(app)[0]
    response = post(
        staff,
        f"/answers/{draft_id}/save",
        {"text": "Der Landkreis betreibt 9.999 Server im Keller. [1]", "base_revision": 1},
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "1 Satz ist nicht belegt" in page
    assert 'class="tag-unbelegt">Beleg passt nicht</span>' in page
    assert "Zitat steht nicht in der angegebenen Fundstelle" in page
    with app.app_context():
        assert db.session.get(Draft, draft_id).current.sentences[0].verified is False


def test_unverified_model_sentences_are_marked(app, staff):
    post(staff, "/inquiries/new", {"reference": "L-1", "kind": "ifg", "received_on": "2026-01-14", "text": SHORT})
    with app.app_context():
        question = db.session.scalar(select(Question))
        user = db.session.scalar(select(User).where(User.username == "sabine"))
        passage = "Derzeit können 142 Leistungen online beantragt werden."
        answer = DraftAnswer(
            label="1a",
            question=question.text,
            status=DraftStatus.NEEDS_REVIEW,
            method="llm",
            answer="Es sind 142 Leistungen. [1] Bald werden es 200 sein. [unbelegt]",
            citations=[Citation(1, "x:0001", "bericht.txt", "Bericht", passage, "142 Leistungen", 15, 29)],
            sentences=[
                DraftSentence("Es sind 142 Leistungen.", [1]),
                DraftSentence("Bald werden es 200 sein.", [], verified=False),
            ],
        )
        draft = store_answer(question, answer, user)
        question.inquiry.drafting_started_at = draft.created_at
        db.session.commit()
        draft_id = draft.id
    page = staff.get(f"/answers/{draft_id}").get_data(as_text=True)
    assert re.search(
        r'<span class="unbelegt">Bald werden es 200 sein\. <span class="tag-unbelegt">ohne Beleg</span>', page
    )
    assert "Es sind 142 Leistungen." in page.split('class="unbelegt"')[0]


def test_drafts_survive_a_restart(tmp_path, knowledge_dir, embedder):
    instance = tmp_path / "instance"
    first = make_app(instance, knowledge_dir, embedder, START_WORKERS=True)
    seed_users(first)
    staff = login(first, "staff")
    create_and_draft(first, staff)
    post(
        staff, f"/answers/{draft_ids(first)[0]}/save", {"text": "Bearbeitet vor dem Neustart. [1]", "base_revision": 1}
    )
    stop_app(first)

    second = make_app(instance, knowledge_dir, embedder, START_WORKERS=True)
    try:
        staff = login(second, "staff")
        page = staff.get(f"/answers/{draft_ids(second)[0]}").get_data(as_text=True)
        assert "Bearbeitet vor dem Neustart." in page
        assert "Version 2" in page
        assert len(draft_ids(second)) == 2
    finally:
        stop_app(second)


def test_interrupted_jobs_resume_on_start(tmp_path, knowledge_dir, embedder):
    instance = tmp_path / "instance"
    first = make_app(instance, knowledge_dir, embedder)  # workers off: jobs stay queued, like a crash
    seed_users(first)
    staff = login(first, "staff")
    post(staff, "/inquiries/new", {"reference": "R-1", "kind": "ifg", "received_on": "2026-01-14", "text": SHORT})
    post(staff, "/inquiries/1/questions/draft")
    with first.app_context():
        job = db.session.scalars(select(DraftingJob).order_by(DraftingJob.id)).first()
        job.state, job.owner = JobState.RUNNING, "dieser-rechner:999999:1"  # its process is gone
        import socket

        job.owner = f"{socket.gethostname()}:999999:1"
        db.session.commit()
    stop_app(first)

    second = make_app(instance, knowledge_dir, embedder, START_WORKERS=True)
    try:
        wait_for_jobs(second)
        with second.app_context():
            states = db.session.scalars(select(DraftingJob.state)).all()
            assert states == [JobState.DONE, JobState.DONE]
            assert db.session.scalar(select(Inquiry)).status == "drafting"
        assert len(draft_ids(second)) == 2
    finally:
        stop_app(second)


def test_reviewer_sees_the_draft_but_cannot_edit(app, staff, reviewer):
    create_and_draft(app, staff)
    draft_id = draft_ids(app)[0]
    page = reviewer.get(f"/answers/{draft_id}").get_data(as_text=True)
    assert "Antwort bearbeiten" not in page
    assert post(reviewer, f"/answers/{draft_id}/save", {"text": "x", "base_revision": 1}).status_code == 403


def test_full_sample_inquiry_reports_missing_evidence(app, staff):
    create_and_draft(app, staff, SAMPLE_INQUIRY.read_text())
    page = staff.get("/inquiries/1").get_data(as_text=True)
    assert "12 von 12 Entwürfen fertig" in page
    assert "keine ausreichenden Belege" in page  # 2d and 3e have no basis in the sample documents


def test_unreachable_language_model_falls_back_with_a_visible_notice(tmp_path, knowledge_dir, embedder):
    from dataclasses import replace

    from drafter.config import LLMSettings, Settings

    settings = Settings.from_env(data_dir=knowledge_dir)
    settings = replace(settings, llm=LLMSettings(url="http://127.0.0.1:9/v1", retries=0, timeout=2))
    app = make_app(tmp_path / "instance", knowledge_dir, embedder, START_WORKERS=True, DRAFTER_SETTINGS=settings)
    seed_users(app)
    try:
        staff = login(app, "staff")
        create_and_draft(app, staff)
        with app.app_context():
            draft = db.session.get(Draft, draft_ids(app)[0])
            assert draft.notice
            notice = draft.notice
        assert notice in staff.get(f"/answers/{draft_ids(app)[0]}").get_data(as_text=True)
    finally:
        stop_app(app)
