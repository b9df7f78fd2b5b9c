"""The reply letter: its frame edited in the browser, then exported as DOCX, PDF (for the e-Akte) or plain text;
and the Zwischennachricht after a deadline extension (web/letters/extension_notice.py), as DOCX."""

from __future__ import annotations

import re

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for

from web import audit
from web.accounts.permissions import EDIT_INQUIRIES, READ_INQUIRIES, roles_required
from web.answers.rules import export_problem
from web.database import db
from web.inquiries.queries import get_inquiry
from web.letters import pdf
from web.letters.docx_letter import fill_template
from web.letters.extension_notice import extension_notice
from web.letters.frame import revoke_approval_if_frame_changed
from web.letters.letter import DEFAULT_CLOSING, build_letter, default_introduction, default_subject, letter_text
from web.letters.template_views import DOCX_TYPE, current_template
from web.models import DeadlineExtension
from web.templating import today_local

bp = Blueprint("export", __name__, url_prefix="/inquiries/<int:inquiry_id>/letter", template_folder="templates")

FRAME_LIMITS = {"letter_subject": 300, "letter_introduction": 5_000, "letter_closing": 5_000}


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
    frame = {
        "letter_subject": inquiry.letter_subject or default_subject(inquiry),
        "letter_introduction": inquiry.letter_introduction or default_introduction(inquiry, current_app.config),
        "letter_closing": inquiry.letter_closing or DEFAULT_CLOSING,
    }
    return render_template("export/options.html", inquiry=inquiry, problem=problem, preview=preview, frame=frame)


@bp.route("/frame", methods=["POST"])
@roles_required(*EDIT_INQUIRIES)
def save_frame(inquiry_id: int):
    """Subject, introduction and closing as staff worded them; the default wording is stored as empty."""
    inquiry = get_inquiry(inquiry_id)
    if inquiry.sent_at:
        flash("Die Anfrage ist als versandt vermerkt; der Brief kann nicht mehr geändert werden.", "error")
        return redirect(url_for("export.options", inquiry_id=inquiry.id))
    defaults = {
        "letter_subject": default_subject(inquiry),
        "letter_introduction": default_introduction(inquiry, current_app.config),
        "letter_closing": DEFAULT_CLOSING,
    }
    changed = []
    for key, limit in FRAME_LIMITS.items():
        value = request.form.get(key, "").strip()[:limit]
        stored = None if not value or value == defaults[key] else value
        if getattr(inquiry, key) != stored:
            setattr(inquiry, key, stored)
            changed.append(key)
    revoked = revoke_approval_if_frame_changed(inquiry, changed)
    audit.record("letter_frame_updated", "inquiry", inquiry.id, inquiry_id=inquiry.id, fields=changed)
    db.session.commit()
    flash(
        revoked or "Betreff, Einleitung und Schluss des Briefes wurden gespeichert.",
        "warning" if revoked else "success",
    )
    return redirect(url_for("export.options", inquiry_id=inquiry.id))


@bp.route("/download")
@roles_required(*READ_INQUIRIES)
def download(inquiry_id: int):
    inquiry = get_inquiry(inquiry_id)
    problem = export_problem(inquiry)
    if problem:
        flash(problem, "error")
        return redirect(url_for("export.options", inquiry_id=inquiry.id))
    file_format = request.args.get("format") if request.args.get("format") in {"txt", "pdf"} else "docx"
    letter = build_letter(
        inquiry,
        current_app.config,
        today_local(),
        with_sources=bool(request.args.get("sources")),
        repeat_questions=bool(request.args.get("questions")),
    )
    stem = _file_stem("Antwort", inquiry.reference)
    if file_format == "txt":
        body, mimetype = letter_text(letter).encode("utf-8"), "text/plain; charset=utf-8"
    else:
        body, mimetype = fill_template(current_template(), letter), DOCX_TYPE
    if file_format == "pdf":
        try:
            body, mimetype = pdf.docx_to_pdf(body, current_app.config["SOFFICE"]), "application/pdf"
        except pdf.ConversionFailed as error:
            flash(str(error), "error")
            return redirect(url_for("export.options", inquiry_id=inquiry.id))
    audit.record(
        "letter_exported",
        "inquiry",
        inquiry.id,
        inquiry_id=inquiry.id,
        format=file_format,
        sources=bool(letter.annex),
    )
    db.session.commit()
    return Response(
        body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{stem}.{file_format}"'}
    )


@bp.route("/extension/<int:extension_id>")
@roles_required(*EDIT_INQUIRIES)
def extension_notice_download(inquiry_id: int, extension_id: int):
    """The Zwischennachricht of one deadline extension as DOCX in the county's letter template; audited."""
    inquiry = get_inquiry(inquiry_id)
    step = db.session.get(DeadlineExtension, extension_id)
    if step is None or step.inquiry_id != inquiry.id:
        abort(404)
    body = fill_template(current_template(), extension_notice(inquiry, step, current_app.config, today_local()))
    audit.record(
        "extension_notice_exported",
        "inquiry",
        inquiry.id,
        inquiry_id=inquiry.id,
        summary=f"Zwischennachricht zur Frist bis zum {step.new_deadline:%d.%m.%Y} heruntergeladen",
    )
    db.session.commit()
    stem = _file_stem("Zwischennachricht", inquiry.reference)
    return Response(body, mimetype=DOCX_TYPE, headers={"Content-Disposition": f'attachment; filename="{stem}.docx"'})


def _file_stem(kind: str, reference: str) -> str:
    """„Antwort_FWG_2026_1“: the kind of letter and the reference, in characters every file system takes."""
    return f"{kind}_" + re.sub(r"[^\w.-]+", "_", reference, flags=re.ASCII).strip("_")
