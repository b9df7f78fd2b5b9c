"""Starting the drafts of an inquiry, drafting one question again, and the live progress per question.

The drafting itself runs in the background (web/answers/drafting.py); these views queue the
jobs and show their state. The progress list is polled by htmx while any job is pending.
"""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from web.accounts.permissions import EDIT_INQUIRIES, READ_INQUIRIES, roles_required
from web.answers.drafting import QUEUE, may_redraft, redraft, start_drafting
from web.answers.rules import WorkflowError, drafting_busy
from web.database import db
from web.inquiries.queries import get_inquiry, get_question
from web.inquiries.split_editing import question_name

bp = Blueprint("drafting", __name__, url_prefix="/inquiries/<int:inquiry_id>/questions", template_folder="templates")
bp.add_app_template_global(may_redraft, "may_redraft")


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
    question = get_question(inquiry, question_id)
    try:
        job_id = redraft(question, current_user)
    except WorkflowError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("inquiries.detail", inquiry_id=inquiry_id, _anchor=f"frage-{question.id}"))
    db.session.commit()
    current_app.extensions["drafter_jobs"].submit(QUEUE, [job_id])
    flash(
        f"Frage {question_name(question)} wird {'neu ' if question.draft else ''}entworfen; "
        "die anderen Antworten bleiben, wie sie sind.",
        "success",
    )
    return redirect(url_for("inquiries.detail", inquiry_id=inquiry_id, _anchor="fragen"))


@bp.route("/progress")
@roles_required(*READ_INQUIRIES)
def progress(inquiry_id: int):
    """Polled by htmx every two seconds; status 286 tells htmx to stop once nothing is pending."""
    inquiry = get_inquiry(inquiry_id)
    return render_template("drafting/_progress.html", inquiry=inquiry), (200 if drafting_busy(inquiry) else 286)
