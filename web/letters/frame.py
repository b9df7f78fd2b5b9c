"""The letter's frame (everything in the letter besides the answers) and what changing it after approval means.

The four-eyes rule covers the letter as a whole (issue 17): once the reviewer approved the reply,
a change to anything the letter prints outside the answers (kind and so the legal basis, subject,
reference, recipient, intro, closing) withdraws that approval, recorded in the audit log, and the
page says so. The answers have their own rule: they change only through review.
"""

from __future__ import annotations

from web import audit
from web.answers.workflow import refresh_status
from web.models import Inquiry

# The inquiry's fields that appear in the letter.
FRAME_FIELDS = frozenset(
    {
        "kind",
        "subject",
        "reference",
        "received_on",
        "requester_name",
        "requester_organisation",
        "requester_street",
        "requester_postcode",
        "requester_city",
        "requester_reference",
        "letter_subject",
        "letter_introduction",
        "letter_closing",
    }
)
APPROVAL_REVOKED = (
    "Die Freigabe der Gesamtantwort wurde zurückgenommen, weil sich der Brief geändert hat ({fields}). "
    "Bitte die Gesamtantwort erneut zur Freigabe geben."
)
FIELD_NAMES_DE = {
    "kind": "Art und Rechtsgrundlage",
    "subject": "Betreff der Anfrage",
    "reference": "Aktenzeichen",
    "received_on": "Eingangsdatum",
    "letter_subject": "Betreff",
    "letter_introduction": "Einleitung",
    "letter_closing": "Schluss",
}


def revoke_approval_if_frame_changed(inquiry: Inquiry, changed: list[str]) -> str | None:
    """Withdraw the reply approval when `changed` touches the letter; the German message to show, or None."""
    touched = sorted(FRAME_FIELDS.intersection(changed))
    if not touched or not inquiry.reply_approved:
        return None
    inquiry.reply_approved = False
    inquiry.reply_approved_by_id = None
    refresh_status(inquiry)
    audit.record("reply_approval_revoked", "inquiry", inquiry.id, inquiry_id=inquiry.id, fields=touched)
    names = dict.fromkeys(FIELD_NAMES_DE.get(name, "Empfänger") for name in touched)
    return APPROVAL_REVOKED.format(fields=", ".join(names))
