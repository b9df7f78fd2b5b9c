"""Passage vectors in an embedded Chroma store, one collection per embedding model.

Vectors are always computed by our own `Embedder` and passed in: Chroma's default embedding
function would download a model. The collection name carries the model, so switching models
never mixes vectors of different spaces. A question/answer passage gets two vectors, one for
the whole passage and one for its question alone, because a new question is most similar to
the old question. Retrieval ranks the two views separately.

Chroma's embedded client is not process-safe by itself: it caches one in-memory index per
directory and never notices another process's writes. `reopen` drops that cache for our
directory, which the knowledge base calls when another process has changed it. Opening is
not read-only either: the first operation after opening applies Chroma's write-ahead log to
the index and saves the index files (measured). So opening, adding and deleting hold
`chroma.lock` beside the store, one process at a time; searches need no lock.
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np

from drafter.config import quiet_third_party
from drafter.interprocess import file_lock

log = logging.getLogger(__name__)


class VectorStore:
    def __init__(self, directory: Path, model_slug: str) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.directory = directory
        self.collection_name = f"passages-{model_slug}"[:60].strip("-_.")
        self._lock = directory.with_name(directory.name + ".lock")
        with file_lock(self._lock):
            self._open()

    def _open(self) -> None:
        quiet_third_party()
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        self._client = chromadb.PersistentClient(
            path=str(self.directory), settings=ChromaSettings(anonymized_telemetry=False, allow_reset=False)
        )
        self._collection = self._client.get_or_create_collection(
            self.collection_name, embedding_function=None, configuration={"hnsw": {"space": "cosine"}}
        )
        self._collection.count()  # loads the index now, while the lock is held: loading may write it

    def reopen(self) -> None:
        """Read the directory anew, seeing what other processes have written since it was opened.

        Searches already running on the old client finish on it; Chroma keeps it alive until then.
        """
        from chromadb.api.shared_system_client import SharedSystemClient

        with file_lock(self._lock):
            identifier = self._client._identifier  # the cache key Chroma itself uses for this directory
            SharedSystemClient._identifier_to_system.pop(identifier, None)
            SharedSystemClient._identifier_to_refcount.pop(identifier, None)
            self._open()

    def add(self, chunk_ids: list[str], doc_ids: list[str], views: list[str], vectors: np.ndarray) -> None:
        """Store vectors; `views` names what each vector encodes ("passage" or "question")."""
        with file_lock(self._lock):
            for start in range(0, len(chunk_ids), 4000):
                end = start + 4000
                self._collection.upsert(
                    ids=[f"{c}#{v}" for c, v in zip(chunk_ids[start:end], views[start:end], strict=True)],
                    embeddings=vectors[start:end],
                    metadatas=[
                        {"chunk_id": c, "doc_id": d, "view": v}
                        for c, d, v in zip(chunk_ids[start:end], doc_ids[start:end], views[start:end], strict=True)
                    ],
                )

    def delete_document(self, doc_id: str) -> None:
        with file_lock(self._lock):
            self._collection.delete(where={"doc_id": doc_id})

    def count(self) -> int:
        return self._collection.count()

    def query(self, vector: np.ndarray, n: int) -> dict[str, list[tuple[str, float]]]:
        """Per view ("passage", "question"), the most similar passages as (chunk_id, cosine), best first."""
        # No count() first: it costs ~20 ms at 100k passages, and Chroma answers an empty or small collection as is.
        result = self._collection.query(
            query_embeddings=vector.reshape(1, -1), n_results=n, include=["metadatas", "distances"]
        )
        views: dict[str, list[tuple[str, float]]] = {"passage": [], "question": []}
        for meta, distance in zip(result["metadatas"][0], result["distances"][0], strict=True):
            views[str(meta["view"])].append((str(meta["chunk_id"]), 1.0 - float(distance)))
        return views
