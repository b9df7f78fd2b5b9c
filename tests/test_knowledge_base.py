"""Ingest, re-ingest, remove and search on the real embedding model and a real Chroma store.

The tests on the `kb` fixture run twice: with the catalog in a SQLite file in the data directory (the
default) and in PostgreSQL (DRAFTER_CATALOG_URL), skipped where Debian's `postgresql` is missing.
"""

from dataclasses import replace
from email.message import EmailMessage
from pathlib import Path

import docx
import pytest

from drafter.config import Settings
from drafter.embeddings import Embedder
from drafter.errors import DocumentNotFound
from drafter.knowledge_base import KnowledgeBase
from drafter.models import ChunkKind, DocType
from tests.servers import needs_postgresql

from .conftest import KNOWLEDGE

REPLY = """Kreisverwaltung Talbach – Antwort auf Ihre Anfrage vom 3. März 2025

1a) Wie viele Ladepunkte betreibt die Kreisverwaltung? An sieben Liegenschaften betreibt die Kreisverwaltung 34 Ladepunkte für Dienstfahrzeuge.
1b) Dürfen Besucher dort laden? Nein, die Ladepunkte sind nicht öffentlich zugänglich.
"""
REPORT = """Sachstandsbericht Breitband 2024

Der geförderte Glasfaserausbau erreicht 4.870 Adressen in drei Clustern. Die Kosten betragen 58,4 Mio. Euro.

Für den Cluster 3 in Oberwiesen und Haselbach beginnen die Bauarbeiten im Frühjahr 2026.
"""


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=needs_postgresql)])
def kb(request, tmp_path: Path, embedder) -> KnowledgeBase:
    catalog = request.getfixturevalue("postgresql").create_database() if request.param == "postgresql" else None
    base = KnowledgeBase(replace(Settings.from_env(), data_dir=tmp_path / "data", catalog_url=catalog), embedder)
    yield base
    base.close()


def _files(folder: Path) -> Path:
    folder.mkdir()
    (folder / "antwort.txt").write_text(REPLY, encoding="utf-8")
    (folder / "bericht.md").write_text(REPORT, encoding="utf-8")
    return folder


def test_ingest_then_search_finds_the_answer_and_explains_its_scores(kb: KnowledgeBase, tmp_path: Path):
    report = kb.ingest([_files(tmp_path / "docs")])
    assert report.ok and report.count("added") == 2
    hits = kb.search("Wie viele Ladesäulen gibt es für Dienstwagen?", k=3)
    top = hits[0]
    assert "34 Ladepunkte" in top.chunk.text
    assert top.chunk.kind == ChunkKind.QA and top.document.doc_type == DocType.PAST_REPLY
    assert top.keyword_rank is not None and top.dense_rank is not None
    assert 0 < top.evidence <= 1
    assert kb.search("Wann beginnt der Glasfaserausbau in Haselbach?", k=1)[0].document.name == "bericht.md"


class CountingEmbedder(Embedder):
    """The real model, counting how many texts it was asked to embed."""

    def __init__(self, real: Embedder, name: str | None = None) -> None:
        super().__init__(name or real.model_name)
        self._model = real.model
        self.embedded = 0

    def encode(self, texts, show_progress=False):
        self.embedded += len(texts)
        return super().encode(texts, show_progress)


def test_reingesting_unchanged_files_embeds_nothing(tmp_path: Path, embedder):
    counting = CountingEmbedder(embedder)
    kb = KnowledgeBase(replace(Settings.from_env(), data_dir=tmp_path / "data"), counting)
    folder = _files(tmp_path / "docs")
    kb.ingest([folder])
    vectors, embedded = kb.vector_store.count(), counting.embedded
    report = kb.ingest([folder])
    assert [f.status for f in report.files] == ["unchanged", "unchanged"]
    assert counting.embedded == embedded
    assert kb.vector_store.count() == vectors
    kb.close()


def test_a_changed_file_replaces_its_passages_everywhere(kb: KnowledgeBase, tmp_path: Path):
    folder = _files(tmp_path / "docs")
    kb.ingest([folder])
    (folder / "bericht.md").write_text(REPORT.replace("Frühjahr 2026", "Herbst 2027"), encoding="utf-8")
    report = kb.ingest([folder])
    assert sorted(f.status for f in report.files) == ["unchanged", "updated"]
    assert len(kb.documents()) == 2
    texts = [h.chunk.text for h in kb.search("Bauarbeiten Cluster 3 Haselbach", k=10)]
    assert any("Herbst 2027" in t for t in texts)
    assert not any("Frühjahr 2026" in t for t in texts)


def test_removing_a_document_deletes_its_passages_from_vectors_and_keywords(kb: KnowledgeBase, tmp_path: Path):
    kb.ingest([_files(tmp_path / "docs")])
    before = kb.vector_store.count()
    removed = kb.remove("bericht.md")
    assert removed.name == "bericht.md"
    assert [d.name for d in kb.documents()] == ["antwort.txt"]
    assert kb.vector_store.count() < before
    assert all(h.document.name == "antwort.txt" for h in kb.search("Glasfaserausbau Haselbach Cluster", k=10))
    assert not any(c.startswith(removed.doc_id) for c in kb.keyword_index.chunk_ids)
    with pytest.raises(DocumentNotFound, match="Kein Dokument"):
        kb.remove("bericht.md")


