"""Loading uploaded files into clean text: what a user ingesting documents would notice.

Every fixture file is generated here in `tmp_path`; PDFs come from a tiny writer below that
emits real PDF syntax (Helvetica, WinAnsiEncoding, so äöüß work), independent of pypdf.
"""

from __future__ import annotations

import io
import random
from pathlib import Path

import docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from pypdf import PdfWriter

from drafter.errors import (
    DocumentError,
    DocumentTooLarge,
    EmptyDocument,
    UnreadableDocument,
    UnsupportedFileType,
)
from drafter.loaders import SUPPORTED_SUFFIXES, discover_files, load_document
from drafter.text_cleaning import normalize_text

# ---------------------------------------------------------------- helpers


def pdf_bytes(pages: list[list[str]]) -> bytes:
    """A minimal valid PDF: one text line per entry; an empty page gets a grey box and no text."""

    def escape(line: str) -> str:
        return line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"",  # the page tree, filled in once the page objects are numbered
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    kids = []
    for lines in pages:
        if lines:
            operators = "BT /F1 11 Tf 14 TL 72 770 Td " + " ".join(f"({escape(x)}) Tj T*" for x in lines) + " ET"
        else:
            operators = "0.5 g 72 400 300 300 re f"
        stream = operators.encode("cp1252")
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
            b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % len(objects)
        )
        kids.append(len(objects))
    references = b" ".join(b"%d 0 R" % kid for kid in kids)
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (references, len(kids))
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def encrypted(pdf: bytes, user_password: str, algorithm: str = "RC4-128") -> bytes:
    writer = PdfWriter(clone_from=io.BytesIO(pdf))
    writer.encrypt(user_password=user_password, owner_password="verwaltung", algorithm=algorithm)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def write(path: Path, data: bytes | str, encoding: str = "utf-8") -> Path:
    path.write_bytes(data.encode(encoding) if isinstance(data, str) else data)
    return path


def assert_tells_what_to_do(error: DocumentError, *expected: str) -> None:
    """German message naming the file and a next step ("Bitte …")."""
    message = str(error)
    assert message.startswith(f"{error.path.name}: ")
    assert "bitte" in message.lower()
    for text in expected:
        assert text in message


LETTER_PAGES = [
    [
        "Kreisverwaltung Musterkreis - Der Landrat",
        "Antwort auf die Anfrage zur Digitali-",
        "sierung der Verwaltung",
        "Die Größe der Straße wird geprüft.",
        "Seite 1 von 3",
    ],
    [
        "Kreisverwaltung Musterkreis - Der Landrat",
        "Zu Frage 2: Die E-",
        "Akte ist im Bürger-",
        "und Ordnungsamt eingeführt. Die Umstel-",
        "Seite 2 von 3",
    ],
    [
        "Kreisverwaltung Musterkreis - Der Landrat",
        "lung endet im Jahr 2025.",
        "Zu Frage 3: Weitere Maßnahmen folgen.",
        "Seite 3 von 3",
    ],
]


# ---------------------------------------------------------------- normalisation


def test_normalisation_removes_invisible_characters_and_unifies_spaces() -> None:
    raw = "\ufeffDie\u00a0Kreis\u00adverwaltung\u200b  prüft\t\tden Antrag.   \r\n\r\n\r\n\r\n  Gru\u0308ße\u202f!"
    assert normalize_text(raw) == "Die Kreisverwaltung prüft den Antrag.\n\nGrüße !"


