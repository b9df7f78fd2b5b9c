"""Marking the words of a passage that a search matched: by stem, never more than the text, nothing lost."""

from __future__ import annotations

from drafter.retrieval.highlight import highlight_terms


def marked(text: str, query: str) -> list[str]:
    return [piece for piece, matched in highlight_terms(text, query) if matched]


def test_inflected_and_umlauted_forms_of_the_query_words_are_marked():
    text = "Die Organisationseinheit führt die E-Akte; alle Organisationseinheiten arbeiten damit."
    assert marked(text, "Welche Organisationseinheiten nutzen die E-Akte?") == [
        "Organisationseinheit",
        "Akte",
        "Organisationseinheiten",
    ]
    assert marked("Zwei Arbeitsplätze, ein Arbeitsplatz.", "Arbeitsplatz") == ["Arbeitsplätze", "Arbeitsplatz"]


def test_stop_words_question_words_and_compound_parts_are_not_marked():
    text = "Welche Plätze gibt es? Die Kreisverwaltung hat 12 Arbeitsplätze."
    assert marked(text, "Welche Arbeitsplätze gibt es in der Verwaltung?") == ["Arbeitsplätze"]


def test_the_pieces_join_to_the_text_unchanged():
    text = "Gebühr <b>30 €</b> für das Wunschkennzeichen & mehr\n\nZweiter Absatz."
    pieces = highlight_terms(text, "Gebühr Wunschkennzeichen 30")
    assert "".join(piece for piece, _ in pieces) == text
    assert [p for p, m in pieces if m] == ["Gebühr", "30", "Wunschkennzeichen"]
    assert highlight_terms(text, "und oder") == [(text, False)]  # only stop words: nothing to mark
