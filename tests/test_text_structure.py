"""Sentences, question/answer pairs, passages and metadata: the structure drafting depends on."""

from pathlib import Path

import pytest

from drafter.chunking import chunk_document
from drafter.document_metadata import detect_doc_type, document_title, first_authority, first_date, parse_date
from drafter.models import ChunkKind, DocType, LoadedDocument
from drafter.qa_pairs import find_qa_pairs
from drafter.sentences import split_sentences

REPLY = """Kreisverwaltung Talbach

Ihre Anfrage vom 12. April 2024 nach dem Landestransparenzgesetz

Sehr geehrte Frau Beispiel,

hiermit erhalten Sie die erbetenen Informationen:

1) Online-Dienste:
1a) Wie viele Online-Dienste gibt es? Derzeit stehen 120 Online-Dienste zur Verfügung. Weitere sind in Planung.
1b) Werden Gebühren online bezahlt? Falls ja, wie? Ja, über die Plattform ePayBL per Kreditkarte oder PayPal.
2) Software:
2a) Wird Open-Source-Software eingesetzt? Ja, vor allem TYPO3 und Moodle.
2b) Gibt es Erfahrungsberichte? Bezugnehmend auf die Frage 2a) liegen positive Erfahrungen vor.

Mit freundlichen Grüßen
Ihre Kreisverwaltung Talbach
"""


def test_sentences_respect_german_abbreviations_dates_and_ordinals():
    text = (
        "Gem. § 2 Abs. 1 Nr. 3 LTranspG gilt dies z. B. seit dem 1. September 2022. Es sind rd. 4,0 Stellen "
        "im III. Quartal besetzt. Frau Dr. Müller bzw. Hr. Weber sind zuständig! Wie viele? Am 14.03.2024 kam es."
    )
    assert split_sentences(text) == [
        "Gem. § 2 Abs. 1 Nr. 3 LTranspG gilt dies z. B. seit dem 1. September 2022.",
        "Es sind rd. 4,0 Stellen im III. Quartal besetzt.",
        "Frau Dr. Müller bzw. Hr. Weber sind zuständig!",
        "Wie viele?",
        "Am 14.03.2024 kam es.",
    ]


def test_line_breaks_end_sentences_and_bullets():
    assert split_sentences("Überschrift ohne Punkt\n• erster Punkt\n• zweiter Punkt") == [
        "Überschrift ohne Punkt",
        "• erster Punkt",
        "• zweiter Punkt",
    ]


def test_reply_yields_each_answer_with_its_question_and_heading():
    pairs = {p.label: p for p in find_qa_pairs(REPLY)}
    assert list(pairs) == ["1a", "1b", "2a", "2b"]
    assert pairs["1a"].question == "Wie viele Online-Dienste gibt es?"
    assert pairs["1a"].answer == "Derzeit stehen 120 Online-Dienste zur Verfügung. Weitere sind in Planung."
    assert pairs["1b"].question == "Werden Gebühren online bezahlt? Falls ja, wie?"
    assert pairs["2a"].heading == "2) Software:"
    # a reference inside an answer is not a new item, and the closing formula is not part of the answer
    assert pairs["2b"].answer == "Bezugnehmend auf die Frage 2a) liegen positive Erfahrungen vor."


def test_questions_listed_first_and_answered_by_reference_are_paired():
    text = (
        "Anfrage der Fraktion\n\n1. Wie viele Ladepunkte gibt es?\n2. Wann kommt die Glasfaser?\n\n"
        "Antwort der Verwaltung:\n\nZu 1.: Es gibt derzeit 14 Ladepunkte.\n\nZu 2.: Der Ausbau beginnt 2026.\n"
    )
    pairs = find_qa_pairs(text)
    assert [(p.label, p.question, p.answer) for p in pairs] == [
        ("1", "Wie viele Ladepunkte gibt es?", "Es gibt derzeit 14 Ladepunkte."),
        ("2", "Wann kommt die Glasfaser?", "Der Ausbau beginnt 2026."),
    ]


