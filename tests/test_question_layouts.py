"""Layouts of real council and FOI inquiries, each on a short invented text (Landkreis Talbach).

Labels are the ones the inquiry printed, a section heading becomes the group, and what asks
nothing (titles, statements, quotations, formulas) never becomes a question.
"""

from __future__ import annotations

import pytest

from drafter.errors import EmptyInquiry
from drafter.splitting import split_inquiry


def labelled(text: str) -> list[tuple[str, str]]:
    return [(q.label, q.text) for q in split_inquiry(text)]


def test_section_letters_without_dot_group_numbering_that_restarts_in_each_section():
    text = (
        "A Radverkehr im Kreisgebiet\n\n"
        "1. Wie viele Kilometer Radwege gibt es?\n2. Wie viele sind beleuchtet?\n\n"
        "B Schulwege\n\n"
        "1. Wie viele Schulwege gelten als gefährlich?\n"
    )

    assert [(q.label, q.group) for q in split_inquiry(text)] == [
        ("1", "A Radverkehr im Kreisgebiet"),
        ("2", "A Radverkehr im Kreisgebiet"),
        ("1", "B Schulwege"),
    ]


def test_a_numbered_statement_is_no_question_and_its_decimal_questions_keep_their_labels():
    text = (
        "1. Nach dem Kreistagsbeschluss vom 3. Mai 2023 sollen bis 2025 zwölf Ladepunkte entstehen.\n"
        "1.1 Wie viele Ladepunkte sind bisher gebaut?\n"
        "1.2. Falls weniger als zwölf: Weshalb nicht?\n"
        "1.3.Wann werden die übrigen fertig?\n\n"
        "2. Der Kreistag hat zudem einen Carsharing-Versuch beschlossen.\n"
        "2.1 Wie viele Fahrzeuge stehen zur Verfügung?\n"
    )

    assert labelled(text) == [
        ("1.1", "Wie viele Ladepunkte sind bisher gebaut?"),
        ("1.2", "Falls weniger als zwölf: Weshalb nicht?"),
        ("1.3", "Wann werden die übrigen fertig?"),
        ("2.1", "Wie viele Fahrzeuge stehen zur Verfügung?"),
    ]
    assert all(q.group is None for q in split_inquiry(text))


def test_gaps_in_decimal_numbering_and_decimals_without_their_number_heading():
    text = (
        "1. Die Kreisstraße K 7 ist seit Jahren sanierungsbedürftig.\n"
        "1.2 Wann beginnt die Sanierung?\n"
        "1.3 Falls nicht 2025: Weshalb nicht?\n\n"
        "2.1 Welche Umleitung ist geplant?\n"
        "2.2 Wie lange dauert die Sperrung?\n\n"
        "3. Zur Finanzierung\n"
        "3.1 Welche Fördermittel sind beantragt?\n"
    )

    assert [q.label for q in split_inquiry(text)] == ["1.2", "1.3", "2.1", "2.2", "3.1"]
    assert split_inquiry(text)[-1].group == "3. Zur Finanzierung"


def test_capital_letters_run_on_past_h_rather_than_starting_roman_numbers():
    letters = "ABCDEFGHIJ"
    text = "\n".join(f"{c}. Wie viele Anträge gingen im Monat {n} ein?" for n, c in enumerate(letters, 1)) + "\n"

    assert [q.label for q in split_inquiry(text)] == list(letters)


def test_roman_numbered_questions():
    text = "I. Wann wird die Brücke saniert?\nII. Was kostet die Sanierung?\nIII. Wer trägt die Kosten?\n"

    assert [q.label for q in split_inquiry(text)] == ["I", "II", "III"]


def test_labelled_follow_ups_of_a_question_join_its_label():
    text = (
        "A. Hält der Landkreis am Neubau des Kreishauses fest?\n\n"
        "1. Falls nein, welche Alternativen werden geprüft?\n\n"
        "2. Werden die Bürgerinnen und Bürger beteiligt?\n\n"
        "B. Wann entscheidet der Kreistag?\n"
    )

    assert [q.label for q in split_inquiry(text)] == ["A", "A.1", "A.2", "B"]


def test_sub_items_that_finish_the_question_stay_inside_it():
    text = (
        "1. Wie viele Busse fahren täglich?\n\n"
        "2. Welche Ausnahmen vom Fahrverbot gibt es für Bürgerinnen und Bürger\n\n"
        "a) für privat genutzte Fahrzeuge?\n"
        "b) für Lieferfahrzeuge?\n\n"
        "3. Wie lange ist die Wartezeit auf einen Termin bei:\n\n"
        "a) der Zulassungsstelle?\n"
        "b) der Führerscheinstelle?\n\n"
        "und mit welchem Ergebnis wurde sie verkürzt?\n\n"
        "4. Werden die Ausnahmen befristet?\n\n"
        "a) Wenn ja, für wie lange?\n"
    )

    questions = split_inquiry(text)

    assert [q.label for q in questions] == ["1", "2", "3", "4", "4a"]
    assert questions[1].text == (
        "Welche Ausnahmen vom Fahrverbot gibt es für Bürgerinnen und Bürger a) für privat genutzte Fahrzeuge? "
        "b) für Lieferfahrzeuge?"
    )
    assert questions[2].text.endswith("b) der Führerscheinstelle? und mit welchem Ergebnis wurde sie verkürzt?")


