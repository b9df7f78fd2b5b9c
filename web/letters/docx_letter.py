"""The letter as a Word document: a template with placeholders, filled with the letter's content.

The template is the county's own (uploaded by an administrator, web/letters/template_views.py) or
the default one drawn here to DIN 5008 Form B on A4: letterhead in the first page's header, the
address field 20 mm from the left and 45 mm from the top (return line at the foot of its 17.7 mm
Vermerkzone, then the 27.3 mm Anschriftzone), the information block at 125 mm/50 mm, the subject at
98.4 mm, „Seite n von m“ in the footer. Both go through `fill_template`, so a county template and
the default behave alike: every `{{Platzhalter}}` is replaced in body, tables, frames, headers and
footers; `{{Brieftext}}` stands alone in a paragraph and becomes salutation, answers, closing,
signature and annex.

For screen readers and the PDF's bookmarks (EN 301 549, 11.8) the letter is structured with real
heading styles, not bold text: the subject is „Heading 1“ in the default template, section
headings „Heading 2“, each answer's „Zu 1a)“ the level below its section; and its language is
German in the styles' defaults, whatever language the template was written in.
"""

from __future__ import annotations

import copy
import io
import re
import zipfile

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.text import WD_BREAK, WD_LINE_SPACING
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.text.paragraph import Paragraph

from web.letters.letter import GREETING, Letter

BODY = "Brieftext"
PLACEHOLDERS = (
    "Behörde",
    "Behördenanschrift",
    "Rücksendeangabe",
    "Empfänger",
    "Infoblock",
    "Ihr Zeichen",
    "Ihre Nachricht vom",
    "Unser Zeichen",
    "Ansprechpartner",
    "Telefon",
    "E-Mail",
    "Datum",
    "Betreff",
    BODY,
)
_PLACEHOLDER = re.compile(r"\{\{\s*([^{}]+?)\s*\}\}")
MAX_TEMPLATE_BYTES = 5 * 1_048_576
MAX_TEMPLATE_EXPANDED = 50 * 1_048_576
LANGUAGE = "de-DE"

# DIN 5008 Form B, in millimetres from the page's top left corner.
ADDRESS_LEFT, ADDRESS_TOP, ADDRESS_WIDTH = 20, 45, 85
RETURN_LINE_TOP, RETURN_LINE_HEIGHT = 45 + 12.7, 5
RECIPIENT_TOP, RECIPIENT_HEIGHT = 45 + 17.7, 27.3
INFO_LEFT, INFO_TOP, INFO_WIDTH = 125, 50, 75
SUBJECT_TOP = 98.4
TOP_MARGIN = 45


class TemplateInvalid(ValueError):
    """An uploaded letter template cannot be used; the message says why in German."""


# XML 1.0, and so a .docx, cannot hold control characters other than tab, line feed and carriage return. Word
# itself writes a manual line break as a vertical tab (\x0b) and a page break as a form feed (\x0c) into text that
# is copied out of it; python-docx refuses both. They become line breaks; the rest is dropped.
_LINE_BREAKS = str.maketrans({"\x0b": "\n", "\x0c": "\n", "\u2028": "\n", "\u2029": "\n\n"})
_NOT_IN_XML = re.compile("[\x00-\x08\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")


def xml_safe(text: str) -> str:
    """`text` without the characters a .docx cannot hold; Word's line and page breaks become line breaks."""
    return _NOT_IN_XML.sub("", text.translate(_LINE_BREAKS))


def default_template() -> bytes:
    """The project's own DIN 5008 Form B template, drawn by code so that its measures are readable here."""
    document = Document()
    _german_styles(document)
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin, section.right_margin = Mm(25), Mm(20)
    section.top_margin, section.bottom_margin = Mm(TOP_MARGIN), Mm(25)
    section.header_distance, section.footer_distance = Mm(10), Mm(10)
    section.different_first_page_header_footer = True
    head = section.first_page_header.paragraphs[0]
    head.add_run("{{Behörde}}").bold = True
    head.runs[0].font.size = Pt(14)
    head.add_run("\n{{Behördenanschrift}}").font.size = Pt(9)
    for footer in (section.first_page_footer, section.footer):
        _page_numbers(footer.paragraphs[0])
    body = document.add_paragraph()
    _framed(body, ADDRESS_LEFT, RETURN_LINE_TOP, ADDRESS_WIDTH, RETURN_LINE_HEIGHT)
    body.add_run("{{Rücksendeangabe}}").font.size = Pt(7)
    _framed(document.add_paragraph("{{Empfänger}}"), ADDRESS_LEFT, RECIPIENT_TOP, ADDRESS_WIDTH, RECIPIENT_HEIGHT)
    _framed(document.add_paragraph("{{Infoblock}}"), INFO_LEFT, INFO_TOP, INFO_WIDTH, None).runs[0].font.size = Pt(9)
    spacer = document.add_paragraph()
    spacer.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    spacer.paragraph_format.line_spacing = Mm(SUBJECT_TOP - TOP_MARGIN)
    spacer.paragraph_format.space_before = spacer.paragraph_format.space_after = Pt(0)
    document.add_paragraph("{{Betreff}}", style="Heading 1")
    document.add_paragraph("{{Brieftext}}")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _framed(paragraph: Paragraph, left: float, top: float, width: float, height: float | None) -> Paragraph:
    """Place `paragraph` at a fixed position on the page (a Word frame), outside the flow of the text."""
    properties = paragraph._p.get_or_add_pPr()
    frame = OxmlElement("w:framePr")
    for name, value in {
        "w:w": str(Mm(width).twips),
        "w:h": str(Mm(height).twips if height else 0),
        "w:hRule": "exact" if height else "auto",
        "w:wrap": "none",
        "w:hAnchor": "page",
        "w:vAnchor": "page",
        "w:x": str(Mm(left).twips),
        "w:y": str(Mm(top).twips),
    }.items():
        frame.set(qn(name), value)
    properties.insert(0, frame)
    paragraph.paragraph_format.space_after = Pt(0)
    return paragraph