def test_an_inquiry_without_answers_has_no_pairs():
    inquiry = "Wir fragen an:\n1. Wie viele Ladepunkte gibt es?\n2. Wann kommt die Glasfaser?\n3. Wer ist zuständig?\n"
    assert find_qa_pairs(inquiry) == []


def test_seed_reply_pairs_every_answer_and_ignores_the_request_part(seeds_dir: Path):
    text = next(seeds_dir.glob("000_*.txt")).read_text(encoding="utf-8")
    pairs = find_qa_pairs(text)
    labels = [p.label for p in pairs]
    assert labels == [
        "1a",
        "1b",
        "1c",
        "1d",
        "1e",
        "1f",
        "1g",
        "1h",
        "2a",
        "2b",
        "2c",
        "2d",
        "2e",
        "3a",
        "3b",
        "3c",
        "3d",
        "3e",
    ]
    assert all(p.answer and not p.answer.rstrip().endswith("?") for p in pairs)
    assert pairs[0].answer.startswith("Für bestimmte Projekte")


def _document(text: str) -> LoadedDocument:
    return LoadedDocument(path=Path("antwort.txt"), text=text, title="Antwort")


def test_passages_are_verbatim_slices_and_never_cut_a_sentence():
    body = " ".join(f"Satz Nummer {i} beschreibt die Digitalisierung der Verwaltung ausführlich." for i in range(60))
    text = f"Sachstandsbericht\n\n{body}\n\nZweiter Abschnitt\n\nKurzer Absatz zum Schluss."
    chunks = chunk_document(_document(text), "doc", 400)
    assert len(chunks) > 3
    for chunk in chunks:
        assert text[chunk.char_start : chunk.char_end] == chunk.text
        assert chunk.text.endswith((".", "Schluss.")) or chunk.text.endswith("Abschnitt")
        assert len(chunk.text) <= 2 * 400
    assert chunks[-1].heading == "Zweiter Abschnitt"


def test_answered_questions_become_one_passage_each():
    chunks = chunk_document(_document(REPLY), "doc", 700)
    qa = [c for c in chunks if c.kind == ChunkKind.QA]
    assert [c.label for c in qa] == ["1a", "1b", "2a", "2b"]
    assert qa[0].text.startswith("1a) Wie viele Online-Dienste gibt es?")
    assert qa[0].answer == "Derzeit stehen 120 Online-Dienste zur Verfügung. Weitere sind in Planung."
    assert [c.chunk_id for c in chunks] == [f"doc:{i:04d}" for i in range(len(chunks))]


def test_a_cut_inside_a_paragraph_repeats_the_last_sentence():
    sentences = [f"Der Koordinator Nummer {i} unterstützt die Gemeinden bei der Digitalisierung." for i in range(12)]
    sentences.append("Dieser begleitet seither die Kommunen.")
    text = " ".join(sentences)
    chunks = chunk_document(_document(text), "doc", 300)
    last = next(c for c in chunks if "Dieser begleitet" in c.text)
    assert last.text.startswith("Der Koordinator Nummer")


@pytest.mark.parametrize(
    ("text", "has_answers", "expected"),
    [
        (REPLY, True, DocType.PAST_REPLY),
        ("Niederschrift über die Sitzung\nTOP 3 Digitalisierung\nBeschluss: einstimmig", False, DocType.MINUTES),
        ("Sachstandsbericht Digitalisierung\nSachverhalt: Der Kreistag nimmt zur Kenntnis", False, DocType.REPORT),
        ("Anfrage der Fraktion\nWir fragen an:\n1. Wie viele?", False, DocType.INQUIRY),
        ("Einkaufsliste: Brot, Milch", False, DocType.OTHER),
        (
            "Pressemitteilung\nTalbach, 19.03.2025\nDer Landkreis startet neue Online-Dienste.",
            False,
            DocType.PRESS_RELEASE,
        ),
        (
            "Betreff: AW: Breitband in Hasselbach\nSehr geehrter Herr Beispiel,\nder Ausbau beginnt 2026.",
            False,
            DocType.PAST_REPLY,
        ),
        (
            "Bürgerdialog Radverkehr\n• Zeitraum 01.03.2025 bis 30.04.2025\n12 Beiträge\n7 Kommentare\n"
            "Bringen Sie Ihre Ideen ein!\nRadweg nach Eichtal\nIch fahre täglich und wünsche mir einen Radweg.",
            False,
            DocType.PARTICIPATION,
        ),
        (
            "Sachstandsbericht Bürgerbeteiligung\nSachverhalt: Im Bürgerdialog gingen 12 Beiträge ein.",
            False,
            DocType.REPORT,
        ),
    ],
)
def test_document_type_is_recognised_from_its_form(text, has_answers, expected):
    assert detect_doc_type(text, has_answers=has_answers) == expected


