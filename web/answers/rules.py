"""Who may do what, and when, with an answer and with the whole reply: every state rule in one place.

An answer moves Entwurf → In Prüfung → Freigegeben (or back to Änderung erbeten, which staff
edit and resubmit). Whoever wrote any revision of an answer – including the person who had
it drafted – cannot approve it (the four-eyes rule). An approved answer is locked until a
reviewer reopens it. The reply as a whole is approved separately once every answer is
approved; the letter can only be produced after that.

This module only reads rows: predicates that answer a question, and `check_*` functions that
raise `WorkflowError` with the German reason. It has no database session, no audit log and
nothing of the presentation; the steps that change state are in web/answers/workflow.py.
"""

from __future__ import annotations

from web.models import (
    AnswerStatus,
    Draft,
    Inquiry,
    InquiryStatus,
    JobState,
    Question,
    RevisionOrigin,
    User,
)

SUBMITTABLE = frozenset({AnswerStatus.DRAFT, AnswerStatus.CHANGES_REQUESTED})
LOCKED = frozenset({AnswerStatus.APPROVED, AnswerStatus.IN_REVIEW})
PENDING_JOB = frozenset({JobState.QUEUED, JobState.RUNNING})


class WorkflowError(ValueError):
    """A step that is not allowed in the current state; the German message says why and what to do."""


# One answer


def authors(draft: Draft) -> set[int]:
    """Everyone who wrote a revision, including whoever had the automatic draft made."""
    return {revision.author_id for revision in draft.revisions}


def may_approve(draft: Draft, user: User) -> bool:
    """The four-eyes rule: nobody approves an answer they wrote any part of."""
    return user.id not in authors(draft)


def is_locked(draft: Draft) -> bool:
    """Approved or in review: nobody edits it until it is reopened or withdrawn."""
    return draft.status in LOCKED


def is_submittable(draft: Draft) -> bool:
    return draft.status in SUBMITTABLE


def is_touched(draft: Draft | None) -> bool:
    """Somebody has worked on it (edited, added a source, submitted or reviewed): a new automatic draft would
    overwrite that work."""
    if draft is None:
        return False
    return draft.status != AnswerStatus.DRAFT or any(r.origin != RevisionOrigin.GENERATED for r in draft.revisions)


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


def is_unchanged_machine_draft(draft: Draft) -> bool:
    """Nobody has changed the automatic draft: its current version is the machine's."""
    return draft.current.origin == RevisionOrigin.GENERATED


def check_submittable(draft: Draft, confirmed_unchanged: bool = False) -> None:
    """Submitting the untouched machine draft needs the explicit confirmation that someone read it."""
    if not is_submittable(draft):
        raise WorkflowError(f"Antwort {draft.question.label} ist bereits {draft.status_enum.label_de.lower()}.")
    if not draft.current.text.strip():
        raise WorkflowError(f"Antwort {draft.question.label} ist leer; bitte zuerst einen Text eingeben.")
    if is_unchanged_machine_draft(draft) and not confirmed_unchanged:
        raise WorkflowError(
            f"Antwort {draft.question.label} ist der unveränderte automatische Entwurf. Bitte prüfen und "
            "„Ich habe den automatischen Entwurf geprüft“ ankreuzen, dann erneut einreichen."
        )


def check_withdrawable(draft: Draft) -> None:
    if draft.status != AnswerStatus.IN_REVIEW:
        raise WorkflowError(f"Antwort {draft.question.label} liegt nicht zur Prüfung vor.")


def check_approvable(draft: Draft, reviewer: User) -> None:
    if draft.status != AnswerStatus.IN_REVIEW:
        raise WorkflowError(
            f"Antwort {draft.question.label} kann nur freigegeben werden, wenn sie zur Prüfung vorliegt."
        )
    if not may_approve(draft, reviewer):
        raise WorkflowError(
            f"Vier-Augen-Prinzip: Sie haben an Antwort {draft.question.label} mitgeschrieben und können "
            "sie daher nicht selbst freigeben. Bitte eine andere Person aus der Freigabe bitten."
        )
    if draft.current.holds_abstention:
        raise WorkflowError(
            f"Antwort {draft.question.label} enthält noch den Hinweis „Die Antwort muss fachlich ergänzt werden.“ "
            "und kann so nicht freigegeben werden. Bitte „Änderung erbitten“ wählen."
        )


def check_changes_requestable(draft: Draft, comment: str) -> None:
    if draft.status != AnswerStatus.IN_REVIEW:
        raise WorkflowError(f"Antwort {draft.question.label} liegt nicht zur Prüfung vor.")
    if not comment.strip():
        raise WorkflowError("Bitte im Kommentar angeben, was geändert werden soll.")


def check_reopenable(draft: Draft, comment: str) -> None:
    if draft.status != AnswerStatus.APPROVED:
        raise WorkflowError(f"Antwort {draft.question.label} ist nicht freigegeben.")
    if draft.question.inquiry.sent_at:
        raise WorkflowError(
            "Die Anfrage ist als versandt vermerkt; ihre Antworten bleiben, wie sie versandt wurden. Nur die "
            "Administration kann die Anfrage mit Begründung wieder öffnen (Verwaltung → Versandte Anfragen)."
        )
    if not comment.strip():
        raise WorkflowError("Bitte im Kommentar begründen, warum die Freigabe aufgehoben wird.")


