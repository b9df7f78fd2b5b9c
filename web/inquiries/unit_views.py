"""Handing an inquiry over to another Fachbereich: who may then see and edit it follows its new unit
(web/accounts/visibility.py), and the hand-over is kept in the audit log with both units' names."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, request, url_for
from flask_login import current_user

from web import audit
from web.accounts.permissions import EDIT_INQUIRIES, roles_required
from web.accounts.visibility import may_see
from web.database import db
from web.inquiries.queries import get_inquiry
from web.models import Unit

bp = Blueprint("handover", __name__, url_prefix="/inquiries/<int:inquiry_id>")


@bp.route("/unit", methods=["POST"])
@roles_required(*EDIT_INQUIRIES)
def move(inquiry_id: int):
    inquiry = get_inquiry(inquiry_id)
    target = db.session.get(Unit, request.form.get("unit_id", type=int) or 0)
    if target is None:
        flash("Bitte einen Fachbereich aus der Liste wählen.", "error")
        return redirect(url_for("inquiries.detail", inquiry_id=inquiry.id))
    if inquiry.sent_at:
        flash("Die Anfrage ist versandt; sie bleibt beim Fachbereich, der sie beantwortet hat.", "error")
        return redirect(url_for("inquiries.detail", inquiry_id=inquiry.id))
    previous = db.session.get(Unit, inquiry.unit_id) if inquiry.unit_id else None
    if previous is not None and previous.id == target.id:
        return redirect(url_for("inquiries.detail", inquiry_id=inquiry.id))
    inquiry.unit_id = target.id
    audit.record(
        "inquiry_moved",
        "inquiry",
        inquiry.id,
        inquiry_id=inquiry.id,
        summary=f"Abgegeben von {previous.name if previous else '–'} an {target.name}",
    )
    db.session.commit()
    if may_see(current_user, inquiry.id):
        flash(f"Die Anfrage liegt jetzt beim Fachbereich {target.name}.", "success")
        return redirect(url_for("inquiries.detail", inquiry_id=inquiry.id))
    flash(
        f"Die Anfrage {inquiry.reference} liegt jetzt beim Fachbereich {target.name}; Sie sehen sie nicht mehr.",
        "success",
    )
    return redirect(url_for("inquiries.index"))