def test_dates_and_authorities_are_found():
    assert first_date(REPLY) == "2024-04-12"
    assert first_date("Sitzung am 14.03.2024, Vorlage vom 1. März 2024") == "2024-03-14"
    assert first_date("kein Datum, nur 99.99.9999") is None
    assert parse_date("2025-06-30") == "2025-06-30"
    assert first_authority(REPLY) == "Kreisverwaltung Talbach"


def test_a_single_digit_before_a_full_stop_ends_the_sentence():
    text = "Hinzugekommen sind die Referate der Abteilung 5. Seit dem 4. November 2024 gilt das. Frau A. Müller kam."
    assert split_sentences(text) == [
        "Hinzugekommen sind die Referate der Abteilung 5.",
        "Seit dem 4. November 2024 gilt das.",
        "Frau A. Müller kam.",
    ]


def test_a_line_wrapped_by_the_page_layout_does_not_end_the_sentence():
    text = (
        "Die Kreisverwaltung hat im Jahr 2025 insgesamt zwölf Fachverfahren an die zentrale\n"
        "Plattform angebunden; die übrigen folgen nach Bereitstellung der Schnittstellen der\n"
        "Hersteller. Die Anbindung ist für 2026 vorgesehen.\n"
        "Ausblick\n"
        "• erster Punkt"
    )
    assert split_sentences(text) == [
        "Die Kreisverwaltung hat im Jahr 2025 insgesamt zwölf Fachverfahren an die zentrale\n"
        "Plattform angebunden; die übrigen folgen nach Bereitstellung der Schnittstellen der\nHersteller.",
        "Die Anbindung ist für 2026 vorgesehen.",
        "Ausblick",
        "• erster Punkt",
    ]


def test_a_paragraph_whose_first_line_ends_short_inside_a_sentence_is_not_cut_there():
    text = (
        "Die Anbindung der Fachverfahren an die zentrale Plattform des Landes ist im Jahr 2025 in allen\n"
        "Ämtern der Kreisverwaltung abgeschlossen worden; die Schnittstellen der Hersteller stehen seitdem\n"
        "für den Datenaustausch zur Verfügung, und die Beschäftigten wurden in allen Ämtern geschult.\n"
        "\n"
        "Nach Auskunft des Landes hat die Anbindung Priorität. In einer zweiten\n"
        "Runde sollen die Schulen angeschlossen werden, danach die Außenstellen.\n"
    )
    assert split_sentences(text)[1:] == [
        "Nach Auskunft des Landes hat die Anbindung Priorität.",
        "In einer zweiten\nRunde sollen die Schulen angeschlossen werden, danach die Außenstellen.",
    ]


def test_a_table_row_never_labels_the_passages_after_it():
    body = " ".join(f"Satz {i} berichtet über die Haushaltsmittel für Schulen im Landkreis." for i in range(12))
    text = f"Haushalt der Schulen\n\n{body}\n\nSumme | 158 | 162\n2023 1.297 2024 1.345\n\n{body}"
    chunks = chunk_document(_document(text), "doc", 300)
    assert {c.heading for c in chunks} == {"Haushalt der Schulen"}


