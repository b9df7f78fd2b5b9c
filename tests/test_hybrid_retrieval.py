"""How the hybrid retriever fuses its rankings: the size of a lead counts, not only the order."""

from dataclasses import replace
from pathlib import Path

import pytest

from drafter.config import Settings
from drafter.knowledge_base import KnowledgeBase
from drafter.retrieval.hybrid import Rankings

# Three passages that contain the query's words equally, so that only the rankings decide.
PASSAGES = {
    "a.txt": "Der Kreis betreibt Ladepunkte an der Kreisverwaltung in Talbach.",
    "b.txt": "Ladepunkte betreibt der Kreis an der Kreisverwaltung in Talbach.",
    "c.txt": "An der Kreisverwaltung in Talbach betreibt der Kreis Ladepunkte.",
}
QUERY = "Ladepunkte der Kreisverwaltung"


@pytest.fixture
def kb(tmp_path: Path, embedder) -> KnowledgeBase:
    folder = tmp_path / "docs"
    folder.mkdir()
    for name, text in PASSAGES.items():
        (folder / name).write_text(text, encoding="utf-8")
    base = KnowledgeBase(replace(Settings.from_env(), data_dir=tmp_path / "data"), embedder)
    assert base.ingest([folder]).ok
    yield base
    base.close()


def chunk_of(kb: KnowledgeBase, name: str) -> str:
    document = next(d for d in kb.documents() if d.name == name)
    return kb.chunks(document.doc_id)[0].chunk_id


def fused_order(kb: KnowledgeBase, rankings: Rankings, **settings) -> list[str]:
    retriever = kb.retriever
    retriever.settings = replace(retriever.settings, **settings)
    return [hit.document.name for hit in retriever.fuse(QUERY, rankings, kb._documents(), 3)]


def test_a_near_tie_in_keywords_is_decided_by_a_clear_dense_lead(kb: KnowledgeBase):
    a, b, c = (chunk_of(kb, name) for name in PASSAGES)
    rankings = Rankings(
        dense=[(b, 0.90), (a, 0.20), (c, 0.10)],  # b is far more similar in meaning
        keyword=[(a, 10.0), (b, 9.9), (c, 1.0)],  # a leads on keywords by a hair
        question=[],
    )
    assert fused_order(kb, rankings)[0] == "b.txt"
    assert fused_order(kb, rankings, score_share=0.0)[0] == "a.txt", "rank fusion alone cannot see the margins"


def test_a_clear_keyword_lead_survives_a_small_dense_preference(kb: KnowledgeBase):
    a, b, c = (chunk_of(kb, name) for name in PASSAGES)
    rankings = Rankings(
        dense=[(b, 0.52), (a, 0.51), (c, 0.10)],
        keyword=[(a, 10.0), (b, 2.0), (c, 1.0)],
        question=[],
    )
    assert fused_order(kb, rankings)[0] == "a.txt"
    hit = kb.retriever.fuse(QUERY, rankings, kb._documents(), 1)[0]
    assert (hit.keyword_rank, hit.keyword_score, hit.dense_rank) == (1, 10.0, 2)  # the scores stay explainable


def test_a_passage_with_every_word_of_the_question_counts_as_full_evidence(tmp_path: Path, embedder):
    """The compound splitter guesses „Abtei|lungen“ for „Abteilungen“: parts no passage uses must not make a
    passage that holds the whole word look as if it missed the question's rarest term."""
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "akte.txt").write_text(
        "In jeder Abteilung arbeitet die Kreisverwaltung mit der elektronischen Akte.", encoding="utf-8"
    )
    (folder / "rad.txt").write_text("Der Landkreis baut Radwege an den Kreisstraßen aus.", encoding="utf-8")
    base = KnowledgeBase(replace(Settings.from_env(), data_dir=tmp_path / "data"), embedder)
    try:
        assert base.ingest([folder]).ok
        hits = base.search("In welchen Abteilungen arbeitet die Kreisverwaltung mit der elektronischen Akte?")
    finally:
        base.close()
    assert hits[0].document.name == "akte.txt"
    assert hits[0].evidence == pytest.approx(1.0)
