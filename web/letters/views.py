"""Exporting the approved reply as a letter (DOCX) or as plain text for an e-mail."""

from __future__ import annotations

import re

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for

from web import audit
from web.accounts.permissions import READ_INQUIRIES, roles_required
from web.answers.rules import export_problem
from web.database import db
from web.inquiries.queries import get_inquiry
from web.letters.letter import build_letter, letter_docx, letter_text
from web.templating import today_local

bp = Blueprint("export", __name__, url_prefix="/inquiries/<int:inquiry_id>/letter", template_folder="templates")

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@bp.route("/")
@roles_required(*READ_INQUIRIES)
def options(inquiry_id: int):
    inquiry = get_inquiry(inquiry_id)
    problem = export_problem(inquiry)
    preview = None
    if problem is None:
        preview = letter_text(
            build_letter(inquiry, current_app.config, today_local(), with_sources=False, repeat_questions=True)
        )
    return render_template("export/options.html", inquiry=inquiry, problem=problem, preview=preview)


@bp.route("/download")
@roles_required(*READ_INQUIRIES)
def download(inquiry_id: int):
    inquiry = get_inquiry(inquiry_id)
    problem = export_problem(inquiry)
    if problem:
        flash(problem, "error")
        return redirect(url_for("export.options", inquiry_id=inquiry.id))
    file_format = "txt" if request.args.get("format") == "txt" else "docx"
    letter = build_letter(
        inquiry,
        current_app.config,
        today_local(),
        with_sources=bool(request.args.get("sources")),
        repeat_questions=bool(request.args.get("questions")),
    )
    audit.record(
        "letter_exported", "inquiry", inquiry.id, inquiry_id=inquiry.id, format=file_format, sources=letter.with_sources
    )
    db.session.commit()
    stem = "Antwort_" + re.sub(r"[^\w.-]+", "_", inquiry.reference, flags=re.ASCII).strip("_")
    if file_format == "txt":
        body, mimetype = letter_text(letter).encode("utf-8"), "text/plain; charset=utf-8"
    else:
        body, mimetype = letter_docx(letter), DOCX_TYPE
    return Response(
        body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{stem}.{file_format}"'}
    )