@pytest.mark.parametrize(
    ("text", "title"),
    [
        (
            "Kreisverwaltung Talbach\nPostfach 12 34, 56789 Talbach\n\nBetreff: Ihre Anfrage zur Digitalisierung\n\n"
            "Sehr geehrte Frau Beispiel,",
            "Ihre Anfrage zur Digitalisierung",
        ),
        (
            "KREISVERWALTUNG TALBACH\nDer Landrat\nTalbach, 30.09.2025\n\nSachstandsbericht Digitalisierung 2025\n\n"
            "Die Kreisverwaltung hat …",
            "Sachstandsbericht Digitalisierung 2025",
        ),
        (
            "Kreisverwaltung Talbach\nAbteilung 3 – Ordnung und Verkehr\nReferat 32 – Zulassungsstelle\n\n"
            "Herrn\nMax Beispiel\nper E-Mail: max@example.org\n\nAktenzeichen: 32-041/23\nTalbach, 10. Oktober 2023\n\n"
            "Ihr Antrag auf Informationszugang vom 18. September 2023\n\nSehr geehrter Herr Beispiel,",
            "Ihr Antrag auf Informationszugang vom 18. September 2023",
        ),
        (
            "Pressemitteilung\n\nKreisverwaltung Talbach – Pressestelle\nTalbach, 18. März 2025 – Nr. 031/2025\n\n"
            "Neue Ladesäulen am Kreishaus\n\nAb Montag können Besucherinnen und Besucher laden.",
            "Neue Ladesäulen am Kreishaus",
        ),
        (
            "STADT MUSTERSTADT\nDer Oberbürgermeister\n\nSTELLUNGNAHME zur Anfrage\nStadträtin Erika Muster (XY)\n\n"
            "vom: 01.02.2020\nGremium:\nHauptausschuss Musterstadt\nTermin:\nTOP:\n12.03.2020\n12\nöffentlich\n"
            "Dez. 1\nSanierung der Sporthalle am Lindenweg\n\n1. Wann beginnt die Sanierung?",
            "Sanierung der Sporthalle am Lindenweg",
        ),
        (
            "Landtag – 19. Wahlperiode Drucksache 19/100\n\nKleine Anfrage zur schriftlichen Beantwortung\n"
            "gemäß § 46 Abs. 1 GO LT\nmit Antwort der Landesregierung\nAnfrage der Abgeordneten Erika Muster (XY)\n"
            "Antwort des Ministeriums für Verkehr\nnamens der Landesregierung\n"
            "Zustand der Landesstraße 12 zwischen Adorf und\nBdorf\nAnfrage der Abgeordneten Erika Muster (XY), "
            "eingegangen am 03.06.2026",
            "Zustand der Landesstraße 12 zwischen Adorf und Bdorf",
        ),
        (
            "Niederschrift\nüber die 3. Sitzung des Kreisausschusses\nam Montag, 3. März 2025\n\nBeginn: 17:00 Uhr",
            "Niederschrift über die 3. Sitzung des Kreisausschusses",
        ),
        ("Haushaltsplan 2025\n\nDer Kreistag hat den Haushaltsplan beschlossen.", "Haushaltsplan 2025"),
        ("Digitalisierung: Stand 2025\n\nDer Kreis hat 158 Dienste online.", "Digitalisierung: Stand 2025"),
        (
            "Stadtrat beschließt neuen Haushalt\n\nDer Stadtrat hat den Haushalt beschlossen.",
            "Stadtrat beschließt neuen Haushalt",
        ),
        (
            "Pressemitteilung\nvom 3. März 2025\n\nNeue Ladesäulen am Kreishaus eröffnet\n\n"
            "Ab Montag können Besucherinnen und Besucher laden.",
            "Neue Ladesäulen am Kreishaus eröffnet",
        ),
        (
            "Kreisverwaltung Talbach\n\nSanierung der Sporthalle am Lindenweg\n\nMax Mustermann\nHauptstraße 5\n"
            "56789 Talbach\n\nSehr geehrter Herr Mustermann,",
            "Sanierung der Sporthalle am Lindenweg",
        ),
        (
            "Landkreis Talbach\nAntwort der Verwaltung zur Anfrage über sichere Schulwege\n\nDie Verwaltung prüft …",
            "Antwort der Verwaltung zur Anfrage über sichere Schulwege",
        ),
    ],
)
def test_a_title_names_the_subject_not_the_letterhead_the_addressee_or_the_form(text, title):
    assert document_title(text) == title
