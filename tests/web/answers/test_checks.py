"""Each sentence checked against its passages, and each Prüfhinweis, on small answers made up here."""

from __future__ import annotations

from datetime import date

from drafter.extractive import ABSTENTION
from drafter.models import Chunk, ChunkKind, DocType, DocumentInfo, DraftSentence, SearchHit
from tests.web.answers.test_rules import GENERATED_BY_SABINE, seeded, session  # noqa: F401 (fixture)
from web.answers.checks import SentenceState, check_sentences, checked_paragraphs, plural, review_notes
from web.answers.sources import hit_explanation
from web.models import AnswerStatus, CitationRecord, RevisionOrigin

PASSAGE = "Derzeit können 142 Leistungen der Kreisverwaltung online beantragt werden. Weitere folgen 2027."


def cited(marker: int = 1, text: str = PASSAGE, **fields) -> CitationRecord:
    return CitationRecord(
        marker=marker,
        chunk_id=f"bericht:{marker:04d}",
        doc="bericht.txt",
        title="Bericht",
        passage_text=text,
        quote=text[:20],
        quote_start=0,
        quote_end=20,
        doc_date=fields.pop("doc_date", "2025-11-01"),
        other_authority=fields.pop("other_authority", False),
        superseded=fields.pop("superseded", False),
        doc_type=fields.pop("doc_type", "report"),
    )


def states(paragraphs, citations, machine=()) -> list[SentenceState]:
    return [c.state for paragraph in check_sentences(paragraphs, citations, machine) for c in paragraph]


def test_a_sentence_found_in_its_passage_is_belegt_exactly_or_with_small_changes():
    exact = DraftSentence("Derzeit können 142 Leistungen der Kreisverwaltung online beantragt werden.", [1])
    reworded = DraftSentence("Derzeit können 142 Leistungen der Kreisverwaltung online beantragt werden!", [1])
    assert states([[exact, reworded]], [cited()]) == [SentenceState.BELEGT, SentenceState.BELEGT]


def test_a_sentence_with_a_wrong_marker_or_a_changed_number_does_not_pass():
    other = cited(2, "Das Wunschkennzeichen kostet 10,20 Euro zuzüglich der Zulassungsgebühr.")
    wrong_marker = DraftSentence("Derzeit können 142 Leistungen der Kreisverwaltung online beantragt werden.", [2])
    changed_number = DraftSentence("Derzeit können 150 Leistungen der Kreisverwaltung online beantragt werden.", [1])
    unknown = DraftSentence("Derzeit können 142 Leistungen der Kreisverwaltung online beantragt werden.", [7])
    checks = check_sentences([[wrong_marker, changed_number, unknown]], [cited(), other])[0]
    assert [c.state for c in checks] == [SentenceState.BELEG_PASST_NICHT] * 3
    assert "nicht in der angegebenen Fundstelle" in checks[0].reason
    assert "„150“" in checks[1].reason
    assert "Fundstelle 7" in checks[2].reason


def test_a_date_mark_passes_unchecked_only_where_the_core_set_it():
    figure = "Derzeit können 142 Leistungen der Kreisverwaltung online beantragt werden."
    machine = [DraftSentence(figure, [1], note="Stand 11/2024")]
    kept = DraftSentence(figure, [1], note="Stand 11/2024")
    typed = DraftSentence(figure, [1], note="Stand 01/2026")  # typed by staff: a date the passage does not give
    (first, second) = check_sentences([[kept, typed]], [cited()], machine)[0]
    assert (first.state, first.sentence.note) == (SentenceState.BELEGT, "Stand 11/2024")
    assert second.state == SentenceState.BELEG_PASST_NICHT and second.sentence.text.endswith("(Stand 01/2026)")


def test_a_sentence_without_a_marker_is_ohne_beleg_with_what_to_do():
    (check,) = check_sentences([[DraftSentence("Das sehen wir anders.", [])]], [cited()])[0]
    assert check.state == SentenceState.OHNE_BELEG
    assert check.state.label_de == "ohne Beleg"
    assert "Fundstelle wie [1] anfügen" in check.reason


def test_an_unchanged_machine_sentence_keeps_the_check_the_core_made_but_an_edit_is_checked_again():
    paraphrase = DraftSentence("Online beantragen lassen sich 142 Leistungen.", [1])
    assert states([[paraphrase]], [cited()], machine=[paraphrase]) == [SentenceState.BELEGT]
    edited = DraftSentence("Online beantragen lassen sich 200 Leistungen.", [1])
    assert states([[edited]], [cited()], machine=[paraphrase]) == [SentenceState.BELEG_PASST_NICHT]


def test_a_save_stores_the_outcome_of_the_check_in_each_sentence():
    typed = [[DraftSentence("Weitere folgen 2027 nach dem Beschluss.", [1], verified=True)]]
    assert checked_paragraphs(typed, [cited()]) == [[DraftSentence(typed[0][0].text, [1], verified=False)]]


def test_german_plurals_and_thousands():
    assert plural(1, "Konto", "Konten") == "1 Konto"
    assert plural(2, "Konto", "Konten") == "2 Konten"
    assert plural(12345, "Wort", "Wörtern") == "12.345 Wörtern"


def notes_of(draft) -> list[str]:
    return [n.text for n in review_notes(draft, max_age_years=5, today=date(2026, 12, 1))]


def one_answer(sentences, *citations, revisions=GENERATED_BY_SABINE, question="Wie viele Leistungen gibt es?"):
    inquiry = seeded((AnswerStatus.DRAFT, revisions), sentences=sentences)
    draft = inquiry.questions[0].draft
    draft.question.text = question
    draft.citations.extend(citations)
    return draft