def test_unreadable_files_are_reported_by_name_and_the_rest_still_ingest(kb: KnowledgeBase, tmp_path: Path):
    folder = _files(tmp_path / "docs")
    (folder / "kaputt.pdf").write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer garbage")
    (folder / "leer.txt").write_bytes(b"")
    report = kb.ingest([folder, tmp_path / "fehlt.txt"])
    failed = {f.path.name: f.error for f in report.failed}
    assert set(failed) == {"kaputt.pdf", "leer.txt", "fehlt.txt"}
    assert "PDF" in failed["kaputt.pdf"] and "nicht gefunden" in failed["fehlt.txt"]
    assert not report.ok
    assert sorted(d.name for d in kb.documents()) == ["antwort.txt", "bericht.md"]


def test_every_supported_format_is_ingested(kb: KnowledgeBase, tmp_path: Path):
    folder = tmp_path / "formate"
    folder.mkdir()
    (folder / "seite.html").write_text(
        "<html><head><title>Bürgerservice</title></head><body><h1>Bürgerservice</h1>"
        "<p>Das Bürgerbüro hat montags bis freitags von 8 bis 16 Uhr geöffnet.</p></body></html>",
        encoding="utf-8",
    )
    document = docx.Document()
    document.add_heading("Niederschrift", level=1)
    document.add_paragraph("Der Ausschuss beschließt einstimmig die Einführung der E-Akte im Jugendamt.")
    document.save(folder / "protokoll.docx")
    mail = EmailMessage()
    mail["Subject"] = "Antwort zu Ihrer Anfrage"
    mail["From"] = "poststelle@example.org"
    mail["Date"] = "Mon, 02 Jun 2025 10:00:00 +0200"
    mail.set_content("Sehr geehrte Frau Beispiel, die Abfallgebühr beträgt 96 Euro im Jahr.")
    (folder / "antwort.eml").write_bytes(bytes(mail))
    (folder / "notiz.txt").write_bytes("Öffnungszeiten der Zulassungsstelle: täglich außer Mittwoch.".encode("cp1252"))
    report = kb.ingest([folder])
    assert report.ok and report.count("added") == 4
    assert "Öffnungszeiten" in kb.search("Zulassungsstelle Öffnungszeiten", k=1)[0].chunk.text
    assert kb.search("Abfallgebühr pro Jahr", k=1)[0].document.date == "2025-06-02"
    assert "E-Akte" in kb.search("Einführung der E-Akte im Jugendamt", k=1)[0].chunk.text


def test_type_override_and_filters(kb: KnowledgeBase, tmp_path: Path):
    folder = _files(tmp_path / "docs")
    kb.ingest([folder / "antwort.txt"])
    kb.ingest([folder / "bericht.md"], doc_type=DocType.MINUTES)
    assert {d.name: d.doc_type for d in kb.documents()} == {
        "antwort.txt": DocType.PAST_REPLY,
        "bericht.md": DocType.MINUTES,
    }
    only_minutes = kb.search("Ladepunkte Glasfaser", k=10, doc_types=[DocType.MINUTES])
    assert only_minutes and {h.document.name for h in only_minutes} == {"bericht.md"}
    assert kb.search("Ladepunkte", k=10, date_from="2030-01-01") == []


def test_switching_the_embedding_model_keeps_vectors_apart(kb: KnowledgeBase, tmp_path: Path, embedder):
    kb.ingest([_files(tmp_path / "docs")])
    (tmp_path / "anderes-modell").mkdir()  # the same weights under another name stand in for a second model
    other = CountingEmbedder(embedder, str(tmp_path / "anderes-modell"))
    switched = KnowledgeBase(kb.settings, other)
    assert switched.vector_store.collection_name != kb.vector_store.collection_name
    switched.reindex()  # documents gain vectors for the new model without being ingested again
    assert switched.vector_store.count() == kb.vector_store.count()
    assert "34 Ladepunkte" in switched.search("Ladepunkte Dienstfahrzeuge", k=1)[0].chunk.text
    switched.close()


@pytest.mark.skipif(not (KNOWLEDGE / "documents").is_dir(), reason="knowledge/documents fehlt")
def test_sample_knowledge_base_answers_the_sample_inquiry(tmp_path: Path, embedder):
    kb = KnowledgeBase(replace(Settings.from_env(), data_dir=tmp_path / "data"), embedder)
    report = kb.ingest([KNOWLEDGE / "documents"])
    assert report.ok and len(kb.documents()) == len(list((KNOWLEDGE / "documents").iterdir()))
    hits = kb.search("Was kostet die Reservierung eines Wunschkennzeichens?", k=5)
    assert any("10,20 EUR" in h.chunk.text for h in hits)
    kb.close()
