"""The reply letter's content, built once from an inquiry and then written as DOCX (web/letters/docx_letter.py)
or as plain text for an e-mail.

Answers appear under the labels of the questions as the inquiry printed them („Zu 3.“, „Zu 1a)“),
under the section heading (the question's `group`) they were asked in; labels may repeat across
sections. Salutation and signature follow the kind: a reply to the Kreistag or a council group is
signed by the Landrat (or whoever is configured), never „Im Auftrag“. Subject, introduction and
closing are defaults that staff may replace before export (stored on the inquiry); the answers
are the approved ones and change only through review.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date

from drafter.models import DocType
from web.answers import answer_text
from web.models import Draft, Inquiry, InquiryKind
from web.templating import date_de

FOI_KINDS = {InquiryKind.IFG, InquiryKind.LTRANSPG, InquiryKind.VIG}
DEFAULT_CLOSING = "Für Rückfragen stehen wir Ihnen gern zur Verfügung."
GREETING = "Mit freundlichen Grüßen"


@dataclass
class LetterAnswer:
    heading: str
    question: str
    text: str


@dataclass
class LetterSection:
    title: str | None
    answers: list[LetterAnswer]


@dataclass(frozen=True)
class LetterSource:
    """A document of the annex: listed once however many answers cite it."""

    number: int
    title: str
    details: str

    @property
    def line(self) -> str:
        return f"[{self.number}] {self.title} ({self.details})" if self.details else f"[{self.number}] {self.title}"


@dataclass
class Letter:
    authority: str
    authority_address: str
    return_line: str
    recipient: list[str]
    their_reference: str
    their_message: str
    our_reference: str
    contact: str
    phone: str
    email: str
    date: str
    subject: str
    salutation: str
    introduction: str  # paragraphs separated by a blank line
    sections: list[LetterSection]
    remedy_note: str | None
    closing: str
    signature: list[str]
    annex: list[LetterSource] = field(default_factory=list)

    @property
    def information_block(self) -> list[tuple[str, str]]:
        """The DIN 5008 information block as (label, value); „Unser Zeichen“ appears here and nowhere else."""
        rows = [
            ("Ihr Zeichen", self.their_reference),
            ("Ihre Nachricht vom", self.their_message),
            ("Unser Zeichen", self.our_reference),
            ("Ansprechpartner", self.contact),
            ("Telefon", self.phone),
            ("E-Mail", self.email),
            ("Datum", self.date),
        ]
        return [(label, value) for label, value in rows if value]


def answer_heading(label: str) -> str:
    """„Zu 3.“ for a number, „Zu 1a)“ for a label with a letter, the label as printed when it brings its own
    punctuation („Zu II.“, „Zu 1.1“)."""
    if re.fullmatch(r"\d{1,3}", label):
        return f"Zu {label}."
    if re.fullmatch(r"\d{0,3}[a-z]{1,2}", label):
        return f"Zu {label})"
    return f"Zu {label}"


def default_introduction(inquiry: Inquiry, config: dict) -> str:
    """The opening sentence by kind, naming the legal basis the office configured."""
    kind = inquiry.kind_enum
    basis = config["LEGAL_BASIS"].get(kind.value, "")
    received = date_de(inquiry.received_on)
    if kind in FOI_KINDS:
        return f"Ihren Antrag vom {received} auf Zugang zu Informationen nach {basis} beantworten wir wie folgt:"
    if kind == InquiryKind.COUNCIL:
        return f"Ihre Anfrage vom {received} beantworten wir gemäß {basis} wie folgt:"
    return f"vielen Dank für Ihre Anfrage vom {received}. Wir beantworten sie wie folgt:"


def default_subject(inquiry: Inquiry) -> str:
    return f"{inquiry.kind_enum.label_de}: {inquiry.subject}"


def salutation(inquiry: Inquiry) -> str:
    """A council group or an organisation is addressed as a body; a named person by name (DIN 5008's neutral
    form, since the inquiry records no form of address)."""
    if inquiry.kind_enum == InquiryKind.COUNCIL or inquiry.requester_organisation or not inquiry.requester_name:
        return "Sehr geehrte Damen und Herren,"
    return f"Guten Tag {inquiry.requester_name},"


def signature(inquiry: Inquiry, config: dict) -> list[str]:
    """A council reply is signed by the Landrat (or the configured signatory); others „Im Auftrag“ by the
    person handling the inquiry."""
    if inquiry.kind_enum == InquiryKind.COUNCIL:
        return [config["COUNCIL_SIGNATORY"], config["COUNCIL_SIGNATORY_TITLE"]]
    name = inquiry.assignee.display_name if inquiry.assignee else "[Name]"
    return ["Im Auftrag", name]


def recipient(inquiry: Inquiry) -> list[str]:
    """The address block from the requester's data kept with the inquiry; a gap the office must fill is marked."""
    lines = [line for line in (inquiry.requester_organisation, inquiry.requester_name) if line]
    if not lines:
        lines = ["[Name der anfragenden Person]"]
    if inquiry.requester_street:
        lines.append(inquiry.requester_street)
    place = " ".join(filter(None, [inquiry.requester_postcode, inquiry.requester_city]))
    lines.append(place or "[PLZ Ort]")
    return lines


