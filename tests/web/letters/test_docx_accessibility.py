"""The exported letter is accessible as EN 301 549 (11.8) asks of an authoring tool's output: subject, section
headings and answers are real heading styles a screen reader navigates by, and the document's language is German,
in the county's own template as in the default one (issue 14, item 6). The tests read the DOCX's XML itself."""

from __future__ import annotations

import io
import zipfile

from docx import Document
from lxml import etree

from tests.web.letters.test_letter import sample_letter
from web.letters.docx_letter import default_template, fill_template
from web.letters.letter import LetterAnswer, LetterSection

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
CORE_LANGUAGE = "{http://purl.org/dc/elements/1.1/}language"


def parts(docx: bytes) -> dict[str, etree._Element]:
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        return {
            name: etree.fromstring(archive.read(name))
            for name in ("word/document.xml", "word/styles.xml", "docProps/core.xml")
        }


def styled_paragraphs(document_xml: etree._Element) -> list[tuple[str, str]]:
    """(style id, text) of every body paragraph, in order; "" for the document's default style."""
    found = []
    for paragraph in document_xml.iter(f"{W}p"):
        style = paragraph.find(f"{W}pPr/{W}pStyle")
        text = "".join(t.text or "" for t in paragraph.iter(f"{W}t"))
        found.append(("" if style is None else style.get(f"{W}val"), text))
    return found


def languages(styles_xml: etree._Element) -> set[str]:
    return {element.get(f"{W}val") for element in styles_xml.iter(f"{W}lang")}


def test_subject_sections_and_answers_are_headings_of_three_levels_and_the_letter_is_german():
    xml = parts(fill_template(default_template(), sample_letter()))
    headings = [(style, text) for style, text in styled_paragraphs(xml["word/document.xml"]) if style]
    assert headings == [
        ("Heading1", "Anfrage aus dem Kreistag: Digitalisierung"),
        ("Heading2", "I. Schulen"),
        ("Heading3", "Zu 1."),
        ("Heading2", "II. Kitas"),
        ("Heading3", "Zu 1."),
    ]
    styles = xml["word/styles.xml"]
    default_language = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang")
    assert default_language.get(f"{W}val") == "de-DE"
    assert languages(styles) == {"de-DE"}
    assert xml["docProps/core.xml"].find(CORE_LANGUAGE).text == "de-DE"


def test_without_sections_the_answers_are_the_second_level_below_the_subject():
    letter = sample_letter(
        sections=[
            LetterSection(None, [LetterAnswer("Zu 1.", "Wie viele?", "Zwölf."), LetterAnswer("Zu 2.", "", "Ja.")])
        ]
    )
    paragraphs = styled_paragraphs(parts(fill_template(default_template(), letter))["word/document.xml"])
    assert [(style, text) for style, text in paragraphs if style] == [
        ("Heading1", "Anfrage aus dem Kreistag: Digitalisierung"),
        ("Heading2", "Zu 1. Wie viele?"),
        ("Heading2", "Zu 2."),
    ]


def test_a_county_template_written_in_english_word_exports_a_german_letter_with_headings():
    template = Document()  # python-docx's own template: English (en-US) in its styles' defaults
    template.add_paragraph("{{Betreff}}")
    template.add_paragraph("{{Brieftext}}")
    buffer = io.BytesIO()
    template.save(buffer)
    assert "en-US" in languages(parts(buffer.getvalue())["word/styles.xml"])
    xml = parts(fill_template(buffer.getvalue(), sample_letter()))
    assert languages(xml["word/styles.xml"]) == {"de-DE"}
    headings = [text for style, text in styled_paragraphs(xml["word/document.xml"]) if style.startswith("Heading")]
    assert headings == ["I. Schulen", "Zu 1.", "II. Kitas", "Zu 1."]
