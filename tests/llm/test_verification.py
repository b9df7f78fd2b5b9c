"""A quote counts only where it stands in the passage, and a number only where the passage has it."""

from __future__ import annotations

from drafter.llm.verification import locate_quote, unsupported_numbers

PASSAGE = (
    "Antwort: Im Jahr 2023 sind beim Landratsamt 42 Anträge nach dem\n"
    "Landestransparenzgesetz eingegangen.  Davon wurden 37 Anträge vollständig bewilligt; "
    "die Gebühren betrugen nach § 24 LTranspG insgesamt 1.250 Euro (Stand 14.03.2024)."
)


def span(match):
    return PASSAGE[match.start : match.end]


def test_exact_quote_is_found_with_offsets():
    match = locate_quote("Davon wurden 37 Anträge vollständig bewilligt", PASSAGE)

    assert match.score == 100
    assert span(match) == "Davon wurden 37 Anträge vollständig bewilligt"


def test_quote_with_other_whitespace_and_quotation_marks_is_found():
    match = locate_quote("„42 Anträge nach dem Landestransparenzgesetz eingegangen.“", PASSAGE)

    assert match.score == 100
    assert span(match) == "42 Anträge nach dem\nLandestransparenzgesetz eingegangen."


def test_quote_with_a_small_slip_is_found_fuzzily():
    match = locate_quote("Davon wurden 37 Antrage vollstandig bewilligt", PASSAGE)

    assert match is not None and 90 <= match.score < 100
    assert "vollständig bewilligt" in span(match)


def test_invented_or_too_short_quotes_are_not_found():
    assert locate_quote("Alle Anträge wurden wegen Geheimhaltung abgelehnt", PASSAGE) is None
    assert locate_quote("Anträge", PASSAGE) is None
    assert locate_quote(PASSAGE + " Und noch ein erfundener Nachsatz.", PASSAGE) is None


def test_numbers_must_occur_in_the_evidence():
    assert unsupported_numbers("Es wurden 37 Anträge bewilligt.", [PASSAGE]) == []
    assert unsupported_numbers("Es wurden 39 Anträge bewilligt.", [PASSAGE]) == ["39"]
    assert unsupported_numbers("Die Gebühren betrugen 1250 Euro.", [PASSAGE]) == []
    assert unsupported_numbers("Die Gebühren betrugen 1.520 Euro.", [PASSAGE]) == ["1520"]
    assert unsupported_numbers("Gebühren nach § 25 LTranspG.", [PASSAGE]) == ["25"]
    assert unsupported_numbers("Stand: 14.03.2024.", [PASSAGE]) == []
    assert unsupported_numbers("Stand: 15.03.2024.", [PASSAGE]) == ["15.03.2024"]
    assert unsupported_numbers("Im Jahr 2024 galt das.", [PASSAGE]) == []
