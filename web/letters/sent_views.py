"""Sent inquiries stay as they were sent (issue 17): only an administrator reopens one, with a reason in the log.

Reopening clears the sent mark; the reply approval stays withdrawn-able as before, so a reviewer
can then reopen single answers and the letter goes through review again.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from web import audit
from web.accounts.permissions import ADMINISTER, roles_required
from web.answers.workflow import refresh_status
from web.database import db
from web.models import Inquiry

bp = Blueprint("sent_inquiries", __name__, url_prefix="/admin/sent-inquiries", template_folder="templates")


@bp.route("/")
@roles_required(*ADMINISTER)
def index():
    inquiries = db.session.scalars(
        select(Inquiry).where(Inquiry.sent_at.is_not(None)).order_by(Inquiry.sent_at.desc()).limit(200)
    ).all()
    return render_template("sent_inquiries/index.html", inquiries=inquiries)


# The parameter is not called inquiry_id: the staff's visibility check by unit (web/accounts/visibility.py) runs for
# every URL naming an inquiry_id, and the administration reopens sent inquiries of every unit without reading them.
@bp.route("/<int:sent_inquiry_id>/reopen", methods=["POST"])
@roles_required(*ADMINISTER)
def reopen(sent_inquiry_id: int):
    inquiry = db.session.get(Inquiry, sent_inquiry_id) or abort(404)
    reason = request.form.get("reason", "").strip()[:2_000]
    if not reason:
        flash("Bitte begründen, warum die versandte Anfrage wieder geöffnet wird.", "error")
    elif inquiry.sent_at is None:
        flash(f"Die Anfrage {inquiry.reference} ist nicht als versandt vermerkt.", "error")
    else:
        inquiry.sent_at = None
        refresh_status(inquiry)
        audit.record("sent_inquiry_reopened", "inquiry", inquiry.id, inquiry_id=inquiry.id, reason=reason)
        db.session.commit()
        flash(
            f"Die Anfrage {inquiry.reference} ist wieder geöffnet; die Freigabe kann ihre Antworten nun öffnen.",
            "success",
        )
    return redirect(url_for("sent_inquiries.index"))
