"""An answer's plain text with markers: written from the core's sentences, read back from what staff type."""

from __future__ import annotations

from drafter.extractive import ABSTENTION
from drafter.models import DraftSentence
from web.answers import answer_text


def test_text_is_written_with_markers_and_without_a_flag_for_unchecked_sentences():
    paragraphs = [[DraftSentence("Es sind 142.", [1, 2]), DraftSentence("Bald 200.", [], verified=False)]]
    assert answer_text.render(paragraphs) == "Es sind 142. [1][2] Bald 200."
    assert answer_text.render(paragraphs, markers=False) == "Es sind 142. Bald 200."


def test_typed_text_becomes_sentences_with_their_markers():
    typed = "Es sind 142 Leistungen. [1] [2] Bald werden es 200 sein. [unbelegt]\n\nNeuer Absatz ohne Beleg."
    assert answer_text.parse(typed) == [
        [DraftSentence("Es sind 142 Leistungen.", [1, 2]), DraftSentence("Bald werden es 200 sein.", [], False)],
        [DraftSentence("Neuer Absatz ohne Beleg.", [])],
    ]
    assert answer_text.markers_in(answer_text.parse(typed)) == {1, 2}


def test_the_abstention_is_recognised_in_any_sentence():
    kept = [[DraftSentence("Vorweg.", []), DraftSentence(ABSTENTION, [], verified=False)]]
    assert answer_text.holds_abstention(kept)
    assert not answer_text.holds_abstention([[DraftSentence("Es sind 142 Leistungen.", [1])]])


def test_rendered_text_reads_back_unchanged():
    paragraphs = [
        [DraftSentence("Zeile eins\nZeile zwei.", [3]), DraftSentence("Ohne Beleg.", [])],
        [DraftSentence("Zweiter Absatz.", [1])],
    ]
    assert answer_text.parse(answer_text.render(paragraphs)) == paragraphs
    assert answer_text.from_stored(answer_text.to_stored(paragraphs)) == paragraphs


def test_markers_before_any_text_are_kept():
    assert answer_text.render(answer_text.parse("[1] Danach Text.")) == "[1] Danach Text."


def test_stored_sentences_ignore_fields_the_web_app_does_not_store():
    stored = [[{"text": "Es sind 142.", "markers": [1], "verified": True, "reason": "neu im Kern"}]]
    assert answer_text.from_stored(stored) == [[DraftSentence("Es sind 142.", [1])]]