def test_normalisation_keeps_line_and_paragraph_breaks() -> None:
    text = "Zeile eins\nZeile zwei\n\nNeuer Absatz"
    assert normalize_text(text + "\n\n\n\n") == text


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("die Digitali-\nsierung", "die Digitalisierung"),
        ("die Digitali- \n  sierung", "die Digitalisierung"),
        ("Digitali\u00ad\nsierung", "Digitalisierung"),
        ("die E-\nAkte", "die E-Akte"),
        ("EU-\nweit", "EU-weit"),
        ("CO2-\nneutral", "CO2-neutral"),
        ("Bürger-\nund Ordnungsamt", "Bürger- und Ordnungsamt"),
        ("Hin-\noder Rückfahrt", "Hin- oder Rückfahrt"),
        ("Ein-\nbzw. Ausgang", "Ein- bzw. Ausgang"),
        ("Straße -\nDer Weg", "Straße -\nDer Weg"),
        ("Preis: 5,-\nEuro", "Preis: 5,-\nEuro"),
    ],
)
def test_words_hyphenated_across_lines_are_joined_sensibly(raw: str, expected: str) -> None:
    assert normalize_text(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Dezernat 5\nCO\n2\n-Einsparungen durch E-Mobilität", "Dezernat 5\nCO2-Einsparungen durch E-Mobilität"),
        ("den CO\n2\n- und Feinstaub-Ausstoß senken", "den CO2- und Feinstaub-Ausstoß senken"),
        ("Ausstoß an CO\n2 \n, Stickoxiden", "Ausstoß an CO2, Stickoxiden"),
        ("an CO\n2\n beträgt ca. 900 t", "an CO2 beträgt ca. 900 t"),
        ("Werte für PM\n10\nund NO\n2\n.", "Werte für PM10 und NO2."),
        ("Siehe Anlage.\n2\nNeue Seite", "Siehe Anlage.\n2\nNeue Seite"),
        ("Reduktion von CO\n2\n\nDer Kreis prüft", "Reduktion von CO2\n\nDer Kreis prüft"),
        ("Ausstoß an CO\n2\n(Kohlendioxid)", "Ausstoß an CO2 (Kohlendioxid)"),
        ("Messstelle NO\n10\n12 Uhr", "Messstelle NO\n10\n12 Uhr"),
        ("Richtung SO\n2\nStadt Talbach", "Richtung SO\n2\nStadt Talbach"),
    ],
)
def test_formula_subscripts_printed_on_their_own_line_rejoin_the_formula(raw: str, expected: str) -> None:
    """PDF extraction prints the 2 of CO₂ on a line of its own; a quote must not read „CO 2 -Einsparungen“."""
    assert normalize_text(raw) == expected


def test_normalisation_is_idempotent_so_offsets_stay_valid() -> None:
    once = normalize_text("A-\nB-\nc  d\u00ad\n\n\n\ne\u00a0 f\ufb01\x0cg\x00h u\u200b\u0308ber")
    assert normalize_text(once) == once


# ---------------------------------------------------------------- text and Markdown

GERMAN = "Anfrage zur Müllabfuhr\nÜber die Gebühren für Bürgerinnen und Bürger: Größe, Maße, Straße."


@pytest.mark.parametrize(
    ("content", "encoding"),
    [
        (GERMAN, "utf-8"),
        (GERMAN, "utf-8-sig"),
        (GERMAN + " „Zitat“ – 5 €", "cp1252"),
        (GERMAN, "latin-1"),
        ("Größe", "cp1252"),
        ("ÄÖÜ äöü ß", "cp1252"),
        ("Café à la carte – Grüße", "cp1252"),
    ],
)
def test_text_files_come_out_with_correct_umlauts(tmp_path: Path, content: str, encoding: str) -> None:
    document = load_document(write(tmp_path / "anfrage.txt", content, encoding))
    assert document.text == content
    assert document.title == content.splitlines()[0]
    assert document.pages == []


def test_suffix_is_matched_case_insensitively(tmp_path: Path) -> None:
    assert load_document(write(tmp_path / "BRIEF.TXT", "Hallo")).text == "Hallo"


def test_title_falls_back_to_first_line_cut_at_a_word(tmp_path: Path) -> None:
    first = "Stellungnahme " * 20
    document = load_document(write(tmp_path / "lang.txt", f"\n\n{first}\nZweite Zeile"))
    assert document.title.endswith("…")
    assert len(document.title) <= 121
    assert document.title.startswith("Stellungnahme Stellungnahme")
    assert document.metadata["title"] == document.title


def test_markdown_keeps_words_and_drops_syntax(tmp_path: Path) -> None:
    markdown = (
        "# Antwort zur Anfrage Radwege\n\n"
        "Die **Kreisverwaltung** hat __zwei__ Maßnahmen geplant:\n\n"
        "- Ausbau der Radwege\n"
        "* Beleuchtung für Mitarbeiter*innen\n\n"
        "## Kosten\n"
        "Siehe [Haushaltsplan](https://example.org/plan.pdf).\n"
    )
    document = load_document(write(tmp_path / "antwort.md", markdown))
    assert document.text == (
        "Antwort zur Anfrage Radwege\n\n"
        "Die Kreisverwaltung hat zwei Maßnahmen geplant:\n\n"
        "• Ausbau der Radwege\n"
        "• Beleuchtung für Mitarbeiter*innen\n\n"
        "Kosten\n\n"
        "Siehe Haushaltsplan."
    )
    assert document.title == "Antwort zur Anfrage Radwege"


