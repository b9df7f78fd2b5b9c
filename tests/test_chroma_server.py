"""Several hosts share one Chroma server (DRAFTER_CHROMA_URL): what one host writes, another searches at once.

The server is a real `chroma run`. Each host keeps its catalog and keyword index in its own data
directory; they are not replicated between hosts yet (issue 16), so the second host starts from a
copy of the first host's catalog files, as such a replica would give it. Its vectors come from the
server alone: no host has a Chroma directory of its own.
"""

import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from drafter.config import Settings
from drafter.errors import VectorStoreUnavailable
from drafter.knowledge_base import KnowledgeBase
from tests.servers import free_port

from .test_knowledge_base import REPLY, REPORT

QUESTION = "Wann beginnt der Glasfaserausbau in Haselbach?"


def host(folder: Path, chroma_url: str, embedder) -> KnowledgeBase:
    return KnowledgeBase(replace(Settings.from_env(), data_dir=folder, chroma_url=chroma_url), embedder)


def test_a_document_ingested_on_one_host_is_found_on_another_and_removed_there_for_both(
    tmp_path, chroma_server, embedder
):
    (tmp_path / "antwort.txt").write_text(REPLY, encoding="utf-8")
    (tmp_path / "bericht.md").write_text(REPORT, encoding="utf-8")
    first = host(tmp_path / "host1", chroma_server.url, embedder)
    assert first.ingest([tmp_path / "antwort.txt", tmp_path / "bericht.md"]).ok
    first.close()
    shutil.copytree(tmp_path / "host1", tmp_path / "host2", ignore=shutil.ignore_patterns("*.lock"))
    assert not (tmp_path / "host1" / "chroma").exists() and not (tmp_path / "host2" / "chroma").exists()
    first = host(tmp_path / "host1", chroma_server.url, embedder)
    second = host(tmp_path / "host2", chroma_server.url, embedder)
    try:
        top = second.search(QUESTION, k=1)[0]
        assert top.document.name == "bericht.md"
        assert top.dense_rank is not None, "the second host must find the first host's vectors on the server"

        second.remove("bericht.md")
        hits = first.search(QUESTION, k=10)
        report = [h for h in hits if h.document.name == "bericht.md"]
        assert report, "the first host's own catalog still lists the document (catalogs are per host)"
        assert all(h.dense_rank is None for h in report), "its vectors are gone from the server for the first host"
        reply_vectors = first.document(first.documents()[0].doc_id).chunk_count + 2  # plus the two question vectors
        assert first.vector_store.count() == second.vector_store.count() == reply_vectors
    finally:
        first.close()
        second.close()


def test_a_chroma_server_that_does_not_answer_is_named_with_what_to_check(tmp_path, embedder):
    unreachable = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(VectorStoreUnavailable, match="DRAFTER_CHROMA_URL") as error:
        host(tmp_path / "host", unreachable, embedder).vector_store  # noqa: B018 - opening is what fails
    assert unreachable in str(error.value)
