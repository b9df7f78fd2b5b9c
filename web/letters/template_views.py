"""The county's own letter template: an administrator uploads the authority's DOCX with placeholders.

Stored as one file in the instance folder, written new-then-renamed so a letter exported during
the upload gets either the old or the new template. Without an upload, the project's DIN 5008
template (web/letters/docx_letter.py) is used; it can be downloaded as a starting point.
"""

from __future__ import annotations

import os
from pathlib import Path

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for

from web import audit
from web.accounts.permissions import ADMINISTER, roles_required
from web.database import db
from web.letters.docx_letter import PLACEHOLDERS, TemplateInvalid, check_template, default_template

bp = Blueprint("letter_template", __name__, url_prefix="/admin/letter-template", template_folder="templates")
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def template_path() -> Path:
    return Path(current_app.instance_path) / "letter_template.docx"


def current_template() -> bytes:
    """The uploaded template, or the project's default one."""
    path = template_path()
    return path.read_bytes() if path.exists() else default_template()


@bp.route("/")
@roles_required(*ADMINISTER)
def show():
    return render_template("letter_template/show.html", custom=template_path().exists(), placeholders=PLACEHOLDERS)


@bp.route("/default.docx")
@roles_required(*ADMINISTER)
def download_default():
    return Response(
        default_template(),
        mimetype=DOCX_TYPE,
        headers={"Content-Disposition": 'attachment; filename="Briefvorlage_DIN5008.docx"'},
    )


@bp.route("/", methods=["POST"])
@roles_required(*ADMINISTER)
def upload():
    upload = request.files.get("file")
    data = upload.read() if upload and upload.filename else b""
    if not data:
        flash("Bitte eine Briefvorlage im Format DOCX auswählen.", "error")
        return redirect(url_for("letter_template.show"))
    try:
        check_template(data)
    except TemplateInvalid as error:
        flash(str(error), "error")
        return redirect(url_for("letter_template.show"))
    path = template_path()
    staging = path.with_name(f".{path.name}.{os.getpid()}")
    staging.write_bytes(data)
    os.replace(staging, path)
    audit.record("letter_template_uploaded", "letter_template", None, size=len(data))
    db.session.commit()
    flash("Die Briefvorlage wurde übernommen; neue Briefe werden in ihr erstellt.", "success")
    return redirect(url_for("letter_template.show"))


@bp.route("/reset", methods=["POST"])
@roles_required(*ADMINISTER)
def reset():
    template_path().unlink(missing_ok=True)
    audit.record("letter_template_reset", "letter_template", None)
    db.session.commit()
    flash("Die eigene Briefvorlage wurde entfernt; Briefe werden wieder mit der DIN-5008-Vorlage erstellt.", "success")
    return redirect(url_for("letter_template.show"))
