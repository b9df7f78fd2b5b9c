"""The catalog on both of its databases: a SQLite file in the data directory and PostgreSQL (issue 16).

Each test runs twice, on a fresh SQLite file and on a fresh database of the throwaway PostgreSQL
cluster (tests/servers.py); the PostgreSQL half is skipped where Debian's `postgresql` is missing.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import psycopg
import pytest

from drafter.catalog import Catalog
from drafter.interprocess import LockTimeout
from drafter.models import Chunk, ChunkKind, DocType, DocumentInfo
from tests.servers import needs_postgresql


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=needs_postgresql)])
def location(request, tmp_path: Path) -> Path | str:
    if request.param == "sqlite":
        return tmp_path / "data" / "catalog.sqlite"
    return request.getfixturevalue("postgresql").create_database()


@pytest.fixture
def catalog(location) -> Catalog:
    opened = Catalog(location)
    yield opened
    opened.close()


def document(doc_id: str = "d1", source: str = "/geteilt/uploads/antwort.txt", **fields) -> DocumentInfo:
    return DocumentInfo(doc_id, Path(source).name, source, "sha-1", "Antwort Ladepunkte", DocType.PAST_REPLY, **fields)


def passages(doc_id: str = "d1") -> tuple[list[Chunk], list[list[str]]]:
    chunks = [
        Chunk(f"{doc_id}:0000", doc_id, 0, "Frage 1: Ladepunkte?\nAntwort: 34 Ladepunkte.", 0, 40, ChunkKind.QA,
              question="Ladepunkte?", answer_start=22),
        Chunk(f"{doc_id}:0001", doc_id, 1, "Besucher dürfen nicht laden.", 41, 70, page=2, heading="Laden"),
    ]  # fmt: skip
    return chunks, [["ladepunkt", "34"], ["besuch", "laden"]]


def test_a_saved_document_reads_back_with_its_passages_tokens_and_text(catalog: Catalog):
    chunks, tokens = passages()
    catalog.save_document(document(date="2025-03-03", ocr_pages="2"), "Volltext", chunks, tokens, type_fixed=False)

    stored = catalog.document("d1")
    assert (stored.name, stored.doc_type, stored.date, stored.ocr_pages, stored.chunk_count) == (
        "antwort.txt",
        DocType.PAST_REPLY,
        "2025-03-03",
        "2",
        2,
    )
    assert stored.ingested_at
    assert catalog.chunks("d1") == chunks
    assert catalog.chunks_by_id(["d1:0001", "fehlt"]) == {"d1:0001": chunks[1]}
    assert catalog.passages(["d1:0000"])["d1:0000"][1] == frozenset({"ladepunkt", "34"})
    assert list(catalog.all_tokens()) == [("d1:0000", "ladepunkt 34"), ("d1:0001", "besuch laden")]
    assert catalog.document_text("d1") == "Volltext"
    assert catalog.by_source("/geteilt/uploads/antwort.txt") == ("d1", "sha-1")
    assert [d.doc_id for d in catalog.find_documents("antwort.txt")] == ["d1"]
    assert catalog.chunk_count() == 2


def test_a_curators_correction_survives_a_new_version_of_the_file(catalog: Catalog):
    chunks, tokens = passages()
    catalog.save_document(document(), "", chunks, tokens, type_fixed=False)
    catalog.update_document("d1", title="Ladepunkte der Kreisverwaltung", doc_type=str(DocType.REPORT))

    again = catalog.save_document(document(), "", chunks[:1], tokens[:1], type_fixed=False)
    assert (again.title, again.doc_type) == ("Ladepunkte der Kreisverwaltung", DocType.REPORT)
    assert catalog.document("d1").title == "Ladepunkte der Kreisverwaltung"
    assert catalog.document("d1").chunk_count == 1


def test_removing_a_document_removes_its_passages_and_embedding_marks(catalog: Catalog):
    for doc_id in ("d1", "d2"):
        chunks, tokens = passages(doc_id)
        catalog.save_document(document(doc_id, f"/geteilt/{doc_id}.txt"), "", chunks, tokens, type_fixed=False)
        catalog.mark_embedded(doc_id, "minilm")
    catalog.mark_embedded("d1", "minilm")  # marking twice is harmless

    catalog.delete_document("d1")
    assert [d.doc_id for d in catalog.documents()] == ["d2"]
    assert catalog.chunks("d1") == [] and catalog.chunk_count() == 2
    assert catalog.embedded_documents("minilm") == {"d2"}


def test_every_change_counts_in_the_version_and_only_passage_changes_in_its_passage_count(catalog: Catalog):
    start = catalog.version()
    chunks, tokens = passages()
    catalog.save_document(document(), "", chunks, tokens, type_fixed=False)
    saved = catalog.version()
    catalog.update_document("d1", authority="Kreisverwaltung Talbach")
    corrected = catalog.version()
    catalog.mark_embedded("d1", "minilm")
    assert catalog.version() == corrected  # nothing a search reads has changed
    catalog.delete_document("d1")
    deleted = catalog.version()

    assert [v.changes for v in (start, saved, corrected, deleted)] == [0, 1, 2, 3]
    assert [v.passages for v in (start, saved, corrected, deleted)] == [0, 1, 1, 2]


def test_a_second_catalog_on_the_same_database_sees_the_first_ones_changes(location):
    first, second = Catalog(location), Catalog(location)
    try:
        chunks, tokens = passages()
        first.save_document(document(), "", chunks, tokens, type_fixed=False)
        assert second.version() == first.version()
        assert [d.doc_id for d in second.documents()] == ["d1"]
    finally:
        first.close()
        second.close()


def test_one_writer_at_a_time_and_a_writer_that_cannot_wait_gives_up(location):
    first, second = Catalog(location), Catalog(location)
    order: list[str] = []

    def second_writer() -> None:
        with second.writer_lock():
            order.append("second")

    try:
        with first.writer_lock():
            with pytest.raises(LockTimeout), second.writer_lock(timeout=0.2):
                pass
            waiting = threading.Thread(target=second_writer)
            waiting.start()
            waiting.join(timeout=0.3)
            order.append("first")
        waiting.join(timeout=5)
        assert order == ["first", "second"]
        with second.writer_lock(timeout=0.2):  # free again once the holder is done
            pass
    finally:
        first.close()
        second.close()


def test_a_catalog_written_by_an_earlier_version_opens_and_keeps_its_fixed_type(tmp_path: Path):
    file = tmp_path / "catalog.sqlite"
    old = sqlite3.connect(file)
    old.executescript(
        """
        CREATE TABLE documents (doc_id TEXT PRIMARY KEY, name TEXT NOT NULL, source TEXT NOT NULL UNIQUE,
            sha256 TEXT NOT NULL, title TEXT NOT NULL, doc_type TEXT NOT NULL, type_fixed INTEGER NOT NULL DEFAULT 0,
            date TEXT, authority TEXT, text TEXT NOT NULL, ingested_at TEXT NOT NULL);
        CREATE TABLE chunks (chunk_id TEXT PRIMARY KEY, doc_id TEXT NOT NULL REFERENCES documents(doc_id)
            ON DELETE CASCADE, ordinal INTEGER NOT NULL, text TEXT NOT NULL, char_start INTEGER NOT NULL,
            char_end INTEGER NOT NULL, kind TEXT NOT NULL, page INTEGER, heading TEXT, label TEXT, question TEXT,
            answer_start INTEGER NOT NULL DEFAULT 0, tokens TEXT NOT NULL);
        INSERT INTO documents VALUES ('d1', 'antwort.txt', '/alt/antwort.txt', 'sha-1', 'Antwort', 'report', 1,
            NULL, NULL, 'Text', '2024-01-01T00:00:00+00:00');
        INSERT INTO chunks VALUES ('d1:0000', 'd1', 0, 'Text', 0, 4, 'text', NULL, NULL, NULL, NULL, 0, 'text');
        """
    )
    old.close()

    catalog = Catalog(file)
    try:
        assert catalog.document("d1").chunk_count == 1 and catalog.version().changes == 0
        chunks, tokens = passages()
        again = catalog.save_document(document(source="/alt/antwort.txt"), "", chunks, tokens, type_fixed=False)
        assert again.doc_type == DocType.REPORT  # the type fixed by hand before corrections existed still wins
    finally:
        catalog.close()


@needs_postgresql
def test_in_postgresql_the_catalog_keeps_out_of_the_way_of_tables_of_the_same_name(postgresql):
    url = postgresql.create_database()
    with psycopg.connect(url.replace("+psycopg", ""), autocommit=True) as connection:
        connection.execute("CREATE TABLE documents (id INTEGER PRIMARY KEY, what TEXT)")
        connection.execute("INSERT INTO documents VALUES (1, 'eine Tabelle der Web-Anwendung')")
    catalog = Catalog(url.replace("postgresql+psycopg://", "postgresql://"))  # the form operators often write
    try:
        chunks, tokens = passages()
        catalog.save_document(document(), "", chunks, tokens, type_fixed=False)
    finally:
        catalog.close()
    with psycopg.connect(url.replace("+psycopg", "")) as connection:
        assert connection.execute("SELECT what FROM documents").fetchall() == [("eine Tabelle der Web-Anwendung",)]
        tables = {row[0] for row in connection.execute("SELECT tablename FROM pg_tables WHERE tablename LIKE 'know%'")}
    assert tables == {"knowledge_documents", "knowledge_chunks", "knowledge_embedded", "knowledge_version"}