def test_the_abstention_is_a_blocking_note_first(session):  # noqa: F811
    draft = one_answer([[DraftSentence(ABSTENTION, [], verified=False)]])
    (first, *_) = review_notes(draft, max_age_years=5)
    assert first.blocking and "fachlich ergänzen" in first.text


def test_a_number_question_answered_without_a_number_is_noted(session):  # noqa: F811
    draft = one_answer([[DraftSentence("Die Leistungen werden ausgebaut.", [])]])
    assert any("Gefragt ist eine Zahl oder ein Betrag; kein Satz" in note for note in notes_of(draft))
    answered = one_answer([[DraftSentence("Es sind 142 Leistungen.", [])]])
    assert any("Gefragt ist eine Zahl oder ein Betrag; die Antwort enthält das." in note for note in notes_of(answered))


def test_sentences_without_or_with_a_wrong_source_are_counted(session):  # noqa: F811
    sentences = [[DraftSentence("Eins ohne Quelle.", [], False), DraftSentence("Zwei ohne Quelle.", [], False)]]
    assert any(n.startswith("2 Sätze ohne Beleg.") for n in notes_of(one_answer(sentences, cited())))
    wrong = [[DraftSentence("Die Kreisverwaltung plant 300 neue Leistungen bis 2030.", [1], verified=False)]]
    assert any("1 Satz, deren Beleg nicht passt" in n for n in notes_of(one_answer(wrong, cited())))
    good = [[DraftSentence("Derzeit können 142 Leistungen der Kreisverwaltung online beantragt werden.", [1])]]
    assert "Jeder Satz ist mit einer passenden Fundstelle belegt." in notes_of(one_answer(good, cited()))


def test_numbers_missing_from_the_sources_are_named(session):  # noqa: F811
    sentences = [[DraftSentence("Es sind 142 Leistungen, bald 310.", [1])]]
    assert any("„310“ steht in keiner zitierten Fundstelle" in n for n in notes_of(one_answer(sentences, cited())))


def test_sources_of_another_authority_and_old_sources_are_named(session):  # noqa: F811
    sentences = [[DraftSentence("Eins.", [1]), DraftSentence("Zwei.", [2])]]
    draft = one_answer(sentences, cited(1, other_authority=True), cited(2, doc_date="2019-03-01"))
    notes = notes_of(draft)
    assert any(n.startswith("Fundstelle [1] stammt von einer anderen Behörde") for n in notes)
    assert any(n.startswith("Fundstelle [2] ist älter als 5 Jahre") for n in notes)
    assert not any("[2] stammt" in n or "[1] ist älter" in n for n in notes)


def test_a_citizens_contribution_is_named_as_an_opinion_not_a_statement_of_the_authority(session):  # noqa: F811
    sentences = [[DraftSentence("Eins.", [1]), DraftSentence("Zwei.", [2])]]
    notes = notes_of(one_answer(sentences, cited(1), cited(2, doc_type=DocType.PARTICIPATION)))
    assert any(n.startswith("Fundstelle [2] ist ein Beitrag aus einer Bürgerbeteiligung") for n in notes)
    assert not any(n.startswith("Fundstelle [1]") for n in notes)


def test_a_source_from_a_superseded_document_is_named(session):  # noqa: F811
    sentences = [[DraftSentence("Eins.", [1]), DraftSentence("Zwei.", [2])]]
    notes = notes_of(one_answer(sentences, cited(1), cited(2, superseded=True)))
    assert any(n.startswith("Fundstelle [2] stammt aus einem als überholt markierten Dokument") for n in notes)
    assert not any("[1] stammt aus" in n for n in notes)


def test_the_unchanged_machine_draft_the_notice_and_the_length_are_noted(session):  # noqa: F811
    draft = one_answer([[DraftSentence("Wort " * 301 + "Ende.", [])]])
    draft.notice = "Die Quellen widersprechen sich."
    notes = notes_of(draft)
    assert "Hinweis des automatischen Entwurfs: Die Quellen widersprechen sich." in notes
    assert any(n.startswith("Unverändert übernommener automatischer Entwurf") for n in notes)
    assert any("302 Wörtern sehr lang" in n for n in notes)
    edited = one_answer(
        [[DraftSentence("Kurz.", [])]], revisions=[*GENERATED_BY_SABINE, ("sabine", RevisionOrigin.EDITED)]
    )
    assert not any("Unverändert" in n or "lang" in n for n in notes_of(edited))


def test_a_hit_is_explained_by_its_matched_keywords_and_a_similar_earlier_question():
    chunk = Chunk("a:1", "a", 0, "Frage: Wie viele?\nAntwort: Die E-Akte gilt für alle Organisationseinheiten.", 0, 60)
    chunk.kind, chunk.answer_start = ChunkKind.QA, 18
    document = DocumentInfo("a", "a.txt", "", "", "Antwort 2025", DocType.PAST_REPLY)
    hit = SearchHit(chunk=chunk, document=document, score=0.97, question_rank=0, keyword_score=8.2)
    query = "Seit wann nutzen alle Organisationseinheiten die E-Akte?"
    assert (
        hit_explanation(hit, query) == "Stichwörter: Organisationseinheiten, E-Akte · ähnlich formulierte frühere Frage"
    )
    unrelated = SearchHit(chunk=chunk, document=document, score=0.1)
    assert hit_explanation(unrelated, "Wunschkennzeichen Gebühr") == "weiterer Treffer der Suche"
