"""Correcting the split of an inquiry into its sub-questions (starting the drafts: web/answers/drafting_views.py).

Every action works as a plain form post (redirect back to the inquiry) and, with htmx, by
swapping only the question list, so corrections do not lose the reader's place.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for

from drafter.errors import EmptyInquiry
from drafter.splitting import split_inquiry
from web import audit
from web.accounts.permissions import EDIT_INQUIRIES, roles_required
from web.answers.rules import split_locked
from web.database import db
from web.inquiries import split_editing
from web.inquiries.queries import get_inquiry, get_question
from web.inquiries.split_editing import SplitEditError
from web.models import Inquiry

bp = Blueprint("splits", __name__, url_prefix="/inquiries/<int:inquiry_id>/questions", template_folder="templates")


def _editable(inquiry_id: int) -> Inquiry:
    inquiry = get_inquiry(inquiry_id)
    if split_locked(inquiry):
        raise SplitEditError(
            "Die Aufteilung ist festgelegt, weil die Entwürfe bereits erstellt werden. "
            "Einzelne Antworten lassen sich im Arbeitsbereich bearbeiten."
        )
    return inquiry


def _respond(inquiry_id: int, message: str | None = None, error: str | None = None, focus: int | None = None):
    """htmx gets the refreshed question list; a plain form post goes back to the inquiry page."""
    if request.headers.get("HX-Request"):
        inquiry = get_inquiry(inquiry_id)
        return render_template(
            "splits/_editor.html",
            inquiry=inquiry,
            message=message,
            error=error,
            split_points=split_editing.split_points,
            suggest_label=split_editing.suggest_label,
            focus=focus,
        )
    if error:
        flash(error, "error")
    elif message:
        flash(message, "success")
    return redirect(url_for("inquiries.detail", inquiry_id=inquiry_id, _anchor=f"frage-{focus}" if focus else "fragen"))


def _apply(inquiry_id: int, change, describe: str):
    """Run one split correction; on success commit and audit, on a German error roll back."""
    try:
        inquiry = _editable(inquiry_id)
        focus = change(inquiry)
    except SplitEditError as error:
        db.session.rollback()
        return _respond(inquiry_id, error=str(error))
    audit.record("split_edited", "inquiry", inquiry.id, inquiry_id=inquiry.id, change=describe)
    db.session.commit()
    return _respond(inquiry_id, message="Die Aufteilung wurde geändert.", focus=focus)


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
        lambda inquiry: split_editing.add(inquiry, request.form.get("label", ""), request.form.get("text", "")).id,
        "add",
    )


@bp.route("/detect", methods=["POST"])
@roles_required(*EDIT_INQUIRIES)
def detect(inquiry_id: int):
    def change(inquiry):
        try:
            split_editing.replace_all(inquiry, split_inquiry(inquiry.text))
        except EmptyInquiry as error:
            raise SplitEditError(str(error)) from error

    return _apply(inquiry_id, change, "detect_again")