def test_double_letters_under_an_unfinished_lettered_question():
    text = (
        "1. Sieht der Landkreis Handlungsbedarf bei der Pflege?\n\n"
        "a) Welche Maßnahmen ergeben sich daraus in Bezug auf\n\n"
        "aa) die Kurzzeitpflege?\n"
        "ab) die Tagespflege?\n"
    )

    assert labelled(text) == [
        ("1", "Sieht der Landkreis Handlungsbedarf bei der Pflege?"),
        ("1a", "Welche Maßnahmen ergeben sich daraus in Bezug auf aa) die Kurzzeitpflege? ab) die Tagespflege?"),
    ]


def test_unlabelled_follow_up_paragraphs_stay_with_the_question_before_them():
    text = (
        "1. Vergleicht der Landkreis seine Wartezeiten mit anderen Landkreisen?\n\n"
        "Mit welchem Ergebnis?\n\n"
        "Wenn nein, warum nicht?\n\n"
        "2. Wie viele Stellen sind unbesetzt?\n\n"
        "Ist das hinnehmbar? Wir meinen nein.\n\n"
        "Begründung:\nDie Wartezeiten sind lang. Ist das hinnehmbar?\n"
    )

    assert labelled(text) == [
        (
            "1",
            "Vergleicht der Landkreis seine Wartezeiten mit anderen Landkreisen? Mit welchem Ergebnis? "
            "Wenn nein, warum nicht?",
        ),
        ("2", "Wie viele Stellen sind unbesetzt?"),
    ]


def test_a_note_in_brackets_after_the_question_belongs_to_it():
    text = (
        "1.1. Warum steigen die erwarteten Gebühren um 20 %? (Hinweis: Die Zahl der Haushalte ist\n"
        "gleich geblieben. Die Kosten sind gesunken.)\n"
        "1.2. Wann wird die Satzung geändert?\n"
    )

    assert split_inquiry(text)[0].text == (
        "Warum steigen die erwarteten Gebühren um 20 %? (Hinweis: Die Zahl der Haushalte ist gleich geblieben. "
        "Die Kosten sind gesunken.)"
    )


def test_a_question_cut_by_a_page_break_stays_whole():
    text = (
        "1. Beabsichtigt der Landkreis zu prüfen, weshalb die damals geäußerte\n\n"
        "Bitte nicht in den Vertrag aufgenommen wurde?\n"
        "2. Falls nein: Weshalb nicht?\n"
    )

    assert labelled(text)[0] == (
        "1",
        "Beabsichtigt der Landkreis zu prüfen, weshalb die damals geäußerte Bitte nicht in den Vertrag "
        "aufgenommen wurde?",
    )


def test_a_numbered_question_without_question_mark_counts_a_numbered_statement_does_not():
    text = (
        "1. Wie hoch sind die Essenspreise in den Kitas von\n  Landkreis\n  freien Trägern\n"
        "2. Welchen Stellenwert hat gesunde Ernährung für den Landkreis.\n"
        "3. Der Landkreis hat dazu Leitlinien beschlossen:\n- Regionalität\n- Qualität\n"
        "4. Wie werden die Leitlinien umgesetzt?\n"
    )

    assert [q.label for q in split_inquiry(text)] == ["1", "2", "4"]


def test_a_numbered_line_of_the_letterhead_does_not_rename_the_first_question():
    text = "ANFRAGE\n\n1. Plenarsitzung des Kreistags\n\n1. Wann kommt der Radweg?\n2. Wer zahlt ihn?\n"

    assert [q.label for q in split_inquiry(text)] == ["1", "2"]


def test_a_repeated_number_keeps_its_printed_label():
    text = (
        "1. Wie viele Kitas gibt es?\n2. Wie viele Plätze sind frei?\n3. Gibt es Wartelisten?\n"
        "2. Wenn ja, in welchen Gemeinden?\n3. Wann werden neue Kitas gebaut?\n4. Wer baut sie?\n"
    )

    assert [q.label for q in split_inquiry(text)] == ["1", "2", "3", "2 (2)", "3 (2)", "4"]