# Drafting


def job_pending(question: Question) -> bool:
    """A drafting job for this question waits or runs."""
    latest = question.latest_job
    return latest is not None and latest.state in PENDING_JOB


def drafting_busy(inquiry: Inquiry) -> bool:
    return any(job_pending(question) for question in inquiry.questions)


def split_locked(inquiry: Inquiry) -> bool:
    """The split is fixed once drafting started: drafts belong to their questions."""
    return inquiry.drafting_started_at is not None


def needs_drafting(question: Question) -> bool:
    """Starting the drafts queues a job for a question with neither a draft nor a pending job."""
    return question.draft is None and not job_pending(question)


def check_drafting_startable(inquiry: Inquiry) -> None:
    if not inquiry.questions:
        raise WorkflowError("Die Anfrage enthält keine Fragen. Bitte zuerst mindestens eine Frage anlegen.")


def check_redraftable(question: Question) -> None:
    """Drafting one question again: after a failed job, or while nobody has worked on the automatic draft."""
    if job_pending(question):
        raise WorkflowError(f"Für Frage {question.label} läuft bereits ein Entwurf.")
    if is_touched(question.draft):
        raise WorkflowError(
            f"Antwort {question.label} wurde bereits bearbeitet oder geprüft; ein neuer automatischer "
            "Entwurf würde diese Arbeit überschreiben. Bitte „Weitere Fundstellen“ nutzen."
        )


# The whole reply


def unapproved_labels(inquiry: Inquiry) -> list[str]:
    return [q.label for q in inquiry.questions if q.draft is None or q.draft.status != AnswerStatus.APPROVED]


def ready_for_reply_approval(inquiry: Inquiry) -> bool:
    """Every answer is approved, so the reviewer can decide on the reply as a whole."""
    return bool(inquiry.questions) and not unapproved_labels(inquiry)


def may_approve_reply(inquiry: Inquiry, reviewer: User) -> bool:
    """The four-eyes rule for the reply: nobody who wrote any of its answers."""
    return not any(q.draft is not None and not may_approve(q.draft, reviewer) for q in inquiry.questions)


def check_reply_approvable(inquiry: Inquiry, reviewer: User) -> None:
    missing = unapproved_labels(inquiry)
    if missing:
        raise WorkflowError(
            "Die Gesamtantwort kann erst freigegeben werden, wenn jede Antwort freigegeben ist. "
            f"Noch offen: {', '.join(missing)}."
        )
    if inquiry.reply_approved:
        raise WorkflowError("Die Gesamtantwort ist bereits freigegeben.")
    if not may_approve_reply(inquiry, reviewer):
        raise WorkflowError(
            "Vier-Augen-Prinzip: Sie haben an dieser Antwort mitgeschrieben und können sie daher nicht "
            "selbst freigeben."
        )


def check_reply_changes_requestable(inquiry: Inquiry, comment: str) -> None:
    if not comment.strip():
        raise WorkflowError("Bitte im Kommentar angeben, was an der Gesamtantwort geändert werden soll.")
    if not inquiry.drafting_started_at:
        raise WorkflowError("Für diese Anfrage gibt es noch keine Entwürfe.")


def export_problem(inquiry: Inquiry) -> str | None:
    """Why the reply letter cannot be produced (or the inquiry marked sent) yet, or None when it can."""
    if not inquiry.questions:
        return "Die Anfrage enthält keine Fragen; bitte zuerst die Aufteilung prüfen."
    missing = unapproved_labels(inquiry)
    if missing:
        return (
            "Der Antwortbrief kann erst erstellt werden, wenn jede Antwort freigegeben ist. "
            f"Noch nicht freigegeben: {', '.join(missing)}."
        )
    flagged = [q.label for q in inquiry.questions if q.draft is not None and q.draft.current.holds_abstention]
    if flagged:
        return (
            f"Antwort {', '.join(flagged)} enthält noch den Hinweis, dass sie fachlich ergänzt werden muss. Bitte "
            "ergänzen; dazu muss die Freigabe die Antwort wieder öffnen."
        )
    if not inquiry.reply_approved:
        return "Der Antwortbrief kann erst erstellt werden, wenn die Freigabe auch die Gesamtantwort freigegeben hat."
    return None


def inquiry_status(inquiry: Inquiry) -> InquiryStatus:
    """The inquiry's status as its answers and the reply approval make it."""
    drafts = [q.draft for q in inquiry.questions]
    if inquiry.sent_at:
        return InquiryStatus.SENT
    if not inquiry.drafting_started_at:
        return InquiryStatus.NEW
    if drafts and all(d is not None and d.status == AnswerStatus.APPROVED for d in drafts):
        return InquiryStatus.APPROVED if inquiry.reply_approved else InquiryStatus.IN_REVIEW
    if any(d is not None and d.status == AnswerStatus.IN_REVIEW for d in drafts):
        return InquiryStatus.IN_REVIEW
    return InquiryStatus.DRAFTING
