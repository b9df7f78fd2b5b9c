"""Passage vectors in Chroma, one collection per embedding model: embedded by default, or on a Chroma server.

Vectors are always computed by our own `Embedder` and passed in: Chroma's default embedding
function would download a model. The collection name carries the model, so switching models
never mixes vectors of different spaces. A question/answer passage gets two vectors, one for
the whole passage and one for its question alone, because a new question is most similar to
the old question. Retrieval ranks the two views separately.

Embedded (the default), Chroma is not process-safe by itself: a client keeps one in-memory index
per directory and never notices another process's writes. `reopen`, which the knowledge base calls
when another process has changed the directory, closes the client (Chroma then drops its index)
and opens a new one; searches still running finish first, new ones wait for the new client.
Opening is not read-only either: the first operation after opening applies Chroma's write-ahead
log to the index and saves the index files (measured). So opening, adding and deleting hold
`chroma.lock` beside the store, one process at a time; searches need no lock.

With a server (`DRAFTER_CHROMA_URL`, started with `chroma run`), the server alone owns the files
and serialises writes, so every host sees every write at once: no lock, nothing to reopen.
"""

from __future__ import annotations

import logging
import threading
import time
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np

from drafter.config import quiet_third_party
from drafter.errors import VectorStoreUnavailable
from drafter.interprocess import file_lock

log = logging.getLogger(__name__)


class VectorStore:
    def __init__(self, directory: Path, model_slug: str, server_url: str | None = None) -> None:
        """`server_url` (http://host:port) uses that Chroma server; without it, an embedded store in `directory`."""
        self.directory = directory
        self.server_url = server_url
        self.collection_name = f"passages-{model_slug}"[:60].strip("-_.")
        self._lock = directory.with_name(directory.name + ".lock")
        self._turn = threading.Condition()
        self._searching = 0
        self._reopening = False
        if server_url is None:
            directory.mkdir(parents=True, exist_ok=True)
        with self._writing():
            self._open()

    def _writing(self) -> AbstractContextManager[object]:
        return file_lock(self._lock) if self.server_url is None else nullcontext()

    def _open(self) -> None:
        quiet_third_party()
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
        if self.server_url is None:
            self._client = chromadb.PersistentClient(path=str(self.directory), settings=settings)
        else:
            self._client = _server_client(self.server_url, settings)
        self._collection = self._client.get_or_create_collection(
            self.collection_name, embedding_function=None, configuration={"hnsw": {"space": "cosine"}}
        )
        self._collection.count()  # loads the index now, while the lock is held: loading may write it

    def reopen(self) -> None:
        """Read the directory anew, seeing what other processes have written since it was opened.

        A server always answers with what every host wrote, so there is nothing to do. Embedded, Chroma
        shares one client per directory within a process; closing ours releases it, so the new one reads
        the directory from disk (another store on the same directory in this process would keep it alive).
        """
        if self.server_url is not None:
            return
        with self._writing(), self._turn:
            self._reopening = True
            try:
                self._turn.wait_for(lambda: self._searching == 0)
                self._client.close()
                self._open()
            finally:
                self._reopening = False
                self._turn.notify_all()

    def add(self, chunk_ids: list[str], doc_ids: list[str], views: list[str], vectors: np.ndarray) -> None:
        """Store vectors; `views` names what each vector encodes ("passage" or "question")."""
        with self._writing():
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
        with self._writing():
            self._collection.delete(where={"doc_id": doc_id})

    def count(self) -> int:
        return self._collection.count()

    def passages_by_document(self, page_size: int = 5000) -> dict[str, set[str]]:
        """The passages the store holds vectors for, by document id (for `python -m drafter check`)."""
        stored: dict[str, set[str]] = {}
        offset = 0
        while True:
            page = self._collection.get(include=["metadatas"], limit=page_size, offset=offset)
            for meta in page["metadatas"]:
                stored.setdefault(str(meta["doc_id"]), set()).add(str(meta["chunk_id"]))
            if len(page["ids"]) < page_size:
                return stored
            offset += page_size

    def vectors(self) -> np.ndarray:
        """Every stored vector, in no particular order (for benchmarks that build on real vectors)."""
        stored = self._collection.get(include=["embeddings"])["embeddings"]
        return np.array(stored, dtype=np.float32)

    def query(self, vector: np.ndarray, n: int) -> dict[str, list[tuple[str, float]]]:
        """Per view ("passage", "question"), the most similar passages as (chunk_id, cosine), best first."""
        with self._turn:
            self._turn.wait_for(lambda: not self._reopening)
            self._searching += 1
            collection = self._collection
        try:
            result = _query_settled(collection, vector, n)
        finally:
            with self._turn:
                self._searching -= 1
                self._turn.notify_all()
        views: dict[str, list[tuple[str, float]]] = {"passage": [], "question": []}
        for meta, distance in zip(result["metadatas"][0], result["distances"][0], strict=True):
            views[str(meta["view"])].append((str(meta["chunk_id"]), 1.0 - float(distance)))
        return views


SEGMENT_RETRIES = (0.1, 0.2, 0.4)
"""Seconds to wait before asking again while a Chroma server writes a new collection's first index."""


def _query_settled(collection, vector: np.ndarray, n: int) -> dict:
    """A Chroma server asked about a new collection while its first vectors are being added answers, for some
    tens of milliseconds, „Error creating hnsw segment reader: Nothing found on disk“ (chroma-core/chroma#4212,
    seen with chromadb 1.5.9): the first search on a fresh installation during the first upload would fail.
    Asked again a moment later it answers; any other error, or one that persists, is raised."""
    from chromadb.errors import InternalError

    def ask() -> dict:
        # No count() first: it costs ~20 ms at 100k passages, and Chroma answers a small collection as is.
        return collection.query(query_embeddings=vector.reshape(1, -1), n_results=n, include=["metadatas", "distances"])

    for pause in SEGMENT_RETRIES:
        try:
            return ask()
        except InternalError as error:
            if "Nothing found on disk" not in str(error):
                raise
            log.info("Chroma is still writing the collection's first index; asking again in %.1f s", pause)
            time.sleep(pause)
    return ask()


def _server_client(url: str, settings: object) -> object:
    import chromadb

    address = urlsplit(url)
    if address.scheme not in {"http", "https"} or not address.hostname:
        raise VectorStoreUnavailable(url, "keine Adresse der Form http://host:port")
    try:
        return chromadb.HttpClient(
            host=address.hostname,
            port=address.port or (443 if address.scheme == "https" else 80),
            ssl=address.scheme == "https",
            settings=settings,
        )
    except ValueError as error:  # Chroma's way of saying it found no server there
        raise VectorStoreUnavailable(url, str(error)) from error
