"""Correcting the split of an inquiry into its sub-questions (starting the drafts: web/answers/drafting_views.py).

Every action works as a plain form post (redirect back to the inquiry) and, with htmx, by
swapping only the question list, so corrections do not lose the reader's place. The split
stays correctable after drafting: answers of untouched questions keep their revisions and
review decisions, a deleted question takes its answer with it, and an answer in review or
approved whose question text changed goes back to draft, visibly (a decision in its history
and a message).
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from drafter.errors import EmptyInquiry
from drafter.splitting import split_inquiry
from web import audit
from web.accounts.permissions import EDIT_INQUIRIES, roles_required
from web.answers.workflow import refresh_status
from web.database import db
from web.inquiries import split_editing
from web.inquiries.queries import get_inquiry, get_question
from web.inquiries.split_editing import SplitChange, SplitEditError, question_name
from web.models import AnswerStatus, Decision, Inquiry, ReviewDecision

bp = Blueprint("splits", __name__, url_prefix="/inquiries/<int:inquiry_id>/questions", template_folder="templates")
# Labels repeat across sections („3.“ under „I.“ and under „II.“): pages name a question with its heading.
bp.add_app_template_global(question_name, "question_name")
REVOKED = "Freigabe aufgehoben, weil der Text der Frage geändert wurde."


def _respond(
    inquiry_id: int,
    message: str | None = None,
    error: str | None = None,
    focus: int | None = None,
    notices: list[str] | None = None,
):
    """htmx gets the refreshed question list; a plain form post goes back to the inquiry page.

    Once answers exist a correction also changes the answer table, so htmx loads the whole page.
    """
    inquiry = get_inquiry(inquiry_id)
    if request.headers.get("HX-Request") and not inquiry.drafting_started_at:
        return render_template(
            "splits/_editor.html",
            inquiry=inquiry,
            message=message,
            error=error,
            split_points=split_editing.split_points,
            suggest_label=split_editing.suggest_label,
            groups=split_editing.groups(inquiry),
            focus=focus,
        )
    if error:
        flash(error, "error")
    elif message:
        flash(message, "success")
    for notice in notices or []:
        flash(notice, "warning")
    target = url_for("inquiries.detail", inquiry_id=inquiry_id, _anchor=f"frage-{focus}" if focus else "fragen")
    if request.headers.get("HX-Request"):
        # Without the anchor: a new anchor on the same page would only scroll, not load the page.
        return "", 204, {"HX-Redirect": url_for("inquiries.detail", inquiry_id=inquiry_id)}
    return redirect(target)


def _apply(inquiry_id: int, change, describe: str):
    """Run one split correction; on success let the answers follow, audit and commit, on a German error roll back."""
    inquiry = get_inquiry(inquiry_id)
    # Nothing is written before the answers of removed questions are deleted with them.
    with db.session.no_autoflush:
        try:
            before = split_editing.snapshot(inquiry)
            focus = change(inquiry)
            changed = split_editing.compare(before, inquiry)
            split_editing.check_changeable(inquiry, changed)
        except SplitEditError as error:
            db.session.rollback()
            return _respond(inquiry_id, error=str(error))
        notices = _answers_follow(inquiry, changed)
    audit.record(
        "split_edited", "inquiry", inquiry.id, inquiry_id=inquiry.id, change=describe, changes=changed.descriptions()
    )
    db.session.commit()
    return _respond(inquiry_id, message="Die Aufteilung wurde geändert.", focus=focus, notices=notices)


def _answers_follow(inquiry: Inquiry, changed: SplitChange) -> list[str]:
    """Answers follow their questions; the German notices say what happened to which answer and what to do."""
    notices = []
    for _, question in changed.removed:
        if question.draft is not None:
            audit.record("answer_deleted", "draft", question.draft.id, inquiry_id=inquiry.id, reason="Frage gelöscht")
            db.session.delete(question.draft)
    for question in changed.changed_text:
        draft = question.draft
        if draft is None or draft.status not in (AnswerStatus.APPROVED, AnswerStatus.IN_REVIEW):
            continue
        if draft.status == AnswerStatus.APPROVED:
            db.session.add(
                ReviewDecision(
                    inquiry_id=inquiry.id,
                    draft_id=draft.id,
                    reviewer_id=current_user.id,
                    decision=Decision.REOPENED,
                    comment=REVOKED,
                )
            )
        notices.append(
            f"Antwort {question_name(question)} war {draft.status_enum.label_de.lower()} und ist wieder ein "
            "Entwurf, weil sich ihre Frage geändert hat. Bitte die Antwort prüfen (oder neu entwerfen) und "
            "erneut zur Prüfung geben."
        )
        audit.record("approval_revoked", "draft", draft.id, inquiry_id=inquiry.id, reason=REVOKED, was=draft.status)
        draft.status, draft.approved_by_id, draft.approved_at = AnswerStatus.DRAFT, None, None
    if inquiry.reply_approved and changed:
        inquiry.reply_approved, inquiry.reply_approved_by_id = False, None
        audit.record(
            "reply_approval_revoked", "inquiry", inquiry.id, inquiry_id=inquiry.id, reason="Aufteilung geändert"
        )
        notices.append(
            "Die Freigabe der Gesamtantwort ist aufgehoben, weil sich die Aufteilung geändert hat. "
            "Bitte die Gesamtantwort erneut freigeben lassen."
        )
    refresh_status(inquiry)
    return notices


@bp.route("/<int:question_id>/save", methods=["POST"])
@roles_required(*EDIT_INQUIRIES)
def save(inquiry_id: int, question_id: int):
    def change(inquiry):
        question = get_question(inquiry, question_id)
        split_editing.edit(inquiry, question, request.form.get("label", ""), request.form.get("text", ""))
        return question.id

    return _apply(inquiry_id, change, "edit")


@bp.route("/<int:question_id>/merge", methods=["POST"])
@roles_required(*EDIT_INQUIRIES)
def merge(inquiry_id: int, question_id: int):
    return _apply(
        inquiry_id,
        lambda inquiry: split_editing.merge_with_next(inquiry, get_question(inquiry, question_id)).id,
        "merge",
    )


@bp.route("/<int:question_id>/split", methods=["POST"])
@roles_required(*EDIT_INQUIRIES)
def split(inquiry_id: int, question_id: int):
    def change(inquiry):
        question = get_question(inquiry, question_id)
        before = request.form.get("before", "").strip()
        position = question.text.find(before) if before else request.form.get("position", type=int)
        if position == -1:
            raise SplitEditError(f"Der Wortlaut „{before}“ kommt in Frage {question.label} nicht vor.")
        if position is None:
            raise SplitEditError("Bitte auswählen, nach welchem Satz geteilt werden soll.")
        return split_editing.split_at(inquiry, question, position, request.form.get("new_label", "")).id

    return _apply(inquiry_id, change, "split")


@bp.route("/<int:question_id>/delete", methods=["POST"])
@roles_required(*EDIT_INQUIRIES)
def delete(inquiry_id: int, question_id: int):
    def change(inquiry):
        split_editing.delete(inquiry, get_question(inquiry, question_id))

    return _apply(inquiry_id, change, "delete")


@bp.route("/add", methods=["POST"])
@roles_required(*EDIT_INQUIRIES)
def add(inquiry_id: int):
    return _apply(
        inquiry_id,
        lambda inquiry: (
            split_editing.add(
                inquiry, request.form.get("label", ""), request.form.get("text", ""), request.form.get("group") or None
            ).id
        ),
        "add",
    )


@bp.route("/detect", methods=["POST"])
@roles_required(*EDIT_INQUIRIES)
def detect(inquiry_id: int):
    def change(inquiry):
        if inquiry.drafting_started_at:
            raise SplitEditError(
                "Nach Beginn der Entwürfe würde „Fragen neu erkennen“ alle Antworten verwerfen. "
                "Bitte stattdessen einzelne Fragen korrigieren, ergänzen oder löschen."
            )
        try:
            split_editing.replace_all(inquiry, split_inquiry(inquiry.text))
        except EmptyInquiry as error:
            raise SplitEditError(str(error)) from error

    return _apply(inquiry_id, change, "detect_again")