def build_letter(inquiry: Inquiry, config: dict, today: date, *, with_sources: bool, repeat_questions: bool) -> Letter:
    """The letter for `inquiry` as it would be sent today; edits staff made to its frame take precedence."""
    sections: list[LetterSection] = []
    annex: dict[str, LetterSource] = {}
    for question in inquiry.questions:
        paragraphs = question.draft.current.paragraphs if question.draft else []
        if with_sources and question.draft:
            paragraphs = _renumbered(question.draft, paragraphs, annex, config)
        answer = LetterAnswer(
            heading=answer_heading(question.label),
            question=question.text if repeat_questions else "",
            text=answer_text.render(paragraphs, markers=with_sources),
        )
        if not sections or sections[-1].title != question.group_title:
            sections.append(LetterSection(question.group_title, []))
        sections[-1].answers.append(answer)
    return Letter(
        **addressing(inquiry, config, today),
        subject=inquiry.letter_subject or default_subject(inquiry),
        introduction=inquiry.letter_introduction or default_introduction(inquiry, config),
        sections=sections,
        remedy_note=(
            "[Falls der Antrag ganz oder teilweise abgelehnt wird: Begründung und Rechtsbehelfsbelehrung einfügen.]"
            if inquiry.kind_enum in FOI_KINDS
            else None
        ),
        closing=inquiry.letter_closing or DEFAULT_CLOSING,
        annex=sorted(annex.values(), key=lambda source: source.number),
    )


def addressing(inquiry: Inquiry, config: dict, today: date) -> dict[str, object]:
    """What every letter to the requester of `inquiry` shares, as `Letter` fields: the county's letterhead, the
    address and information blocks, salutation and signature. The reply and the notice of an extension
    (web/letters/extension_notice.py) differ only in subject and text."""
    return {
        "authority": config["AUTHORITY_NAME"],
        "authority_address": config["AUTHORITY_ADDRESS"],
        "return_line": f"{config['AUTHORITY_NAME']} · {config['AUTHORITY_ADDRESS']}",
        "recipient": recipient(inquiry),
        "their_reference": inquiry.requester_reference or "",
        "their_message": date_de(inquiry.received_on),
        "our_reference": inquiry.reference,
        "contact": inquiry.assignee.display_name if inquiry.assignee else "",
        "phone": config["AUTHORITY_PHONE"],
        "email": config["AUTHORITY_EMAIL"],
        "date": date_de(today),
        "salutation": salutation(inquiry),
        "signature": signature(inquiry, config),
    }


def _renumbered(
    draft: Draft, paragraphs: answer_text.Paragraphs, annex: dict[str, LetterSource], config: dict
) -> answer_text.Paragraphs:
    """The answer's markers renumbered to the letter's annex, where each document has one number."""
    by_marker = {citation.marker: citation for citation in draft.citations}
    numbers: dict[int, int] = {}
    for marker in sorted(answer_text.markers_in(paragraphs)):
        citation = by_marker.get(marker)
        if citation is None:
            continue
        if citation.doc not in annex:
            details = [
                _type_label(citation.doc_type),
                date_de(citation.doc_date) if citation.doc_date else None,
                citation.authority or config["AUTHORITY_NAME"],  # no authority recorded: the own one's
            ]
            annex[citation.doc] = LetterSource(len(annex) + 1, citation.title, ", ".join(filter(None, details)))
        numbers[marker] = annex[citation.doc].number
    return [
        [replace(s, markers=list(dict.fromkeys(numbers[m] for m in s.markers if m in numbers))) for s in paragraph]
        for paragraph in paragraphs
    ]


def _type_label(value: str | None) -> str | None:
    try:
        return DocType(value).label_de
    except ValueError:
        return value


def letter_text(letter: Letter) -> str:
    """The letter as plain text for an e-mail: no letterhead or address block, the information as lines."""
    lines = [f"Betreff: {letter.subject}", f"Unser Zeichen: {letter.our_reference}", ""]
    lines += [letter.salutation, "", letter.introduction, ""]
    for section in letter.sections:
        if section.title:
            lines += [section.title, ""]
        for answer in section.answers:
            lines.append(answer.heading)
            if answer.question:
                lines.append(f"„{answer.question}“")
            lines += [answer.text, ""]
    if letter.remedy_note:
        lines += [letter.remedy_note, ""]
    lines += [letter.closing, "", GREETING, *letter.signature]
    if letter.annex:
        lines += ["", "Anlage: Verwendete Quellen", ""]
        lines += [source.line for source in letter.annex]
    return "\n".join(lines).rstrip() + "\n"
