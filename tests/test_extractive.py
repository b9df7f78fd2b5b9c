"""Extractive drafts: every statement quotes its passage exactly, or the draft abstains plainly."""

from dataclasses import replace
from pathlib import Path

import pytest

from drafter.answer_text import render_sentence
from drafter.config import Settings
from drafter.extractive import ABSTENTION, draft_extractive
from drafter.knowledge_base import KnowledgeBase
from drafter.models import DraftStatus, SubQuestion
from drafter.pipeline import draft_inquiry, retrieve_evidence
from drafter.splitting import split_inquiry

from .conftest import KNOWLEDGE

pytestmark = pytest.mark.skipif(not (KNOWLEDGE / "documents").is_dir(), reason="knowledge/documents fehlt")


@pytest.fixture(scope="module")
def sample_kb(tmp_path_factory, embedder) -> KnowledgeBase:
    data_dir = tmp_path_factory.mktemp("kb")
    kb = KnowledgeBase(replace(Settings.from_env(), data_dir=data_dir), embedder)
    kb.ingest([KNOWLEDGE / "documents"])
    yield kb
    kb.close()


def test_a_draft_quotes_its_sources_exactly(sample_kb: KnowledgeBase):
    question = SubQuestion("1", "Welche Gebühr wird für ein Wunschkennzeichen erhoben?")
    answer = draft_extractive(question, retrieve_evidence(sample_kb, question), sample_kb.settings.min_evidence)
    assert answer.status == DraftStatus.DRAFTED
    assert "10,20 EUR" in answer.answer
    assert answer.citations
    for citation in answer.citations:
        assert citation.passage_text[citation.quote_start : citation.quote_end] == citation.quote
        assert f"[{citation.marker}]" in answer.answer
        assert sample_kb.chunk(citation.chunk_id).text == citation.passage_text


def test_every_statement_carries_a_citation_marker(sample_kb: KnowledgeBase):
    question = SubQuestion("2", "Wie viele Beschäftigte haben eine Vereinbarung über mobiles Arbeiten?")
    answer = draft_extractive(question, retrieve_evidence(sample_kb, question), sample_kb.settings.min_evidence)
    assert answer.sentences
    for sentence in answer.sentences:
        assert sentence.markers and render_sentence(sentence) in answer.answer


def test_no_basis_gives_a_plain_abstention_instead_of_an_unrelated_quote(sample_kb: KnowledgeBase):
    question = SubQuestion("3", "Wie haben sich die Preise für das Mittagessen in der Kantine entwickelt?")
    answer = draft_extractive(question, retrieve_evidence(sample_kb, question), sample_kb.settings.min_evidence)
    assert answer.status == DraftStatus.INSUFFICIENT_EVIDENCE
    assert answer.answer == ABSTENTION and not answer.citations


def test_the_answer_to_an_earlier_question_about_something_else_is_not_quoted(sample_kb: KnowledgeBase):
    """The reply on cycling and buses answers „Wie hat sich der Rufbus … entwickelt?“ with „Der Rufbus verkehrt seit …“:
    a date, but no word of it or of that question is about broadband."""
    question = SubQuestion("4", "Wann beginnt der geförderte Glasfaserausbau in Haselbach?")
    answer = draft_extractive(question, retrieve_evidence(sample_kb, question), sample_kb.settings.min_evidence)
    assert not any("Der Rufbus verkehrt" in c.quote for c in answer.citations)
    assert any("Baubeginn im Jahr 2026" in c.quote for c in answer.citations)


def test_a_figure_from_another_passage_is_quoted_only_when_it_is_about_the_question(sample_kb: KnowledgeBase):
    """The climate reply ranks third and its sentences hold numbers („Bei acht Gebäuden …“, „12 Dienstpedelecs“),
    but neither says how many staff work from home: quoted beside the answer, they read as part of it."""
    question = SubQuestion(
        "2b",
        "Wie viele Beschäftigte arbeiten auf Grundlage einer entsprechenden Vereinbarung ganz oder teilweise von zu "
        "Hause oder unterwegs?",
    )
    answer = draft_extractive(question, retrieve_evidence(sample_kb, question), sample_kb.settings.min_evidence)
    assert "536 der rund 1.080 Beschäftigten" in answer.sentences[0].text
    assert not any("Dienstpedelecs" in c.quote or "Dachsanierung" in c.quote for c in answer.citations)


def test_the_sample_inquiry_is_drafted_label_by_label(sample_kb: KnowledgeBase):
    text = (KNOWLEDGE / "inquiries" / "2026-anfrage-digitalisierung-fraktion.txt").read_text(encoding="utf-8")
    questions = split_inquiry(text)
    seen = []
    answers = draft_inquiry(sample_kb, questions, sample_kb.settings, on_answer=seen.append)
    assert [a.label for a in answers] == [q.label for q in questions] == [a.label for a in seen]
    by_label = {a.label: a for a in answers}
    assert by_label["3e"].status == DraftStatus.INSUFFICIENT_EVIDENCE  # canteen prices: nothing in the documents
    parking = by_label["2d"]  # visitor parking: no document mentions it, bicycle parking is no answer
    assert parking.status != DraftStatus.DRAFTED
    assert parking.status == DraftStatus.INSUFFICIENT_EVIDENCE or "‚Parkplätze‘" in parking.notice
    assert "536" in by_label["2b"].sentences[0].text  # mobile work: the newer figure leads
    assert "10,20 EUR" in by_label["1c"].answer  # the wish number plate's fee is quoted
    for answer in answers:
        assert answer.status == DraftStatus.INSUFFICIENT_EVIDENCE or answer.citations
        assert answer.status != DraftStatus.NEEDS_REVIEW or answer.notice  # every flag comes with its reason


def test_an_empty_knowledge_base_abstains(tmp_path: Path, embedder):
    kb = KnowledgeBase(replace(Settings.from_env(), data_dir=tmp_path / "leer"), embedder)
    question = SubQuestion("1", "Wie viele Online-Dienste gibt es?")
    assert draft_extractive(question, retrieve_evidence(kb, question), 0.3).status == DraftStatus.INSUFFICIENT_EVIDENCE
    kb.close()