# ---------------------------------------------------------------- HTML

PAGE = """<!DOCTYPE html><html lang="de"><head><meta charset="windows-1252">
<title>Bürgerinformation Abfall</title>
<meta name="date" content="2024-03-05T09:00:00+01:00"><meta name="author" content="Amt für Abfallwirtschaft">
<script>var tracking = "nicht anzeigen";</script><style>p { color: red }</style></head>
<body><header>Landkreis Muster – Startseite</header><nav><a href="/">Menü</a></nav>
<main><h1>Abfuhrtermine</h1>
<p>Die Abfuhr der <b>Biotonne</b>
   erfolgt wöchentlich.<br>Ausnahme: Feiertage.</p>
<ul><li>Restmüll: 14-täglich</li><li><p>Papier: monatlich</p></li></ul>
<ol start="3"><li>Dritter Punkt</li><li>Vierter Punkt</li></ol>
<table><tr><th>Ort</th><th>Tag</th></tr><tr><td>Neustadt</td><td>Montag</td></tr></table>
<form><label>Suche <input name="q"></label></form>
</main><footer>Impressum</footer></body></html>"""


def test_html_page_becomes_text_without_page_chrome(tmp_path: Path) -> None:
    document = load_document(write(tmp_path / "abfall.html", PAGE, "cp1252"))
    assert document.text == (
        "Abfuhrtermine\n\n"
        "Die Abfuhr der Biotonne erfolgt wöchentlich.\nAusnahme: Feiertage.\n\n"
        "• Restmüll: 14-täglich\n• Papier: monatlich\n\n"
        "3. Dritter Punkt\n4. Vierter Punkt\n\n"
        "Ort | Tag\nNeustadt | Montag"
    )
    assert document.title == "Bürgerinformation Abfall"
    assert document.metadata["date"] == "2024-03-05"
    assert document.metadata["author"] == "Amt für Abfallwirtschaft"


def test_html_without_charset_is_detected_and_uses_first_heading_as_title(tmp_path: Path) -> None:
    markup = "<html><body><article><header><h1>Größe der Straße</h1></header><p>Maße prüfen.</p></article>"
    document = load_document(write(tmp_path / "seite.htm", markup, "cp1252"))
    assert document.text == "Größe der Straße\n\nMaße prüfen."
    assert document.title == "Größe der Straße"
    assert "date" not in document.metadata


# ---------------------------------------------------------------- DOCX


def make_docx(path: Path) -> Path:
    document = docx.Document()
    document.core_properties.author = "Amt 10"
    document.add_heading("Antwort auf die Anfrage Nr. 12/2024", level=1)
    document.add_paragraph("Sehr geehrte Damen und Herren,")
    document.add_paragraph("zu Ihren Fragen nehmen wir wie folgt Stellung.")
    document.add_heading("Kosten", level=2)
    document.add_paragraph("Wie hoch sind die Kosten?", style="List Number")
    document.add_paragraph("Wer trägt die Kosten?", style="List Number")
    table = document.add_table(rows=3, cols=2)
    for row, values in zip(table.rows, [("Jahr", "Ausgaben in €"), ("2023", "12.500")], strict=False):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    table.cell(2, 0).merge(table.cell(2, 1)).text = "Quelle: Haushaltsplan"
    document.save(path)
    return path


def test_docx_keeps_headings_paragraphs_list_numbers_and_tables(tmp_path: Path) -> None:
    document = load_document(make_docx(tmp_path / "antwort.docx"))
    assert document.text == (
        "Antwort auf die Anfrage Nr. 12/2024\n\n"
        "Sehr geehrte Damen und Herren,\n\n"
        "zu Ihren Fragen nehmen wir wie folgt Stellung.\n\n"
        "Kosten\n\n"
        "1. Wie hoch sind die Kosten?\n\n"
        "2. Wer trägt die Kosten?\n\n"
        "Jahr | Ausgaben in €\n"
        "2023 | 12.500\n"
        "Quelle: Haushaltsplan"
    )
    assert document.title == "Antwort auf die Anfrage Nr. 12/2024"
    assert document.metadata["author"] == "Amt 10"
    assert "date" not in document.metadata


