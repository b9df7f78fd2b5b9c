"""The answer and reply state rules on rows seeded straight into the database, without HTTP."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from drafter.extractive import ABSTENTION
from drafter.models import DraftSentence
from tests.web.conftest import make_app, seed_users, stop_app
from web.answers import rules
from web.answers.rules import WorkflowError
from web.database import db, utcnow
from web.models import (
    AnswerStatus,
    Draft,
    DraftingJob,
    DraftRevision,
    Inquiry,
    InquiryStatus,
    JobState,
    Question,
    RevisionOrigin,
    User,
)


@pytest.fixture
def session(tmp_path, embedder):
    """A real app database with the test accounts, and no knowledge base: the rules never search."""
    app = make_app(tmp_path / "instance", tmp_path / "knowledge", embedder)
    seed_users(app)
    with app.app_context():
        yield db.session
    stop_app(app)


def user(name: str) -> User:
    return db.session.scalar(select(User).where(User.username == name))


def seeded(*answers: tuple[AnswerStatus, list[tuple[str, RevisionOrigin]]], sentences=None) -> Inquiry:
    """An inquiry with one question per answer: its status and its revisions as (author, origin)."""
    inquiry = Inquiry(
        reference="R-1",
        kind="ifg",
        subject="Regeln",
        text="1. Frage?",
        received_on=date(2026, 1, 5),
        deadline=date(2026, 2, 5),
        created_by_id=user("sabine").id,
        drafting_started_at=utcnow(),
    )
    for position, (status, revisions) in enumerate(answers):
        question = Question(position=position, label=str(position + 1), text="Wie viele?")
        question.draft = Draft(evidence="drafted", method="extractive", status=status)
        for number, (author, origin) in enumerate(revisions, start=1):
            revision = DraftRevision(number=number, origin=origin, author_id=user(author).id)
            revision.paragraphs = [[DraftSentence("Es sind 142.", [1])]] if sentences is None else sentences
            question.draft.revisions.append(revision)
        inquiry.questions.append(question)
    db.session.add(inquiry)
    db.session.flush()
    return inquiry


GENERATED_BY_SABINE = [("sabine", RevisionOrigin.GENERATED)]
EDITED_BY_SABINE = [("sabine", RevisionOrigin.GENERATED), ("sabine", RevisionOrigin.EDITED)]


def test_nobody_who_wrote_a_revision_may_approve_it(session):
    inquiry = seeded((AnswerStatus.IN_REVIEW, [*GENERATED_BY_SABINE, ("stefan", RevisionOrigin.EDITED)]))
    draft = inquiry.questions[0].draft
    assert not rules.may_approve(draft, user("sabine"))  # had the automatic draft made
    assert not rules.may_approve(draft, user("stefan"))  # edited it
    assert rules.may_approve(draft, user("rainer"))
    with pytest.raises(WorkflowError, match="Vier-Augen-Prinzip"):
        rules.check_approvable(draft, user("stefan"))
    rules.check_approvable(draft, user("rainer"))


def test_the_reply_needs_every_answer_approved_and_a_reviewer_who_wrote_none(session):
    inquiry = seeded((AnswerStatus.APPROVED, GENERATED_BY_SABINE), (AnswerStatus.IN_REVIEW, GENERATED_BY_SABINE))
    assert not rules.ready_for_reply_approval(inquiry)
    assert rules.unapproved_labels(inquiry) == ["2"]
    with pytest.raises(WorkflowError, match="Noch offen: 2"):
        rules.check_reply_approvable(inquiry, user("rainer"))
    inquiry.questions[1].draft.status = AnswerStatus.APPROVED
    assert rules.ready_for_reply_approval(inquiry)
    assert not rules.may_approve_reply(inquiry, user("sabine"))
    with pytest.raises(WorkflowError, match="Vier-Augen-Prinzip"):
        rules.check_reply_approvable(inquiry, user("sabine"))
    rules.check_reply_approvable(inquiry, user("rainer"))
    inquiry.reply_approved = True
    with pytest.raises(WorkflowError, match="bereits freigegeben"):
        rules.check_reply_approvable(inquiry, user("rainer"))


def test_an_inquiry_without_questions_is_not_ready_for_reply_approval(session):
    assert not rules.ready_for_reply_approval(seeded())


def test_a_draft_is_touched_once_anybody_worked_on_it(session):
    inquiry = seeded(
        (AnswerStatus.DRAFT, GENERATED_BY_SABINE),
        (AnswerStatus.DRAFT, [*GENERATED_BY_SABINE, ("sabine", RevisionOrigin.SOURCE_ADDED)]),
        (AnswerStatus.IN_REVIEW, GENERATED_BY_SABINE),
    )
    untouched, with_source, submitted = (q.draft for q in inquiry.questions)
    assert not rules.is_touched(untouched)
    assert rules.is_touched(with_source)
    assert rules.is_touched(submitted)
    assert not rules.is_touched(None)
    rules.check_redraftable(inquiry.questions[0])
    with pytest.raises(WorkflowError, match="bereits bearbeitet"):
        rules.check_redraftable(inquiry.questions[1])


def test_a_question_with_a_pending_job_is_not_drafted_twice(session):
    inquiry = seeded((AnswerStatus.DRAFT, GENERATED_BY_SABINE))
    question = inquiry.questions[0]
    question.jobs.append(DraftingJob(requested_by_id=user("sabine").id, state=JobState.RUNNING))
    assert rules.job_pending(question) and rules.drafting_busy(inquiry)
    with pytest.raises(WorkflowError, match="läuft bereits"):
        rules.check_redraftable(question)
    question.jobs[-1].state = JobState.FAILED
    assert not rules.job_pending(question) and not rules.drafting_busy(inquiry)


def test_only_drafts_and_answers_sent_back_can_be_submitted(session):
    statuses = [AnswerStatus.DRAFT, AnswerStatus.CHANGES_REQUESTED, AnswerStatus.IN_REVIEW, AnswerStatus.APPROVED]
    inquiry = seeded(*[(status, GENERATED_BY_SABINE) for status in statuses])
    assert [rules.is_submittable(q.draft) for q in inquiry.questions] == [True, True, False, False]
    assert [rules.is_locked(q.draft) for q in inquiry.questions] == [False, False, True, True]
    with pytest.raises(WorkflowError, match="gesperrt"):
        rules.check_editable(inquiry.questions[3].draft)
    with pytest.raises(WorkflowError, match="zur Prüfung vor"):
        rules.check_editable(inquiry.questions[2].draft)


def test_an_empty_answer_cannot_be_submitted(session):
    inquiry = seeded((AnswerStatus.DRAFT, GENERATED_BY_SABINE), sentences=[])
    with pytest.raises(WorkflowError, match="ist leer"):
        rules.check_submittable(inquiry.questions[0].draft)


def test_the_letter_waits_while_an_answer_holds_the_abstention_and_for_the_reply_approval(session):
    abstaining = [[DraftSentence("Es sind 142.", [1]), DraftSentence(ABSTENTION, [], verified=False)]]
    inquiry = seeded((AnswerStatus.APPROVED, GENERATED_BY_SABINE), sentences=abstaining)
    assert "fachlich ergänzt" in rules.export_problem(inquiry)
    inquiry.questions[0].draft.current.paragraphs = [[*abstaining[0][:1], DraftSentence("Ohne Quelle.", [], False)]]
    assert "Gesamtantwort" in rules.export_problem(inquiry)
    inquiry.reply_approved = True
    assert rules.export_problem(inquiry) is None


def test_an_answer_holding_the_abstention_cannot_be_approved(session):
    abstaining = [[DraftSentence(ABSTENTION, [], verified=False)]]
    inquiry = seeded((AnswerStatus.IN_REVIEW, GENERATED_BY_SABINE), sentences=abstaining)
    with pytest.raises(WorkflowError, match="fachlich ergänzt"):
        rules.check_approvable(inquiry.questions[0].draft, user("rainer"))


def test_an_unchanged_machine_draft_is_submitted_only_with_confirmation(session):
    inquiry = seeded((AnswerStatus.DRAFT, GENERATED_BY_SABINE), (AnswerStatus.DRAFT, EDITED_BY_SABINE))
    untouched, edited = (q.draft for q in inquiry.questions)
    with pytest.raises(WorkflowError, match="unveränderte automatische Entwurf"):
        rules.check_submittable(untouched)
    rules.check_submittable(untouched, confirmed_unchanged=True)
    rules.check_submittable(edited)


def test_the_inquiry_status_follows_its_answers(session):
    inquiry = seeded((AnswerStatus.DRAFT, GENERATED_BY_SABINE), (AnswerStatus.IN_REVIEW, GENERATED_BY_SABINE))
    assert rules.inquiry_status(inquiry) == InquiryStatus.IN_REVIEW
    inquiry.questions[1].draft.status = AnswerStatus.DRAFT
    assert rules.inquiry_status(inquiry) == InquiryStatus.DRAFTING
    for question in inquiry.questions:
        question.draft.status = AnswerStatus.APPROVED
    assert rules.inquiry_status(inquiry) == InquiryStatus.IN_REVIEW  # the reply itself is not approved yet
    inquiry.reply_approved = True
    assert rules.inquiry_status(inquiry) == InquiryStatus.APPROVED
    inquiry.sent_at = utcnow()
    assert rules.inquiry_status(inquiry) == InquiryStatus.SENT
    inquiry.sent_at = inquiry.drafting_started_at = None
    assert rules.inquiry_status(inquiry) == InquiryStatus.NEW
