"""Several hosts share one PostgreSQL catalog and one Chroma server: what one host writes, another finds (issue 16).

The servers are real: a throwaway PostgreSQL cluster and `chroma run`. Each host has a data
directory of its own, holding nothing but its keyword index (a replica of the catalog's tokens,
rebuilt in the background once the catalog's version says it is behind) and its locks; no host
has a catalog file or a Chroma directory.
"""

import threading
from dataclasses import replace
from pathlib import Path

import pytest

from drafter.config import Settings
from drafter.consistency import Problem, find_inconsistencies, repair
from drafter.errors import VectorStoreUnavailable
from drafter.knowledge_base import KnowledgeBase
from drafter.models import SearchHit
from tests.servers import eventually, free_port, needs_postgresql

from .test_knowledge_base import REPLY, REPORT

QUESTION = "Wann beginnt der Glasfaserausbau in Haselbach?"
PARKING = """Antwort der Kreisverwaltung Talbach vom 9. Mai 2025

1. Wie viele Parkplätze hat das Kreishaus? Das Kreishaus hat 120 Parkplätze, davon 8 für Menschen mit Behinderung.
"""


def host(folder: Path, chroma_url: str, embedder, catalog_url: str | None = None) -> KnowledgeBase:
    settings = replace(Settings.from_env(), data_dir=folder, chroma_url=chroma_url, catalog_url=catalog_url)
    return KnowledgeBase(settings, embedder)


@pytest.fixture
def hosts(tmp_path, postgresql, chroma_server, embedder):
    """Two hosts on a new catalog database and the session's Chroma server, whose collection starts empty."""
    catalog = postgresql.create_database()
    first = host(tmp_path / "host1", chroma_server.url, embedder, catalog)
    second = host(tmp_path / "host2", chroma_server.url, embedder, catalog)
    for doc_id in first.vector_store.passages_by_document():  # what earlier tests on the server left
        first.vector_store.delete_document(doc_id)
    yield first, second
    first.close()
    second.close()


def report_hit(kb: KnowledgeBase) -> SearchHit | None:
    hits = [h for h in kb.search(QUESTION, k=3) if h.document.name == "bericht.md"]
    return hits[0] if hits else None


def keyword_index_caught_up(kb: KnowledgeBase) -> bool:
    kb.search(QUESTION)  # a search is what makes a host notice that its replica is behind
    return set(kb.keyword_index.chunk_ids) == {chunk_id for chunk_id, _ in kb.catalog.all_tokens()}


@needs_postgresql
def test_a_document_ingested_on_one_host_is_found_on_another_and_removed_there_for_both(tmp_path, hosts):
    first, second = hosts
    (tmp_path / "antwort.txt").write_text(REPLY, encoding="utf-8")
    (tmp_path / "bericht.md").write_text(REPORT, encoding="utf-8")
    assert first.ingest([tmp_path / "antwort.txt", tmp_path / "bericht.md"]).ok
    assert not any((tmp_path / folder / "chroma").exists() for folder in ("host1", "host2"))
    assert not any((tmp_path / folder / "catalog.sqlite").exists() for folder in ("host1", "host2"))

    assert {d.name for d in second.documents()} == {"antwort.txt", "bericht.md"}
    top = eventually(lambda: (hit := report_hit(second)) and hit.keyword_rank is not None and hit, what="Stichwort")
    assert top.dense_rank is not None, "the second host must find the first host's vectors on the server"
    assert second.search(QUESTION, k=1)[0].document.name == "bericht.md"

    second.remove("bericht.md")
    assert report_hit(first) is None, "gone for the first host at once, though its keyword index is a step behind"
    eventually(
        lambda: (
            report_hit(first) is None
            and not any(c.startswith(top.document.doc_id) for c in first.keyword_index.chunk_ids)
        ),
        what="the first host's keyword index follows the catalog",
    )
    reply_vectors = first.documents()[0].chunk_count + 2  # plus the two question vectors
    assert first.vector_store.count() == second.vector_store.count() == reply_vectors