def test_docx_renders_word_numbering_and_reads_content_controls(tmp_path: Path) -> None:
    document = docx.Document()
    numbering = document.part.numbering_part.element
    numbering.append(
        parse_xml(
            f'<w:abstractNum {nsdecls("w")} w:abstractNumId="90">'
            '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl>'
            '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="%1%2)"/>'
            "</w:lvl></w:abstractNum>"
        )
    )
    numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
    for level, text in [(0, "Digitalisierung"), (1, "Wie viele?"), (1, "Wann?"), (0, "Open Source"), (1, "Welche?")]:
        paragraph = document.add_paragraph(text)
        paragraph._p.get_or_add_pPr().append(
            parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/><w:numId w:val="90"/></w:numPr>')
        )
    body = document.element.body
    body.insert(
        len(body) - 1,
        parse_xml(
            f"<w:sdt {nsdecls('w')}><w:sdtContent><w:p><w:r><w:t>Text im Formularfeld.</w:t></w:r>"
            "</w:p></w:sdtContent></w:sdt>"
        ),
    )
    document.save(tmp_path / "anfrage.docx")
    loaded = load_document(tmp_path / "anfrage.docx")
    assert loaded.text.split("\n\n") == [
        "1. Digitalisierung",
        "1a) Wie viele?",
        "1b) Wann?",
        "2. Open Source",
        "2a) Welche?",
        "Text im Formularfeld.",
    ]


def test_broken_docx_is_reported(tmp_path: Path) -> None:
    with pytest.raises(UnreadableDocument) as caught:
        load_document(write(tmp_path / "kaputt.docx", b"Das ist kein ZIP-Archiv." * 10))
    assert_tells_what_to_do(caught.value, "DOCX-Datei ist beschädigt", "Word")


def test_old_word_format_with_docx_suffix_is_reported(tmp_path: Path) -> None:
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600)
    with pytest.raises(UnreadableDocument) as caught:
        load_document(write(tmp_path / "alt.docx", ole))
    assert_tells_what_to_do(caught.value, ".doc", "als .docx speichern")


# ---------------------------------------------------------------- e-mail

PLAIN_MAIL = b"""From: =?utf-8?q?J=C3=BCrgen_M=C3=BCller?= <j.mueller@example.org>
To: buergerservice@kreis-muster.de
Subject: =?utf-8?q?Anfrage_zur_Stra=C3=9Fensanierung?=
Date: Tue, 05 Mar 2024 23:15:00 +0100
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="GRENZE"

--GRENZE
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: quoted-printable

Sehr geehrte Damen und Herren,
wann wird die Stra=C3=9Fe saniert?

> Ihre Anfrage vom 1. M=C3=A4rz ist eingegangen.
> > Urspr=C3=BCngliche Nachricht

--GRENZE
Content-Type: application/pdf; name="Stellungnahme Bauamt.pdf"
Content-Disposition: attachment; filename="Stellungnahme Bauamt.pdf"
Content-Transfer-Encoding: base64

JVBERi0xLjQKJUFOSEFORw==
--GRENZE--
"""


def test_email_body_headers_and_attachment_names(tmp_path: Path) -> None:
    document = load_document(write(tmp_path / "anfrage.eml", PLAIN_MAIL))
    assert document.text == (
        "Sehr geehrte Damen und Herren,\nwann wird die Straße saniert?\n\n"
        "Ihre Anfrage vom 1. März ist eingegangen.\nUrsprüngliche Nachricht"
    )
    assert document.title == "Anfrage zur Straßensanierung"
    assert document.metadata["subject"] == "Anfrage zur Straßensanierung"
    assert document.metadata["sender"] == "Jürgen Müller <j.mueller@example.org>"
    assert document.metadata["date"] == "2024-03-05"
    assert document.metadata["attachments"] == "Stellungnahme Bauamt.pdf"


def test_html_only_email_is_converted_to_text(tmp_path: Path) -> None:
    mail = (
        b"From: info@example.org\nSubject: Rueckruf\nContent-Type: text/html; charset=iso-8859-1\n"
        b"Content-Transfer-Encoding: quoted-printable\n\n"
        b"<html><head><style>p{}</style></head><body><p>Bitte um R=FCckruf.</p>"
        b"<ul><li>Termin am Montag</li></ul></body></html>\n"
    )
    document = load_document(write(tmp_path / "rueckruf.eml", mail))
    assert document.text == "Bitte um Rückruf.\n\n• Termin am Montag"
    assert "date" not in document.metadata