def test_a_quoted_question_of_an_earlier_inquiry_is_not_a_question():
    text = (
        "1. Wie viele Stellen hat die Ausländerbehörde?\n"
        "2. Wie lange sind die Wartezeiten?\n\n"
        "In ihrer Antwort auf unsere Anfrage vom 3. Mai 2020 hat die Verwaltung auf die Frage\n"
        "8. Welche Qualitätsziele gibt es?\n"
        "geantwortet, es gebe keine.\n\n"
        "3. Gibt es inzwischen Qualitätsziele?\n"
    )

    assert labelled(text) == [
        ("1", "Wie viele Stellen hat die Ausländerbehörde?"),
        ("2", "Wie lange sind die Wartezeiten?"),
        ("3", "Gibt es inzwischen Qualitätsziele?"),
    ]


def test_a_title_with_a_question_mark_is_not_a_numbered_question():
    text = "Wie geht es weiter mit der Kreisstraße K 7?\n\n1. Wann beginnt die Sanierung?\n2. Was kostet sie?\n"

    assert [q.label for q in split_inquiry(text)] == ["1", "2"]


@pytest.mark.parametrize(
    ("opening", "question"),
    [
        ("Betreff: Wann kommt der Radweg nach Oberdorf?", "bitte teilen Sie mir mit, bis wann er fertig wird."),
        ("Radweg Oberdorf – wie geht es weiter?", "ich bitte um Übersendung des Zeitplans für den Radweg."),
    ],
    ids=["betreff", "titel"],
)
def test_subject_lines_and_titles_of_an_e_mail_are_not_questions(opening, question):
    text = f"{opening}\n\nSehr geehrter Herr Landrat,\n\n{question}\n\nMit freundlichen Grüßen\nMax Muster\n"

    assert labelled(text) == [("1", question)]


def test_quoted_questions_of_others_in_an_e_mail_are_not_questions():
    text = (
        "Sehr geehrte Damen und Herren,\n\n"
        "die Zeitung fragte am Montag „Wann kommt endlich der Radweg?“ und berichtete über Verzögerungen.\n"
        "Ich bitte um Übersendung des Zeitplans für den Radweg nach Oberdorf.\n\n"
        "Mit freundlichen Grüßen\nErika Beispiel\n"
    )

    assert labelled(text) == [("1", "Ich bitte um Übersendung des Zeitplans für den Radweg nach Oberdorf.")]


def test_the_message_an_e_mail_quotes_is_not_asked_again():
    text = (
        "Hallo,\n\nwann wird die Straße wieder geöffnet?\n\n"
        "Am 3. März 2024 um 10:12 schrieb Landratsamt Talbach:\n"
        "Wie viele Fahrzeuge nutzen die Straße täglich?\n"
    )

    assert labelled(text) == [("1", "wann wird die Straße wieder geöffnet?")]


def test_the_opening_formula_of_a_request_is_not_a_question():
    text = (
        "Sehr geehrte Damen und Herren,\n\n"
        "hiermit beantrage ich nach dem Landestransparenzgesetz Auskunft zu den folgenden Punkten.\n\n"
        "Zunächst möchte ich wissen, ob der Landkreis Ladepunkte betreibt.\n\n"
        "Mit freundlichen Grüßen\nJan Beispiel\n"
    )

    assert labelled(text) == [("1", "Zunächst möchte ich wissen, ob der Landkreis Ladepunkte betreibt.")]


@pytest.mark.parametrize(
    "request_text",
    [
        "Die Fraktion bittet Sie, in der nächsten Sitzung den gegenwärtigen Sachstand darzulegen.",
        "Die Verwaltung wird gebeten, dem Kreistag zu berichten, ob die Förderung bewilligt ist.",
        "Ich bitte um Übersendung des Gutachtens zur Sanierung der Kreisstraße.",
        "Bitte teilen Sie mir mit, wann das Gutachten vorliegt.",
    ],
    ids=["bittet-sie-darzulegen", "zu-berichten-ob", "bitte-um-uebersendung", "bitte-teilen-sie-mit"],
)
def test_a_request_in_prose_without_question_mark_is_a_question(request_text):
    text = (
        "Sehr geehrter Herr Ortsvorsteher,\n\nder Bebauungsplan wurde vom Gericht aufgehoben.\n\n"
        f"{request_text} Dazu wäre es nötig, das Fachamt einzuladen.\n\nMit freundlichen Grüßen\nHans Meier\n"
    )

    assert labelled(text) == [("1", request_text)]


def test_a_letter_that_asks_nothing_still_finds_no_question():
    text = "Sehr geehrte Damen und Herren,\n\nanbei der Bericht zur Sitzung.\n\nMit freundlichen Grüßen\nHans Meier\n"

    with pytest.raises(EmptyInquiry, match="keine Frage gefunden"):
        split_inquiry(text)
