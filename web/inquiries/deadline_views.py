"""Extending an inquiry's deadline: a later date with the reason, kept with who and when (web/inquiries/deadlines.py
says which kinds allow it and checks the request), and, for a cap that covers only some requests, whether staff
said it applies, so the next extension form comes ticked as they left it; the Zwischennachricht that tells the
requester is a letter (web/letters/views.py)."""

from __future__ import annotations

from datetime import date, datetime

from flask import Blueprint, current_app, flash, redirect, request, url_for
from flask_login import current_user

from web import audit
from web.accounts.permissions import EDIT_INQUIRIES, roles_required
from web.database import db
from web.inquiries.deadlines import LEGAL_PERIODS, ExtensionRefused, extension
from web.inquiries.queries import get_inquiry
from web.inquiries.views import detail_page
from web.models import DeadlineExtension

bp = Blueprint("deadlines", __name__, url_prefix="/inquiries/<int:inquiry_id>")


@bp.route("/deadline", methods=["POST"])
@roles_required(*EDIT_INQUIRIES)
def extend(inquiry_id: int):
    """A refused extension brings back the inquiry's page with what was entered and why it was refused."""
    inquiry = get_inquiry(inquiry_id)
    entered = {key: request.form.get(key, "").strip() for key in ("new_deadline", "reason", "cap_applies")}
    try:
        requested = _form_date(entered["new_deadline"])
        due, moved_because = extension(
            inquiry, requested, entered["reason"], current_app.config, cap_applies=bool(entered["cap_applies"])
        )
    except ExtensionRefused as error:
        return detail_page(inquiry, entered, str(error)), 400
    previous = inquiry.deadline
    db.session.add(
        DeadlineExtension(
            inquiry_id=inquiry.id,
            previous_deadline=previous,
            new_deadline=due,
            reason=entered["reason"],
            extended_by_id=current_user.id,
        )
    )
    inquiry.deadline = due
    cap = LEGAL_PERIODS[inquiry.kind].cap
    if cap is not None and cap.applies_to:  # asked on the form: kept, so the next extension need not ask again
        inquiry.environmental_information = bool(entered["cap_applies"])
    audit.record(
        "deadline_extended",
        "inquiry",
        inquiry.id,
        inquiry_id=inquiry.id,
        summary=f"Frist verlängert vom {previous:%d.%m.%Y} auf den {due:%d.%m.%Y}",
        reason=entered["reason"],
    )
    db.session.commit()
    message = f"Die Frist wurde bis zum {due:%d.%m.%Y} verlängert."
    if moved_because:
        message += f" Der {requested:%d.%m.%Y} fällt auf {moved_because}; die Frist endet am nächsten Werktag."
    message += " Bitte die antragstellende Person mit der Zwischennachricht unter „Fristverlängerungen“ unterrichten."
    flash(message, "success")
    return redirect(url_for("inquiries.detail", inquiry_id=inquiry.id, _anchor="frist"))


def _form_date(text: str) -> date | None:
    """A date as the date field sends it (2027-01-04) or as typed without one (04.01.2027); None when neither."""
    for parse in (date.fromisoformat, lambda value: datetime.strptime(value, "%d.%m.%Y").date()):
        try:
            return parse(text)
        except ValueError:
            continue
    return None
