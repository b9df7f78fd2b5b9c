"""The knowledge base: ingest, remove and search documents in one data directory.

Layout of the data directory: `catalog.sqlite` (documents, passages, analysed tokens; or
the catalog lives in PostgreSQL, DRAFTER_CATALOG_URL), `chroma/` (vectors, one collection per
embedding model; or on a Chroma server, DRAFTER_CHROMA_URL), `keyword/` (the BM25 index), and
for coordination between processes the locks `write.lock`, `chroma.lock`, `keyword.lock`,
`rebuilding-keyword.lock` and the change stamp `vectors-changed`.
Ingestion is idempotent by content hash: an unchanged file costs a hash and a look-up, a
changed file replaces its passages everywhere, and nothing is embedded twice. The originals
are not kept here: a document's `source` is wherever it was read from (for the web
application a folder under DRAFTER_UPLOAD_DIR, one path that all hosts share).

Several processes may use one knowledge base at once (gunicorn workers, a command-line ingest
beside the web application, several hosts on one PostgreSQL catalog and one Chroma server):
writes are serialised by the catalog's writer lock (`Catalog.writer_lock`: an advisory lock in
PostgreSQL, a file lock beside a SQLite file). Before a search, a process compares the
catalog's version (one small query) with what it has seen: its document cache follows at
once; its keyword index, a replica of the catalog's tokens per data directory, is rebuilt in a
background thread while searches go on with the old one (after a failed rebuild, not again before a
pause, `RetryPause`). An embedded Chroma is also reopened when another process of the host wrote
vectors (`vectors-changed`, see `drafter.interprocess`).
"""

from __future__ import annotations

import hashlib
import itertools
import logging
import threading
import time
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np
from tqdm import tqdm

from drafter.atomic_files import copy_durably, discard, remove_leftovers, replace_durably
from drafter.catalog import Catalog, CatalogVersion
from drafter.chunking import chunk_document, index_text
from drafter.config import Settings
from drafter.disk_errors import disk_errors_translated, translate_disk_errors
from drafter.document_metadata import detect_metadata, document_title, parse_date
from drafter.embeddings import Embedder
from drafter.errors import (
    DocumentError,
    DocumentNotFound,
    DocumentTooLarge,
    KnowledgeBaseBusy,
    UnreadableDocument,
)
from drafter.interprocess import ChangeStamp, LockTimeout
from drafter.loaders import discover_files, load_document
from drafter.loaders.ocr import OCR_PAGES, OCR_WARNING
from drafter.models import Chunk, ChunkKind, DocType, DocumentInfo, LoadedDocument, SearchHit
from drafter.retrieval.german_analyzer import GermanAnalyzer
from drafter.retrieval.hybrid import FusionSettings, HybridRetriever, SearchFilters
from drafter.retrieval.keyword_index import KeywordIndex
from drafter.retrieval.vector_store import VectorStore
from drafter.text_cleaning import first_line

log = logging.getLogger(__name__)

FileStatus = Literal["added", "updated", "unchanged", "failed"]
INTERACTIVE_WAIT = 10.0
"""Seconds a removal or metadata change waits for another process's write before it gives up with a message."""


@dataclass
class RetryPause:
    """How long searches leave a failed rebuild of the keyword index alone: `first` seconds after a failure, twice
    as long after each further one up to `longest`, no pause once a rebuild succeeded. A full disk or an
    unreachable catalog would otherwise start a new rebuild with every search while the old index serves them."""

    first: float = 30.0
    longest: float = 600.0
    clock: Callable[[], float] = time.monotonic
    _pause: float = field(default=0.0, init=False)
    _until: float = field(default=float("-inf"), init=False)

    def due(self) -> bool:
        return self.clock() >= self._until

    def failed(self) -> float:
        """Start the next pause, and return its length in seconds."""
        self._pause = min(self.longest, self._pause * 2 or self.first)
        self._until = self.clock() + self._pause
        return self._pause

    def succeeded(self) -> None:
        self._pause, self._until = 0.0, float("-inf")