@pytest.mark.parametrize("content_type", ["text/plain; charset=utf-8", "text/plain", "text/plain; charset=x-unknown"])
def test_email_body_with_wrong_or_missing_charset_is_detected(tmp_path: Path, content_type: str) -> None:
    mail = (
        f"From: a@example.org\nSubject: Gruss\nContent-Type: {content_type}\n"
        "Content-Transfer-Encoding: quoted-printable\n\n"
        "Gr=FC=DFe aus K=F6ln, =84Zitat=93 =80\n"
    ).encode("ascii")
    document = load_document(write(tmp_path / "gruss.eml", mail))
    assert document.text == "Grüße aus Köln, „Zitat“ €"


def test_flowed_email_lines_are_joined(tmp_path: Path) -> None:
    mail = (
        b"From: a@example.org\nSubject: Antrag\nContent-Type: text/plain; charset=utf-8; format=flowed\n\n"
        b"Ich beantrage hiermit die \nErstattung der Kosten.\n>Zitat mit weichem \n>Umbruch\n"
    )
    document = load_document(write(tmp_path / "antrag.eml", mail))
    assert document.text == "Ich beantrage hiermit die Erstattung der Kosten.\nZitat mit weichem Umbruch"


# ---------------------------------------------------------------- PDF


def test_pdf_text_maps_offsets_to_pages(tmp_path: Path) -> None:
    document = load_document(write(tmp_path / "antwort.pdf", pdf_bytes(LETTER_PAGES)))
    assert [page.number for page in document.pages] == [1, 2, 3]
    for phrase, page in [("Digitalisierung", 1), ("Größe der Straße", 1), ("E-Akte", 2), ("Maßnahmen", 3)]:
        offset = document.text.index(phrase)
        assert document.page_at(offset) == page, phrase
    for page in document.pages:
        assert document.text[page.start : page.end] == document.text[page.start : page.end].strip()
    joined = "\n\n".join(document.text[page.start : page.end] for page in document.pages)
    assert joined == document.text


def test_pdf_joins_hyphenation_and_drops_running_header_and_footer(tmp_path: Path) -> None:
    document = load_document(write(tmp_path / "antwort.pdf", pdf_bytes(LETTER_PAGES)))
    assert "Antwort auf die Anfrage zur Digitalisierung der Verwaltung" in document.text
    assert "Die E-Akte ist im Bürger- und Ordnungsamt eingeführt." in document.text
    # hyphenated across the page break: the whole word stays on the earlier page
    assert document.page_at(document.text.index("Umstellung")) == 2
    assert "Kreisverwaltung Musterkreis" not in document.text
    assert "Seite" not in document.text
    assert document.title == "Antwort auf die Anfrage zur Digitalisierung der Verwaltung"
    assert normalize_text(document.text) == document.text


def test_pdf_running_lines_go_but_numbered_headings_at_page_tops_stay(tmp_path: Path) -> None:
    questions = [1, 3, 4, 6]
    pages = [
        ["Landkreis Muster", f"Zu Frage {question}", f"Antwort {question}.", f"Stand 05.03.2024 - Seite {page}"]
        for page, question in enumerate(questions, start=1)
    ]
    document = load_document(write(tmp_path / "antworten.pdf", pdf_bytes(pages)))
    assert document.text == "\n\n".join(f"Zu Frage {question}\nAntwort {question}." for question in questions)


def test_pdf_without_text_layer_is_reported_as_scan(tmp_path: Path) -> None:
    with pytest.raises(EmptyDocument) as caught:
        load_document(write(tmp_path / "scan.pdf", pdf_bytes([[], []])))
    assert_tells_what_to_do(caught.value, "keine Textebene", "OCR")


def test_pdf_page_without_text_keeps_the_numbers_of_the_others(tmp_path: Path) -> None:
    document = load_document(write(tmp_path / "teilscan.pdf", pdf_bytes([["Erste Seite"], [], ["Dritte Seite"]])))
    assert document.text == "Erste Seite\n\nDritte Seite"
    assert document.page_at(document.text.index("Dritte")) == 3


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (pdf_bytes(LETTER_PAGES)[:700], "unvollständig"),
        (random.Random(7).randbytes(3000), "beschädigt"),
        (b"%PDF-1.4\n" + random.Random(8).randbytes(3000) + b"\n%%EOF\n", "beschädigt"),
    ],
    ids=["truncated", "random-bytes", "garbage-between-markers"],
)
def test_corrupt_pdf_is_reported(tmp_path: Path, content: bytes, expected: str) -> None:
    with pytest.raises(UnreadableDocument) as caught:
        load_document(write(tmp_path / "defekt.pdf", content))
    assert_tells_what_to_do(caught.value, expected, "PDF")
    assert caught.value.__cause__ is not None


