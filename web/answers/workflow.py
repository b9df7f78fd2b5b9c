"""The life of an answer and of the whole reply, and the four-eyes rule, in one place.

An answer moves Entwurf → In Prüfung → Freigegeben (or back to Änderung erbeten, which staff
edit and resubmit). Whoever wrote any revision of an answer – including the person who had
it drafted – cannot approve it. An approved answer is locked until a reviewer reopens it.
The reply as a whole is approved separately once every answer is approved; the letter can
only be exported after that.
"""

from __future__ import annotations

from web import audit
from web.answers.rendering import UNVERIFIED_FLAG
from web.database import db, utcnow
from web.models import AnswerStatus, Draft, DraftRevision, Inquiry, InquiryStatus, ReviewDecision, User


class WorkflowError(ValueError):
    """A step that is not allowed in the current state; the German message says why and what to do."""


def authors(draft: Draft) -> set[int]:
    return {revision.author_id for revision in draft.revisions}


def check_editable(draft: Draft) -> None:
    if draft.status == AnswerStatus.APPROVED:
        raise WorkflowError(
            "Diese Antwort ist freigegeben und daher gesperrt. Änderungen sind erst möglich, "
            "wenn die Freigabe sie wieder öffnet."
        )
    if draft.status == AnswerStatus.IN_REVIEW:
        raise WorkflowError(
            "Diese Antwort liegt zur Prüfung vor. Zum Bearbeiten bitte zuerst „Aus der Prüfung zurückholen“."
        )


def add_revision(draft: Draft, text: str, origin: str, author: User, unverified: list[str] | None = None):
    number = draft.revisions[-1].number + 1 if draft.revisions else 1
    revision = DraftRevision(number=number, text=text, origin=origin, author_id=author.id, unverified=unverified or [])
    draft.revisions.append(revision)
    draft.updated_at = utcnow()
    if draft.status == AnswerStatus.CHANGES_REQUESTED and origin != "generated":
        draft.status = AnswerStatus.DRAFT
    return revision


def submit(draft: Draft, user: User) -> None:
    if draft.status not in {AnswerStatus.DRAFT, AnswerStatus.CHANGES_REQUESTED}:
        raise WorkflowError(f"Antwort {draft.question.label} ist bereits {draft.status_enum.label_de.lower()}.")
    if not draft.current.text.strip():
        raise WorkflowError(f"Antwort {draft.question.label} ist leer; bitte zuerst einen Text eingeben.")
    draft.status = AnswerStatus.IN_REVIEW
    audit.record("submitted", "draft", draft.id, inquiry_id=draft.question.inquiry_id, user=user)
    refresh_status(draft.question.inquiry)


def withdraw(draft: Draft, user: User) -> None:
    if draft.status != AnswerStatus.IN_REVIEW:
        raise WorkflowError(f"Antwort {draft.question.label} liegt nicht zur Prüfung vor.")
    draft.status = AnswerStatus.DRAFT
    audit.record("withdrawn", "draft", draft.id, inquiry_id=draft.question.inquiry_id, user=user)
    refresh_status(draft.question.inquiry)


def approve(draft: Draft, reviewer: User, comment: str = "") -> None:
    if draft.status != AnswerStatus.IN_REVIEW:
        raise WorkflowError(
            f"Antwort {draft.question.label} kann nur freigegeben werden, wenn sie zur Prüfung vorliegt."
        )
    if reviewer.id in authors(draft):
        raise WorkflowError(
            f"Vier-Augen-Prinzip: Sie haben an Antwort {draft.question.label} mitgeschrieben und können "
            "sie daher nicht selbst freigeben. Bitte eine andere Person aus der Freigabe bitten."
        )
    draft.status = AnswerStatus.APPROVED
    draft.approved_by_id = reviewer.id
    draft.approved_at = utcnow()
    _decide(draft.question.inquiry, draft, reviewer, "approved", comment)


def request_changes(draft: Draft, reviewer: User, comment: str) -> None:
    if draft.status != AnswerStatus.IN_REVIEW:
        raise WorkflowError(f"Antwort {draft.question.label} liegt nicht zur Prüfung vor.")
    if not comment.strip():
        raise WorkflowError("Bitte im Kommentar angeben, was geändert werden soll.")
    draft.status = AnswerStatus.CHANGES_REQUESTED
    _decide(draft.question.inquiry, draft, reviewer, "changes_requested", comment)