@dataclass
class FileResult:
    path: Path
    status: FileStatus
    doc_id: str | None = None
    chunks: int = 0
    error: str | None = None


@dataclass
class IngestReport:
    files: list[FileResult] = field(default_factory=list)

    @property
    def failed(self) -> list[FileResult]:
        return [f for f in self.files if f.status == "failed"]

    @property
    def ok(self) -> bool:
        return not self.failed

    def count(self, status: FileStatus) -> int:
        return sum(1 for f in self.files if f.status == status)


@dataclass
class _Prepared:
    result: FileResult
    info: DocumentInfo
    text: str
    chunks: list[Chunk]
    tokens: list[list[str]]
    type_fixed: bool


class KnowledgeBase:
    def __init__(
        self, settings: Settings, embedder: Embedder | None = None, keyword_retry: RetryPause | None = None
    ) -> None:
        self.settings = settings
        self._keyword_retry = keyword_retry or RetryPause()
        self.data_dir = Path(settings.data_dir)
        with translate_disk_errors(self.data_dir):
            self._open(embedder)

    def _open(self, embedder: Embedder | None) -> None:
        """The catalog and indexes; a disk that refuses to write is reported by __init__ as StorageUnavailable."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        settings = self.settings
        self.embedder = embedder or Embedder(
            settings.embedding_model, settings.embedding_device, settings.embedding_batch
        )
        self.analyzer = GermanAnalyzer()
        self.catalog = Catalog(settings.catalog_url or self.data_dir / "catalog.sqlite")
        self.keyword_index = KeywordIndex(self.data_dir / "keyword", self.analyzer)
        self._vector_store: VectorStore | None = None
        self._open_lock = threading.Lock()
        # Changed vectors make the other processes of this host reopen an embedded Chroma, which at 100k
        # passages means reading the whole index from disk again; other changes are told by the catalog version.
        self._vector_stamp = ChangeStamp(self.data_dir / "vectors-changed")
        self._seen_vectors = self._vector_stamp.read()
        self._documents_cache: tuple[int, dict[str, DocumentInfo]] | None = None
        self._keyword_refresh: threading.Thread | None = None
        self._clean_up_after_crash()
        self._warn_of_a_catalog_left_behind()

    def _warn_of_a_catalog_left_behind(self) -> None:
        """A data directory that had a SQLite catalog before the catalog moved to PostgreSQL (the web app follows
        DATABASE_URL): its documents are not copied over, so say what to do instead of showing an empty list."""
        old = self.data_dir / "catalog.sqlite"
        if self.catalog.shared and old.exists() and self.catalog.chunk_count() == 0:
            log.warning(
                "Der Katalog liegt jetzt in PostgreSQL und ist leer; %s wird nicht mehr gelesen. Bitte die Dokumente "
                "erneut einlesen (python -m drafter ingest ORDNER) oder DRAFTER_CATALOG_URL=sqlite:///%s setzen, "
                "um bei der SQLite-Datei zu bleiben.",
                old,
                old.resolve(),
            )

    def _clean_up_after_crash(self) -> None:
        """Undo what a rebuild of the keyword index killed midway left behind (it skips one that is running)."""
        try:
            self.keyword_index.recover()
        except OSError as error:  # a read-only or full disk: searching may still work, writing reports it
            log.warning("Reste abgebrochener Schreibvorgänge nicht geprüft: %s", error)

    @property
    def vector_store(self) -> VectorStore:
        """Opened on first use; under a lock, because two threads opening Chroma at once race in its client cache."""
        with self._open_lock:
            if self._vector_store is None:
                self._vector_store = VectorStore(self.data_dir / "chroma", self.embedder.slug, self.settings.chroma_url)
        return self._vector_store

    @property
    def retriever(self) -> HybridRetriever:
        fusion = FusionSettings(dense_weight=self.settings.dense_weight)
        return HybridRetriever(
            self.catalog, self.keyword_index, self.vector_store, self.embedder, self._documents, fusion
        )

    def close(self) -> None:
        refresh = self._keyword_refresh
        if refresh is not None:
            refresh.join()  # a rebuild of the keyword index in progress finishes first, so nothing is left half-done
        self.catalog.close()

    # reading

    @disk_errors_translated
    def documents(self) -> list[DocumentInfo]:
        return self.catalog.documents()

    def document(self, doc_id: str) -> DocumentInfo:
        document = self.catalog.document(doc_id)
        if document is None:
            raise DocumentNotFound(doc_id)
        return document

    def document_text(self, doc_id: str) -> str:
        self.document(doc_id)
        return self.catalog.document_text(doc_id) or ""

    def chunks(self, doc_id: str) -> list[Chunk]:
        return self.catalog.chunks(doc_id)

    def chunk(self, chunk_id: str) -> Chunk:
        found = self.catalog.chunks_by_id([chunk_id]).get(chunk_id)
        if found is None:
            raise DocumentNotFound(chunk_id)
        return found

    @disk_errors_translated
    def search(
        self,
        query: str,
        k: int = 10,
        doc_types: Collection[DocType] | None = None,
        date_from: str | None = None,
        date_to: str | None = None,
        authority: str | None = None,
    ) -> list[SearchHit]:
        """`authority` keeps only that authority's documents (and those whose authority is unknown)."""
        if not query.strip():
            return []
        version = self._catch_up()
        if self.keyword_index.built_from() != version.passages:
            self._refresh_keyword_index_in_background()
        return self.retriever.search(query, k, SearchFilters.of(doc_types, date_from, date_to, authority))

    def _catch_up(self) -> CatalogVersion:
        """The catalog's version now; an embedded Chroma is reopened first if another process wrote vectors."""
        if self._vector_stamp.read() != self._seen_vectors:
            with self._open_lock:
                current = self._vector_stamp.read()  # again: another thread may have reopened it meanwhile
                if current != self._seen_vectors and self._vector_store is not None:
                    self._vector_store.reopen()
                self._seen_vectors = current
        return self.catalog.version()

    def _refresh_keyword_index_in_background(self) -> None:
        """Start rebuilding this data directory's keyword index from the catalog, unless a rebuild runs already or
        the last one failed too recently (`RetryPause`); searches go on with the index in use until the new one is
        swapped in."""
        with self._open_lock:
            if self._keyword_refresh is not None and self._keyword_refresh.is_alive():
                return
            if not self._keyword_retry.due():
                return
            self._keyword_refresh = threading.Thread(
                target=self._refresh_keyword_index, name="Stichwortindex", daemon=True
            )
            self._keyword_refresh.start()

    def _refresh_keyword_index(self) -> None:
        try:
            with self.keyword_index.building(wait=False) as ours:
                if not ours:
                    return  # another process on this data directory is building; the next search looks again
                version = self.catalog.version().passages
                if self.keyword_index.built_from() != version:
                    self.keyword_index.rebuild(self.catalog.all_tokens(), version)
        except Exception:  # a thread of its own: nobody else would hear of it; a search after the pause tries again
            with self._open_lock:
                pause = self._keyword_retry.failed()
            log.exception("Stichwortindex nicht aus dem Katalog aktualisiert; nächster Versuch in %.0f s", pause)
        else:
            with self._open_lock:
                self._keyword_retry.succeeded()

    @contextmanager
    def _writing(self, *, vectors: bool, wait: float | None = None) -> Iterator[None]:
        """Exclusive access to the data directory across processes; others learn of the change afterwards.

        `vectors` says whether the block changes vectors (other processes then reopen Chroma); `wait` bounds
        how long to wait for another writer, for actions a person waits on (seconds; None waits for good).
        """
        try:
            with self.catalog.writer_lock(timeout=wait):
                self._catch_up()
                try:
                    yield
                finally:
                    if vectors:
                        with self._open_lock:
                            self._seen_vectors = self._vector_stamp.renew()
        except LockTimeout as exc:  # only the writer lock is taken with a timeout
            raise KnowledgeBaseBusy() from exc

    def _documents(self) -> dict[str, DocumentInfo]:
        """All documents by id, cached until this or another process (or host) changes the catalog."""
        changes, cached = self.catalog.version().changes, self._documents_cache
        if cached is None or cached[0] != changes:
            # Tagged with the version read before the list: a list read across a change is read again next time.
            cached = (changes, {d.doc_id: d for d in self.catalog.documents()})
            self._documents_cache = cached
        return cached[1]

    # writing

    @disk_errors_translated
    def ingest(
        self,
        paths: list[Path],
        doc_type: DocType | None = None,
        show_progress: bool = False,
        on_file: Callable[[FileResult], None] | None = None,
    ) -> IngestReport:
        """Take files and folders into the knowledge base; one bad file never stops the others."""
        report = IngestReport()
        files = discover_files([Path(p) for p in paths])
        prepared: list[_Prepared] = []
        for path in tqdm(files, desc="Dokumente lesen", unit="Datei", disable=not show_progress):
            item = self._prepare(path, doc_type)
            if isinstance(item, _Prepared):
                prepared.append(item)
            else:
                report.files.append(item)
                if on_file:
                    on_file(item)
        self._catch_up()
        if not prepared and not self._documents_without_vectors():
            return report  # nothing to write: other processes need not reload anything
        embedded = self._embed(prepared, show_progress)  # the slow part, before the lock: writers wait only to store
        with self._writing(vectors=True):
            self._store(prepared, embedded, report, on_file)
            missing = self._documents_without_vectors()
            if missing:
                self._embed_existing(missing, show_progress)
            if prepared:
                self._rebuild_keyword_index()
        return report

    @disk_errors_translated
    def ingest_file(
        self, upload: Path, target: Path, doc_type: DocType | None = None, *, again: bool = False
    ) -> FileResult:
        """Take `upload` in as the new version of the document whose original is kept at `target`, crash-safe.

        The upload is copied beside `target` first (write-new-then-rename); `target`, its passages, vectors
        and keyword entries stay the previous version's until the new one is stored, and the copy replaces
        `target` only then, under the write lock. `again` is for a retry after an interrupted attempt: it
        stores the file even when the catalog already records its content, because the attempt may have
        stored the passages but not the keyword index or the original.
        """
        leftovers = remove_leftovers(target.parent)
        if leftovers:
            log.info("Reste abgebrochener Schreibvorgänge entfernt: %s", ", ".join(p.name for p in leftovers))
        staged = copy_durably(upload, target)
        try:
            item = self._prepare(staged, doc_type, source=target, again=again)
            if isinstance(item, FileResult):
                if item.status == "unchanged":
                    with self._writing(vectors=False):
                        replace_durably(staged, target)
                return item
            embedded = self._embed([item], show_progress=False)
            with self._writing(vectors=True):
                self._store([item], embedded, IngestReport(), None)
                self._rebuild_keyword_index()
                replace_durably(staged, target)
            return item.result
        finally:
            discard(staged)

    @disk_errors_translated
    def remove(self, reference: str) -> DocumentInfo:
        matches = self.catalog.find_documents(reference) or self.catalog.find_documents(str(Path(reference).resolve()))
        if not matches:
            raise DocumentNotFound(reference)
        with self._writing(vectors=True, wait=INTERACTIVE_WAIT):
            for document in matches:
                self.vector_store.delete_document(document.doc_id)
                self.catalog.delete_document(document.doc_id)
            self._rebuild_keyword_index()
        return matches[0]

    @disk_errors_translated
    def update_metadata(
        self,
        doc_id: str,
        *,
        doc_type: DocType | None = None,
        title: str | None = None,
        date: str | None = None,
        authority: str | None = None,
        superseded_by: str | None = None,
    ) -> DocumentInfo:
        """A curator's corrections, kept for later versions of the file; `superseded_by` names the document
        that replaces this one (an empty string clears it)."""
        self.document(doc_id)
        if superseded_by:
            self.document(superseded_by)  # raises DocumentNotFound for a wrong reference
        iso_date = parse_date(date) if date else None
        with self._writing(vectors=False, wait=INTERACTIVE_WAIT):
            self.catalog.update_document(
                doc_id,
                doc_type=str(doc_type) if doc_type else None,
                title=title,
                date=iso_date,
                authority=authority,
                superseded_by=superseded_by,
            )
        return self.document(doc_id)

    @disk_errors_translated
    def reindex(self) -> None:
        """Rebuild the keyword index and embed every passage that has no vector for the current model."""
        with self._writing(vectors=True):
            self._embed_existing(self._documents_without_vectors(), show_progress=False)
            self._rebuild_keyword_index()

    @disk_errors_translated
    def rebuild_derived(self, reembed: Collection[str], orphaned: Collection[str]) -> None:
        """Repair what is derived from the catalog (`drafter.consistency`): vectors of documents the catalog no
        longer has are deleted, the vectors of `reembed` computed anew, the keyword index rebuilt."""
        with self._writing(vectors=True):
            # Asked again under the lock: a document another process or host stored since the check is not orphaned.
            orphaned = [doc_id for doc_id in orphaned if self.catalog.document(doc_id) is None]
            for doc_id in [*orphaned, *reembed]:
                self.vector_store.delete_document(doc_id)
            self._embed_existing(list(reembed), show_progress=False)
            self._rebuild_keyword_index()

    # internals

    def _prepare(
        self, path: Path, doc_type: DocType | None, source: Path | None = None, again: bool = False
    ) -> FileResult | _Prepared:
        """Read, chunk and analyse one file; a FileResult alone means there is nothing to store.

        `source` is where the document's original is kept when the file read is a copy on its way there.
        """
        original = source or path
        try:
            source = str(original.resolve())
            sha = hashlib.sha256(_read_bytes(path, self.settings.max_file_bytes)).hexdigest()
            known = self.catalog.by_source(source)
            if known and known[1] == sha and not again:
                if doc_type is not None:
                    self.update_metadata(known[0], doc_type=doc_type)
                return FileResult(original, "unchanged", known[0], self.document(known[0]).chunk_count)
            loaded = load_document(path, max_bytes=self.settings.max_file_bytes, limits=self.settings.parse_limits)
            doc_id = hashlib.sha256(source.encode()).hexdigest()[:16]
            chunks = chunk_document(loaded, doc_id, self.settings.chunk_chars)
            detected = detect_metadata(
                loaded.text,
                has_answers=any(c.kind == ChunkKind.QA for c in chunks),
                known_date=loaded.metadata.get("date"),
            )
            info = DocumentInfo(
                doc_id=doc_id,
                name=original.name,
                source=source,
                sha256=sha,
                title=_title(loaded),
                doc_type=doc_type or detected.doc_type,
                date=detected.date,
                authority=detected.authority,
                ocr_pages=loaded.metadata.get(OCR_PAGES) or None,
                ocr_warning=loaded.metadata.get(OCR_WARNING) or None,
                chunk_count=len(chunks),
            )
            tokens = [self.analyzer.tokens(index_text(c)) for c in chunks]
            result = FileResult(original, "updated" if known else "added", doc_id, len(chunks))
            return _Prepared(result, info, loaded.text, chunks, tokens, doc_type is not None)
        except DocumentError as error:
            log.warning("%s", error)
            return FileResult(original, "failed", error=str(error))

    def _embed(self, prepared: list[_Prepared], show_progress: bool) -> list[tuple[list[_View], np.ndarray]]:
        """Views and their vectors per prepared document, computed in one large batch (the model is the
        bottleneck)."""
        views = [_vector_views(item.chunks) for item in prepared]
        texts = [text for item_views in views for _, _, text in item_views]
        if show_progress and texts:
            log.info("Berechne %d Vektoren für %d Dokumente", len(texts), len(prepared))
        vectors = self.embedder.encode(texts, show_progress=show_progress)
        bounds = np.cumsum([0] + [len(item_views) for item_views in views])
        return [
            (item_views, vectors[start:end])
            for item_views, (start, end) in zip(views, itertools.pairwise(bounds), strict=True)
        ]

    def _store(
        self,
        prepared: list[_Prepared],
        embedded: list[tuple[list[_View], np.ndarray]],
        report: IngestReport,
        on_file: Callable[[FileResult], None] | None,
    ) -> None:
        for item, (views, item_vectors) in zip(prepared, embedded, strict=True):
            if self.catalog.document(item.info.doc_id) is not None:
                # Asked under the lock, not when the file was read: another process may have stored it since.
                self.vector_store.delete_document(item.info.doc_id)
            self.catalog.save_document(item.info, item.text, item.chunks, item.tokens, item.type_fixed)
            self.vector_store.add(
                [chunk_id for chunk_id, _, _ in views],
                [item.info.doc_id] * len(views),
                [view for _, view, _ in views],
                item_vectors,
            )
            self.catalog.mark_embedded(item.info.doc_id, self.embedder.slug)
            report.files.append(item.result)
            if on_file:
                on_file(item.result)

    def _documents_without_vectors(self) -> list[str]:
        embedded = self.catalog.embedded_documents(self.embedder.slug)
        return [d.doc_id for d in self.catalog.documents() if d.doc_id not in embedded]

    def _embed_existing(self, doc_ids: list[str], show_progress: bool) -> None:
        """Give documents ingested under another embedding model vectors for the current one."""
        for doc_id in tqdm(doc_ids, desc="Vektoren nachtragen", disable=not show_progress):
            chunks = self.catalog.chunks(doc_id)
            views = _vector_views(chunks)
            vectors = self.embedder.encode([text for _, _, text in views])
            self.vector_store.add([c for c, _, _ in views], [doc_id] * len(views), [v for _, v, _ in views], vectors)
            self.catalog.mark_embedded(doc_id, self.embedder.slug)

    def _rebuild_keyword_index(self) -> None:
        """Under the writer lock, after a change of passages: this host's index is current when the write ends."""
        with self.keyword_index.building():
            version = self.catalog.version().passages
            self.keyword_index.rebuild(self.catalog.all_tokens(), version)


