"""Correcting the split of an inquiry and starting the drafts, with live progress per question.

Every action works as a plain form post (redirect back to the inquiry) and, with htmx, by
swapping only the question list, so corrections do not lose the reader's place.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from drafter.errors import EmptyInquiry
from drafter.splitting import split_inquiry
from web import audit, split_editing
from web.database import db
from web.drafting_jobs import QUEUE, redraft, start_drafting
from web.inquiries import get_inquiry
from web.models import Inquiry, Question
from web.permissions import EDIT_INQUIRIES, READ_INQUIRIES, roles_required
from web.split_editing import SplitEditError
from web.workflow import WorkflowError

bp = Blueprint("splits", __name__, url_prefix="/inquiries/<int:inquiry_id>/questions")


def _question(inquiry: Inquiry, question_id: int) -> Question:
    question = db.session.get(Question, question_id)
    if question is None or question.inquiry_id != inquiry.id:
        abort(404)
    return question


def _editable(inquiry_id: int) -> Inquiry:
    inquiry = get_inquiry(inquiry_id)
    if inquiry.split_locked:
        raise SplitEditError(
            "Die Aufteilung ist festgelegt, weil die Entwürfe bereits erstellt werden. "
            "Einzelne Antworten lassen sich im Arbeitsbereich bearbeiten."
        )
    return inquiry


def _respond(inquiry_id: int, message: str | None = None, error: str | None = None, focus: int | None = None):
    """htmx gets the refreshed question list; a plain form post goes back to the inquiry page."""
    if request.headers.get("HX-Request"):
        inquiry = get_inquiry(inquiry_id)
        return render_template("splits/_editor.html", inquiry=inquiry, message=message, error=error,
                               split_points=split_editing.split_points, suggest_label=split_editing.suggest_label,
                               focus=focus)  # fmt: skip
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
        question = _question(inquiry, question_id)
        split_editing.edit(inquiry, question, request.form.get("label", ""), request.form.get("text", ""))
        return question.id

    return _apply(inquiry_id, change, "edit")


@bp.route("/<int:question_id>/merge", methods=["POST"])
@roles_required(*EDIT_INQUIRIES)
def merge(inquiry_id: int, question_id: int):
    return _apply(inquiry_id, lambda inquiry: split_editing.merge_with_next(
        inquiry, _question(inquiry, question_id)).id, "merge")  # fmt: skip


@bp.route("/<int:question_id>/split", methods=["POST"])
@roles_required(*EDIT_INQUIRIES)
def split(inquiry_id: int, question_id: int):
    def change(inquiry):
        question = _question(inquiry, question_id)
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
        split_editing.delete(inquiry, _question(inquiry, question_id))

    return _apply(inquiry_id, change, "delete")


@bp.route("/add", methods=["POST"])
@roles_required(*EDIT_INQUIRIES)
def add(inquiry_id: int):
    return _apply(inquiry_id, lambda inquiry: split_editing.add(
        inquiry, request.form.get("label", ""), request.form.get("text", "")).id, "add")  # fmt: skip


@bp.route("/detect", methods=["POST"])
@roles_required(*EDIT_INQUIRIES)
def detect(inquiry_id: int):
    def change(inquiry):
        try:
            split_editing.replace_all(inquiry, split_inquiry(inquiry.text))
        except EmptyInquiry as error:
            raise SplitEditError(str(error)) from error

    return _apply(inquiry_id, change, "detect_again")


@bp.route("/draft", methods=["POST"])
@roles_required(*EDIT_INQUIRIES)
def draft(inquiry_id: int):
    inquiry = get_inquiry(inquiry_id)
    try:
        job_ids = start_drafting(inquiry, current_user)
    except WorkflowError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("inquiries.detail", inquiry_id=inquiry_id))
    db.session.commit()
    current_app.extensions["drafter_jobs"].submit(QUEUE, job_ids)
    flash(f"Die Entwürfe für {len(job_ids)} Fragen werden erstellt. Die Seite bleibt dabei nutzbar.", "success")
    return redirect(url_for("inquiries.detail", inquiry_id=inquiry_id, _anchor="fragen"))


@bp.route("/<int:question_id>/redraft", methods=["POST"])
@roles_required(*EDIT_INQUIRIES)
def redraft_question(inquiry_id: int, question_id: int):
    inquiry = get_inquiry(inquiry_id)
    question = _question(inquiry, question_id)
    try:
        job_id = redraft(question, current_user)
    except WorkflowError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("inquiries.detail", inquiry_id=inquiry_id, _anchor=f"frage-{question.id}"))
    db.session.commit()
    current_app.extensions["drafter_jobs"].submit(QUEUE, [job_id])
    flash(f"Frage {question.label} wird neu entworfen.", "success")
    return redirect(url_for("inquiries.detail", inquiry_id=inquiry_id, _anchor="fragen"))


@bp.route("/progress")
@roles_required(*READ_INQUIRIES)
def progress(inquiry_id: int):
    """Polled by htmx every two seconds; status 286 tells htmx to stop once nothing is pending."""
    inquiry = get_inquiry(inquiry_id)
    return render_template("splits/_progress.html", inquiry=inquiry), (200 if inquiry.drafting_busy else 286)