def _page_numbers(paragraph: Paragraph) -> None:
    """„Seite n von m“ with Word fields, so every program counts the pages itself."""
    paragraph.add_run("Seite ")
    _field(paragraph, "PAGE")
    paragraph.add_run(" von ")
    _field(paragraph, "NUMPAGES")
    for run in paragraph.runs:
        run.font.size = Pt(8)


def _field(paragraph: Paragraph, instruction: str) -> None:
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), f" {instruction} ")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def check_template(data: bytes) -> None:
    """Refuse a template that cannot be filled, with a German message that says what to change."""
    if len(data) > MAX_TEMPLATE_BYTES:
        raise TemplateInvalid("Die Briefvorlage ist größer als 5 MB. Bitte Bilder verkleinern und erneut hochladen.")
    not_docx = "Die Datei ist kein Word-Dokument (DOCX). Bitte die Vorlage in Word als .docx speichern."
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            expanded = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as error:
        raise TemplateInvalid(not_docx) from error
    if expanded > MAX_TEMPLATE_EXPANDED:
        raise TemplateInvalid("Die Briefvorlage ist entpackt größer als 50 MB und wird nicht gelesen.")
    try:
        document = Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError) as error:
        raise TemplateInvalid(not_docx) from error
    paragraphs = _all_paragraphs(document)
    found = [name for paragraph in paragraphs for name in _PLACEHOLDER.findall(paragraph.text)]
    unknown = sorted(set(found) - set(PLACEHOLDERS))
    if unknown:
        raise TemplateInvalid(
            f"Unbekannte Platzhalter: {', '.join('{{' + n + '}}' for n in unknown)}. "
            f"Erlaubt sind: {', '.join('{{' + n + '}}' for n in PLACEHOLDERS)}."
        )
    if found.count(BODY) != 1 or not any(_is_body(paragraph) for paragraph in paragraphs):
        raise TemplateInvalid(
            "Die Vorlage braucht genau einen Platzhalter {{Brieftext}} in einem eigenen Absatz; "
            "dort setzt drafter Anrede, Antworten, Gruß und Unterschrift ein."
        )


def fill_template(template: bytes, letter: Letter) -> bytes:
    """The letter in `template`: every placeholder replaced, `{{Brieftext}}` expanded into the letter's text."""
    document = Document(io.BytesIO(template))
    document.core_properties.title = xml_safe(letter.subject)
    document.core_properties.author = xml_safe(letter.authority)
    document.core_properties.language = LANGUAGE
    _german_language(document)
    values = {name: xml_safe(value) for name, value in _values(letter).items()}
    body_paragraph = None
    for paragraph in _all_paragraphs(document):
        text = paragraph.text
        if "{{" not in text:
            continue
        if _is_body(paragraph):
            body_paragraph = paragraph
            continue
        _fill_paragraph(paragraph, values)
    if body_paragraph is not None:
        _write_body(document, body_paragraph, letter)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _is_body(paragraph: Paragraph) -> bool:
    """The paragraph holds `{{Brieftext}}` and nothing else."""
    alone = _PLACEHOLDER.fullmatch(paragraph.text.strip())
    return alone is not None and alone.group(1) == BODY


def _fill_paragraph(paragraph: Paragraph, values: dict[str, str]) -> None:
    """Replace placeholders run by run, keeping each run's font; a placeholder Word split across runs is
    replaced in the paragraph's first run, which then takes the whole text."""

    def fill(text: str) -> str:
        return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)

    for run in paragraph.runs:
        if "{{" in run.text:
            run.text = fill(run.text)
    runs = paragraph.runs
    if runs and any(name in values for name in _PLACEHOLDER.findall(paragraph.text)):
        runs[0].text = fill(paragraph.text)
        for run in runs[1:]:
            run._r.getparent().remove(run._r)