_View = tuple[str, str, str]


def _title(loaded: LoadedDocument) -> str:
    """The format's own title (HTML, DOCX, PDF properties, e-mail subject), else one read from the text: the
    loaders fall back to the first line, which is often the letterhead."""
    if loaded.title and loaded.title != first_line(loaded.text):
        return loaded.title
    return document_title(loaded.text) or loaded.title


def _vector_views(chunks: list[Chunk]) -> list[_View]:
    """(chunk_id, view, text to embed): every passage, plus the question alone for answered questions."""
    views = [(c.chunk_id, "passage", index_text(c)) for c in chunks]
    views += [(c.chunk_id, "question", c.question) for c in chunks if c.kind == ChunkKind.QA and c.question]
    return views


def _read_bytes(path: Path, max_bytes: int) -> bytes:
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise DocumentTooLarge(path, size, max_bytes)
        return path.read_bytes()
    except FileNotFoundError as exc:
        raise UnreadableDocument(path, "Die Datei wurde nicht gefunden.") from exc
    except IsADirectoryError as exc:
        raise UnreadableDocument(path, "Das ist ein Ordner, keine Datei.") from exc
    except OSError as exc:
        raise UnreadableDocument(path, f"Die Datei kann nicht gelesen werden ({exc.strerror}).") from exc
