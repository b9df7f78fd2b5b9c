"""The reply letter: its content built once, then written as DOCX (python-docx) or plain text for e-mail.

Answers appear under the labels of the questions exactly as the inquiry numbered them
(„Zu 1a):“), grouped under the inquiry's headings. Letterhead, signature and legal basis are
configuration placeholders in square brackets that the office fills in or configures once.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field, replace
from datetime import date

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from drafter.models import DocType
from web.answers import answer_text
from web.models import Inquiry, InquiryKind
from web.templating import date_de

FOI_KINDS = {InquiryKind.IFG, InquiryKind.LTRANSPG, InquiryKind.VIG}


@dataclass
class LetterAnswer:
    heading: str
    question: str
    text: str
    sources: list[str] = field(default_factory=list)


@dataclass
class LetterSection:
    title: str | None
    answers: list[LetterAnswer]


@dataclass
class Letter:
    authority: str
    authority_address: str
    place_and_date: str
    reference: str
    recipient: list[str]
    subject: str
    salutation: str
    introduction: str
    sections: list[LetterSection]
    closing: list[str]
    remedy_note: str | None
    with_sources: bool


def answer_heading(label: str) -> str:
    """„Zu 1a):“ for labels written with a parenthesis in German inquiries, „Zu II.1:“ otherwise."""
    return f"Zu {label}):" if re.fullmatch(r"\d{1,3}[a-z]?|[a-z]", label) else f"Zu {label}:"


def build_letter(inquiry: Inquiry, config: dict, today: date, *, with_sources: bool, repeat_questions: bool) -> Letter:
    kind = inquiry.kind_enum
    basis = config["LEGAL_BASIS"].get(kind.value, "")
    received = date_de(inquiry.received_on)
    if kind in FOI_KINDS:
        introduction = (
            f"Ihren Antrag vom {received} auf Zugang zu Informationen nach {basis} beantworten wir wie folgt:"
        )
    elif kind == InquiryKind.COUNCIL:
        introduction = f"Ihre Anfrage vom {received} beantworten wir gemäß {basis} wie folgt:"
    else:
        introduction = f"vielen Dank für Ihre Anfrage vom {received}. Wir beantworten sie wie folgt:"
    sections: list[LetterSection] = []
    for question in inquiry.questions:
        paragraphs = question.draft.current.paragraphs if question.draft else []
        answer = LetterAnswer(
            heading=answer_heading(question.label),
            question=question.text if repeat_questions else "",
            text=answer_text.render(paragraphs, markers=with_sources),
            sources=_sources(question.draft, paragraphs) if with_sources and question.draft else [],
        )
        if not sections or sections[-1].title != question.group_title:
            sections.append(LetterSection(question.group_title, []))
        sections[-1].answers.append(answer)
    recipient = [inquiry.requester_name or "[Name der anfragenden Person]"]
    if inquiry.requester_street:
        recipient.append(inquiry.requester_street)
    place = " ".join(filter(None, [inquiry.requester_postcode, inquiry.requester_city]))
    if place:
        recipient.append(place)
    return Letter(
        authority=config["AUTHORITY_NAME"],
        authority_address=config["AUTHORITY_ADDRESS"],
        place_and_date=f"{config['AUTHORITY_PLACE']}, {date_de(today)}",
        reference=inquiry.reference,
        recipient=recipient,
        subject=(
            f"{kind.label_de}: {inquiry.subject}\nIhr Schreiben vom {received} – Unser Zeichen: {inquiry.reference}"
        ),
        salutation="Sehr geehrte Damen und Herren,",
        introduction=introduction,
        sections=sections,
        closing=["Mit freundlichen Grüßen", "Im Auftrag", "", "[Name, Funktion]"],
        remedy_note=(
            "[Falls der Antrag ganz oder teilweise abgelehnt wird: Begründung und Rechtsbehelfsbelehrung einfügen.]"
            if kind in FOI_KINDS
            else None
        ),
        with_sources=with_sources,
    )


def _sources(draft, paragraphs: list) -> list[str]:
    used = answer_text.markers_in(paragraphs)
    seen: dict[int, str] = {}
    for citation in draft.citations:
        if citation.marker in used and citation.marker not in seen:
            details = [
                _type_label(citation.doc_type),
                date_de(citation.doc_date) if citation.doc_date else None,
                f"S. {citation.page}" if citation.page else None,
            ]
            seen[citation.marker] = f"[{citation.marker}] {citation.title} ({', '.join(filter(None, details))})"
    return [seen[m] for m in sorted(seen)]


def _type_label(value: str | None) -> str | None:
    try:
        return DocType(value).label_de
    except ValueError:
        return value


def letter_text(letter: Letter) -> str:
    lines = [f"Betreff: {letter.subject}", "", letter.salutation, "", letter.introduction, ""]
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
    lines += letter.closing
    annex = [a for s in letter.sections for a in s.answers if a.sources]
    if annex:
        lines += ["", "Anlage: Verwendete Quellen", ""]
        for answer in annex:
            lines += [answer.heading, *answer.sources, ""]
    return "\n".join(lines).rstrip() + "\n"


# XML 1.0, and so a .docx, cannot hold control characters other than tab, line feed and carriage return. Word
# itself writes a manual line break as a vertical tab (\x0b) and a page break as a form feed (\x0c) into text that
# is copied out of it; python-docx refuses both. They become line breaks; the rest is dropped.
_LINE_BREAKS = str.maketrans({"\x0b": "\n", "\x0c": "\n", "\u2028": "\n", "\u2029": "\n\n"})
_NOT_IN_XML = re.compile("[\x00-\x08\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")


def xml_safe(text: str) -> str:
    """`text` without the characters a .docx cannot hold; Word's line and page breaks become line breaks."""
    return _NOT_IN_XML.sub("", text.translate(_LINE_BREAKS))