@needs_postgresql
def test_two_hosts_ingesting_at_once_lose_nothing(tmp_path, hosts):
    first, second = hosts
    (tmp_path / "antwort.txt").write_text(REPLY, encoding="utf-8")
    (tmp_path / "bericht.md").write_text(REPORT, encoding="utf-8")
    other = threading.Thread(target=second.ingest, args=([tmp_path / "bericht.md"],))
    other.start()
    first.ingest([tmp_path / "antwort.txt"])
    other.join()

    for kb in (first, second):
        assert {d.name for d in kb.documents()} == {"antwort.txt", "bericht.md"}
    expected_vectors = sum(d.chunk_count for d in first.documents()) + 2  # plus the question vector of each answer
    assert first.vector_store.count() == expected_vectors
    for kb in (first, second):
        eventually(lambda kb=kb: keyword_index_caught_up(kb), what="every host's keyword index holds both")
        found = {h.document.name for h in kb.search("Ladepunkte Glasfaserausbau Haselbach", k=10)}
        assert found == {"antwort.txt", "bericht.md"}


@needs_postgresql
def test_a_curators_correction_on_one_host_is_what_the_other_shows(tmp_path, hosts):
    first, second = hosts
    (tmp_path / "bericht.md").write_text(REPORT, encoding="utf-8")
    first.ingest([tmp_path / "bericht.md"])
    doc_id = first.documents()[0].doc_id
    assert second.search(QUESTION, k=1)[0].document.title == "Sachstandsbericht Breitband 2024"

    first.update_metadata(doc_id, title="Breitbandbericht des Kreises", authority="Kreisverwaltung Talbach")
    assert second.document(doc_id).title == "Breitbandbericht des Kreises"
    shown = second.search(QUESTION, k=1)[0].document
    assert (shown.title, shown.authority) == ("Breitbandbericht des Kreises", "Kreisverwaltung Talbach")


@needs_postgresql
def test_check_and_repair_on_one_host_leave_the_other_hosts_vectors_alone(tmp_path, hosts):
    first, second = hosts
    (tmp_path / "bericht.md").write_text(REPORT, encoding="utf-8")
    (tmp_path / "parken.txt").write_text(PARKING, encoding="utf-8")
    second.ingest([tmp_path / "bericht.md"])
    first.ingest([tmp_path / "parken.txt"])
    vectors = first.vector_store.count()

    found = find_inconsistencies(second)
    assert [item.problem for item in found] == [Problem.KEYWORD_STALE], "its replica has not caught up yet"
    assert repair(second, found) == ["Stichwortindex neu aufgebaut."]
    assert find_inconsistencies(second) == [] and find_inconsistencies(first) == []
    assert second.vector_store.count() == vectors
    top = second.search("Wie viele Parkplätze hat das Kreishaus?", k=1)[0]
    assert top.document.name == "parken.txt" and top.dense_rank is not None and top.keyword_rank is not None


@needs_postgresql
def test_check_against_a_catalog_of_one_host_alone_never_deletes_the_servers_vectors(
    tmp_path, hosts, chroma_server, embedder
):
    first, _ = hosts
    (tmp_path / "bericht.md").write_text(REPORT, encoding="utf-8")
    first.ingest([tmp_path / "bericht.md"])
    vectors = first.vector_store.count()

    forgotten = host(tmp_path / "ohne-katalog", chroma_server.url, embedder)  # DRAFTER_CATALOG_URL not set
    try:
        found = find_inconsistencies(forgotten)
        assert [item.problem for item in found] == [Problem.VECTORS_ORPHANED]
        assert "bitte mit DRAFTER_CATALOG_URL (dem gemeinsamen Katalog) erneut prüfen" in found[0].message
        repair(forgotten, found)
    finally:
        forgotten.close()
    assert first.vector_store.count() == vectors
    assert first.search(QUESTION, k=1)[0].dense_rank is not None


def test_a_chroma_server_that_does_not_answer_is_named_with_what_to_check(tmp_path, embedder):
    unreachable = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(VectorStoreUnavailable, match="DRAFTER_CHROMA_URL") as error:
        host(tmp_path / "host", unreachable, embedder).vector_store  # noqa: B018 - opening is what fails
    assert unreachable in str(error.value)