def test_password_protected_pdf_is_reported(tmp_path: Path) -> None:
    with pytest.raises(UnreadableDocument) as caught:
        load_document(write(tmp_path / "geheim.pdf", encrypted(pdf_bytes(LETTER_PAGES), "geheim")))
    assert_tells_what_to_do(caught.value, "passwortgeschützt")


@pytest.mark.parametrize("algorithm", ["RC4-128", "AES-256"])
def test_pdf_with_only_permission_restrictions_is_read(tmp_path: Path, algorithm: str) -> None:
    if algorithm.startswith("AES"):
        pytest.importorskip("cryptography", reason="pypdf needs `cryptography` for AES")
    path = write(tmp_path / "geschuetzt.pdf", encrypted(pdf_bytes(LETTER_PAGES), "", algorithm))
    assert "Maßnahmen folgen" in load_document(path).text


# ---------------------------------------------------------------- other failures


def test_unsupported_type_is_reported(tmp_path: Path) -> None:
    with pytest.raises(UnsupportedFileType) as caught:
        load_document(write(tmp_path / "tabelle.xlsx", b"PK\x03\x04 nicht lesbar"))
    assert_tells_what_to_do(caught.value, "„.xlsx“", "TXT, Markdown, HTML, PDF, DOCX oder E-Mail (.eml)")


def test_file_without_suffix_is_reported(tmp_path: Path) -> None:
    with pytest.raises(UnsupportedFileType) as caught:
        load_document(write(tmp_path / "LIESMICH", "Text"))
    assert_tells_what_to_do(caught.value, "ohne Endung")


@pytest.mark.parametrize("name", ["leer.txt", "leer.pdf", "leer.docx", "leer.eml"])
def test_zero_byte_file_is_empty(tmp_path: Path, name: str) -> None:
    with pytest.raises(EmptyDocument) as caught:
        load_document(write(tmp_path / name, b""))
    assert_tells_what_to_do(caught.value, "leer")


def test_file_with_only_whitespace_is_empty(tmp_path: Path) -> None:
    with pytest.raises(EmptyDocument) as caught:
        load_document(write(tmp_path / "leer.md", " \n\u00a0\n\u200b\n# \n"))
    assert_tells_what_to_do(caught.value, "keinen lesbaren Text")


def test_too_large_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DocumentTooLarge) as caught:
        load_document(write(tmp_path / "gross.txt", "x" * 2048), max_bytes=1024)
    assert_tells_what_to_do(caught.value, "höchstens", "teilen")


def test_missing_file_is_reported(tmp_path: Path) -> None:
    with pytest.raises(UnreadableDocument) as caught:
        load_document(tmp_path / "fehlt.pdf")
    assert caught.value.reason == "Die Datei wurde nicht gefunden."


def test_binary_garbage_with_text_suffix_is_unreadable(tmp_path: Path) -> None:
    with pytest.raises(UnreadableDocument) as caught:
        load_document(write(tmp_path / "daten.txt", random.Random(3).randbytes(4000)))
    assert_tells_what_to_do(caught.value, "keinen erkennbaren Text", "UTF-8")


# ---------------------------------------------------------------- discovery


def test_discover_walks_directories_and_keeps_explicit_files(tmp_path: Path) -> None:
    folder = tmp_path / "akten"
    for name in [
        "b.txt",
        "a.pdf",
        "D.HTML",
        "Unter/c.md",
        ".versteckt/x.txt",
        ".geheim.txt",
        "~$sperre.docx",
        "bericht.docx~",
        "tabelle.xlsx",
    ]:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        write(folder / name, "Text")
    explicit = write(tmp_path / "liste.xlsx", "Text")
    found = discover_files([folder, folder / "b.txt", explicit, folder / "Unter" / ".." / "a.pdf"])
    assert found == [folder / "a.pdf", folder / "b.txt", folder / "D.HTML", folder / "Unter" / "c.md", explicit]


def test_supported_suffixes_are_lower_case_with_dot() -> None:
    images = {".png", ".jpg", ".jpeg", ".tif", ".tiff"}  # read by text recognition (tests/test_ocr.py)
    assert {".txt", ".md", ".html", ".htm", ".pdf", ".docx", ".eml"} | images == SUPPORTED_SUFFIXES