def letter_docx(letter: Letter) -> bytes:
    """The letter as a Word document; every text is made safe for its XML first (issue 17)."""
    letter = _safe_letter(letter)
    document = Document()
    _german_styles(document)
    document.core_properties.title = letter.subject.splitlines()[0]
    document.core_properties.author = letter.authority
    document.core_properties.language = "de-DE"
    head = document.add_paragraph()
    head.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    head.add_run(letter.authority).bold = True
    head.add_run(f"\n{letter.authority_address}")
    document.add_paragraph("\n".join(letter.recipient))
    dated = document.add_paragraph(f"{letter.place_and_date}\nUnser Zeichen: {letter.reference}")
    dated.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    subject = document.add_paragraph()
    subject.add_run(letter.subject).bold = True
    document.add_paragraph(letter.salutation)
    document.add_paragraph(letter.introduction)
    for section in letter.sections:
        if section.title:
            document.add_heading(section.title, level=2)
        for answer in section.answers:
            heading = document.add_paragraph()
            heading.add_run(answer.heading).bold = True
            if answer.question:
                heading.add_run(f" {answer.question}").italic = True
            for paragraph in re.split(r"\n\s*\n", answer.text.strip()):
                document.add_paragraph(paragraph.strip())
    if letter.remedy_note:
        document.add_paragraph(letter.remedy_note)
    document.add_paragraph("\n".join(letter.closing))
    annex = [a for s in letter.sections for a in s.answers if a.sources]
    if annex:
        document.add_page_break()
        document.add_heading("Anlage: Verwendete Quellen", level=2)
        for answer in annex:
            document.add_paragraph().add_run(answer.heading).bold = True
            for source in answer.sources:
                document.add_paragraph(source, style="List Bullet")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _safe_letter(letter: Letter) -> Letter:
    """A copy of the letter with every text made safe for the document's XML."""
    sections = [
        LetterSection(
            xml_safe(section.title) if section.title else None,
            [
                LetterAnswer(
                    xml_safe(a.heading), xml_safe(a.question), xml_safe(a.text), [xml_safe(s) for s in a.sources]
                )
                for a in section.answers
            ],
        )
        for section in letter.sections
    ]
    return replace(
        letter,
        authority=xml_safe(letter.authority),
        authority_address=xml_safe(letter.authority_address),
        place_and_date=xml_safe(letter.place_and_date),
        reference=xml_safe(letter.reference),
        recipient=[xml_safe(line) for line in letter.recipient],
        subject=xml_safe(letter.subject),
        salutation=xml_safe(letter.salutation),
        introduction=xml_safe(letter.introduction),
        sections=sections,
        closing=[xml_safe(line) for line in letter.closing],
        remedy_note=xml_safe(letter.remedy_note) if letter.remedy_note else None,
    )


def _german_styles(document) -> None:
    """Arial 11 pt, German spell-checking language on the default style."""
    normal = document.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(11)
    properties = normal.element.get_or_add_rPr()
    language = properties.find(qn("w:lang"))
    if language is None:
        language = properties.makeelement(qn("w:lang"), {})
        properties.append(language)
    language.set(qn("w:val"), "de-DE")
