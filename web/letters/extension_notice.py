"""The Zwischennachricht: the letter that tells the requester their deadline was extended, and why.

The statutes that allow an extension want the requester told, with the reasons, before the first
period ends (§ 12 Abs. 3 LTranspG, § 5 Abs. 2 VIG; for the IFG the reasons staff give when the month
is not enough). The notice is a letter like the reply: the same template, letterhead, address and
information blocks, salutation and signature (`addressing` in web/letters/letter.py); only subject
and text are its own. It names the inquiry by subject and received date, the new deadline, the
reason as staff entered it with the extension, and the rule the extension follows (`LEGAL_PERIODS`).
"""

from __future__ import annotations

from datetime import date

from web.inquiries.deadlines import LEGAL_PERIODS
from web.letters.letter import DEFAULT_CLOSING, FOI_KINDS, Letter, addressing
from web.models import DeadlineExtension, Inquiry
from web.templating import date_de

# How the notice names what the requester sent, as the reply does: a request under a freedom-of-information law
# is „Ihr Antrag“, anything else „Ihre Anfrage“ (nominative, dative, pronoun).
FOI_REQUEST = ("Ihr Antrag", "Ihrem Antrag", "Über Ihren Antrag können wir nicht bis zum {} entscheiden")
OTHER_REQUEST = ("Ihre Anfrage", "Ihrer Anfrage", "Wir können Ihre Anfrage nicht bis zum {} beantworten")
"""How the notice names the request; an application under a freedom-of-information law is decided on."""


def extension_notice(inquiry: Inquiry, step: DeadlineExtension, config: dict, today: date) -> Letter:
    """The notice of `step`, one extension of `inquiry`'s deadline, as it would be sent today."""
    received, due = date_de(inquiry.received_on), date_de(step.new_deadline)
    request, to_request, not_in_time = FOI_REQUEST if inquiry.kind_enum in FOI_KINDS else OTHER_REQUEST
    text = [
        f"{request} vom {received}"
        + (f" zum Thema „{inquiry.subject}“" if inquiry.subject else "")
        + " ist bei uns in Bearbeitung.",
        f"{not_in_time.format(date_de(step.previous_deadline))} und verlängern die Frist für unsere Antwort nach "
        f"{LEGAL_PERIODS[inquiry.kind].basis} bis zum {due}.",
        f"Grund der Verlängerung: {step.reason}",
        f"Sie erhalten unsere Antwort spätestens bis zum {due}. Wir bitten um Ihr Verständnis.",
    ]
    return Letter(
        **addressing(inquiry, config, today),
        subject=f"Zwischennachricht zu {to_request} vom {received}"
        + (f": {inquiry.subject}" if inquiry.subject else ""),
        introduction="\n\n".join(text),
        sections=[],
        remedy_note=None,
        closing=DEFAULT_CLOSING,
    )