def reopen(draft: Draft, reviewer: User, comment: str) -> None:
    if draft.status != AnswerStatus.APPROVED:
        raise WorkflowError(f"Antwort {draft.question.label} ist nicht freigegeben.")
    if not comment.strip():
        raise WorkflowError("Bitte im Kommentar begründen, warum die Freigabe aufgehoben wird.")
    draft.status = AnswerStatus.DRAFT
    draft.approved_by_id = None
    draft.approved_at = None
    inquiry = draft.question.inquiry
    inquiry.reply_approved = False
    inquiry.reply_approved_by_id = None
    _decide(inquiry, draft, reviewer, "reopened", comment)


def approve_reply(inquiry: Inquiry, reviewer: User, comment: str = "") -> None:
    missing = unapproved_labels(inquiry)
    if missing:
        raise WorkflowError(
            "Die Gesamtantwort kann erst freigegeben werden, wenn jede Antwort freigegeben ist. "
            f"Noch offen: {', '.join(missing)}."
        )
    if inquiry.reply_approved:
        raise WorkflowError("Die Gesamtantwort ist bereits freigegeben.")
    if any(reviewer.id in authors(q.draft) for q in inquiry.questions):
        raise WorkflowError(
            "Vier-Augen-Prinzip: Sie haben an dieser Antwort mitgeschrieben und können sie daher nicht "
            "selbst freigeben."
        )
    inquiry.reply_approved = True
    inquiry.reply_approved_by_id = reviewer.id
    _decide(inquiry, None, reviewer, "approved", comment)


def request_reply_changes(inquiry: Inquiry, reviewer: User, comment: str) -> None:
    if not comment.strip():
        raise WorkflowError("Bitte im Kommentar angeben, was an der Gesamtantwort geändert werden soll.")
    if not inquiry.drafting_started_at:
        raise WorkflowError("Für diese Anfrage gibt es noch keine Entwürfe.")
    inquiry.reply_approved = False
    inquiry.reply_approved_by_id = None
    _decide(inquiry, None, reviewer, "changes_requested", comment)


def unapproved_labels(inquiry: Inquiry) -> list[str]:
    return [q.label for q in inquiry.questions if q.draft is None or q.draft.status != AnswerStatus.APPROVED]


def export_problem(inquiry: Inquiry) -> str | None:
    """Why the reply letter cannot be produced yet, or None when it can."""
    if not inquiry.questions:
        return "Die Anfrage enthält keine Fragen; bitte zuerst die Aufteilung prüfen."
    missing = unapproved_labels(inquiry)
    if missing:
        return (
            "Der Antwortbrief kann erst erstellt werden, wenn jede Antwort freigegeben ist. "
            f"Noch nicht freigegeben: {', '.join(missing)}."
        )
    flagged = [q.label for q in inquiry.questions if UNVERIFIED_FLAG in q.draft.current.text]
    if flagged:
        return (
            f"Die Antworten {', '.join(flagged)} enthalten noch als „[unbelegt]“ markierte Sätze. Bitte belegen "
            "oder streichen; dazu muss die Freigabe die Antwort wieder öffnen."
        )
    if not inquiry.reply_approved:
        return "Der Antwortbrief kann erst erstellt werden, wenn die Freigabe auch die Gesamtantwort freigegeben hat."
    return None


def refresh_status(inquiry: Inquiry) -> None:
    drafts = [q.draft for q in inquiry.questions]
    if inquiry.sent_at:
        status = InquiryStatus.SENT
    elif not inquiry.drafting_started_at:
        status = InquiryStatus.NEW
    elif drafts and all(d is not None and d.status == AnswerStatus.APPROVED for d in drafts):
        status = InquiryStatus.APPROVED if inquiry.reply_approved else InquiryStatus.IN_REVIEW
    elif any(d is not None and d.status == AnswerStatus.IN_REVIEW for d in drafts):
        status = InquiryStatus.IN_REVIEW
    else:
        status = InquiryStatus.DRAFTING
    inquiry.status = status


def _decide(inquiry: Inquiry, draft: Draft | None, reviewer: User, decision: str, comment: str) -> None:
    db.session.add(
        ReviewDecision(
            inquiry_id=inquiry.id,
            draft_id=draft.id if draft else None,
            reviewer_id=reviewer.id,
            decision=decision,
            comment=comment.strip() or None,
        )
    )
    action = decision if draft else f"reply_{decision}"
    audit.record(
        action,
        "draft" if draft else "inquiry",
        draft.id if draft else inquiry.id,
        inquiry_id=inquiry.id,
        user=reviewer,
        comment=comment.strip() or None,
    )
    refresh_status(inquiry)