def _values(letter: Letter) -> dict[str, str]:
    return {
        "Behörde": letter.authority,
        "Behördenanschrift": letter.authority_address,
        "Rücksendeangabe": letter.return_line,
        "Empfänger": "\n".join(letter.recipient),
        "Infoblock": "\n".join(f"{label}: {value}" for label, value in letter.information_block),
        "Ihr Zeichen": letter.their_reference,
        "Ihre Nachricht vom": letter.their_message,
        "Unser Zeichen": letter.our_reference,
        "Ansprechpartner": letter.contact,
        "Telefon": letter.phone,
        "E-Mail": letter.email,
        "Datum": letter.date,
        "Betreff": letter.subject,
    }


def _all_paragraphs(document: DocumentObject) -> list[Paragraph]:
    """Every paragraph of the body, its tables, frames and text boxes, and of every header and footer."""
    parts = [(document.element.body, document._body)]
    for section in document.sections:
        for part in (
            section.header,
            section.footer,
            section.first_page_header,
            section.first_page_footer,
            section.even_page_header,
            section.even_page_footer,
        ):
            if not part.is_linked_to_previous:
                parts.append((part._element, part))
    seen, paragraphs = set(), []
    for element, parent in parts:
        for p in element.iter(qn("w:p")):
            if id(p) not in seen:
                seen.add(id(p))
                paragraphs.append(Paragraph(p, parent))
    return paragraphs


def _write_body(document: DocumentObject, placeholder: Paragraph, letter: Letter) -> None:
    """Salutation to annex in place of the `{{Brieftext}}` paragraph, in that paragraph's style."""
    styles = {style.name for style in document.styles}
    sectioned = any(section.title for section in letter.sections)
    section_level, answer_level = "Heading 2", "Heading 3" if sectioned else "Heading 2"

    def add(text: str = "", *, bold: bool = False, italic: str = "", heading: str | None = None) -> Paragraph:
        """A paragraph before the placeholder; a heading level the template lacks becomes bold text."""
        paragraph = placeholder.insert_paragraph_before()
        as_heading = heading in styles
        if as_heading:
            paragraph.style = heading
        elif placeholder._p.pPr is not None:
            paragraph._p.insert(0, copy.deepcopy(placeholder._p.pPr))
        run = paragraph.add_run(xml_safe(text))
        run.bold = bold or (heading is not None and not as_heading)
        if italic:
            paragraph.add_run(f" {xml_safe(italic)}").italic = True
        return paragraph

    add(letter.salutation)
    for block in _blocks(letter.introduction):
        add(block)
    for section in letter.sections:
        if section.title:
            add(section.title, heading=section_level)
        for answer in section.answers:
            add(answer.heading, bold=True, italic=answer.question, heading=answer_level)
            for block in _blocks(answer.text):
                add(block)
    if letter.remedy_note:
        add(letter.remedy_note)
    add(letter.closing)
    add(GREETING)
    add("\n\n" + "\n".join(letter.signature))
    if letter.annex:
        add().add_run().add_break(WD_BREAK.PAGE)
        add("Anlage: Verwendete Quellen", heading=section_level)
        for source in letter.annex:
            add(source.line)
    placeholder._p.getparent().remove(placeholder._p)


def _blocks(text: str) -> list[str]:
    """The paragraphs of `text`, which a blank line separates."""
    return [block.strip() for block in re.split(r"\n\s*\n", text.strip())]


def _german_styles(document: DocumentObject) -> None:
    """Arial 11 pt; the headings in the letter's font, black, with the subject and answers as
    Word's own heading styles rather than bold text (EN 301 549, 11.8)."""
    normal = document.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(11)
    for name in ("Heading 1", "Heading 2", "Heading 3"):
        heading = document.styles[name]
        heading.font.name, heading.font.size, heading.font.color.rgb = "Arial", Pt(11), RGBColor(0, 0, 0)
        heading.font.bold = True
        # The subject stays at its DIN 5008 position: the spacer above it measures the distance alone.
        heading.paragraph_format.space_before = Pt(0 if name == "Heading 1" else 6)
    _german_language(document)


def _german_language(document: DocumentObject) -> None:
    """German as the language of every text: in the defaults of the styles and in every style that names a
    language of its own, so spell-checking, hyphenation and screen readers read German (EN 301 549, 11.8)."""
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = OxmlElement("w:docDefaults")
        styles.insert(0, defaults)
    run_defaults = defaults.find(qn("w:rPrDefault"))
    if run_defaults is None:
        run_defaults = OxmlElement("w:rPrDefault")
        defaults.insert(0, run_defaults)
    properties = run_defaults.find(qn("w:rPr"))
    if properties is None:
        properties = OxmlElement("w:rPr")
        run_defaults.append(properties)
    if properties.find(qn("w:lang")) is None:
        properties.append(OxmlElement("w:lang"))
    for language in styles.iter(qn("w:lang")):
        language.set(qn("w:val"), LANGUAGE)
