"""BM25 over analysed German tokens, persisted on disk and rebuilt only at ingest.

bm25s precomputes every term's scores into a sparse matrix, so a query is a few column
look-ups; rebuilding from the catalog's stored tokens needs no text analysis. Queries never
rebuild anything: the index is loaded once (memory-mapped) and reloaded only when an ingest,
in this or another process, has written a newer one. A new index is written beside the old
one, synced to disk and swapped in under a file lock, so a reader never loads half of each:
the old index is renamed aside before the new one takes its name, and only then deleted. A
crash between the two renames leaves the old one aside, and `recover` puts it back.

The index records the catalog version (`CatalogVersion.passages`) it was built from. Each host
keeps its own index, a replica of the catalog's stored tokens: a host whose index is older than
the catalog builds a new one while its searches go on with the old (see `KnowledgeBase`). One
build at a time per data directory (`rebuilding-keyword.lock`), so two processes never write
the same staging folder and a build of an older version never replaces a newer one.
"""

from __future__ import annotations

import json
import logging
import math
import shutil
import threading
from collections.abc import Iterable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import bm25s
import numpy as np

from drafter.atomic_files import sync_directory, sync_tree
from drafter.interprocess import LockTimeout, file_lock
from drafter.retrieval.german_analyzer import GermanAnalyzer

log = logging.getLogger(__name__)
_IDS_FILE = "chunk_ids.json"
_VERSION_FILE = "catalog_version.json"
_MIN_VERB_STEM = 4
"""Shorter, a stem without its „-t“ is no verb's: „Amt“ is not „am“, „Gast“ not „gas“."""


class KeywordIndex:
    def __init__(self, directory: Path, analyzer: GermanAnalyzer) -> None:
        self.directory = directory
        self.analyzer = analyzer
        self._swap_lock = directory.with_name(directory.name + ".lock")
        self._build_lock = directory.with_name(f"rebuilding-{directory.name}.lock")
        self._lock = threading.Lock()
        self._loaded = False
        self._loaded_version: tuple[int, int] | None = None
        self._bm25: bm25s.BM25 | None = None
        self._chunk_ids: list[str] = []
        self._vocab: set[str] = set()
        self._doc_codes: dict[str, int] = {}
        self._passage_docs = np.zeros(0, dtype=np.int32)
        self._built_from: int | None = None

    @property
    def chunk_ids(self) -> list[str]:
        self._ensure_loaded()
        return self._chunk_ids

    def built_from(self) -> int | None:
        """The catalog version the index in use was built from; None for none or one from before versions."""
        self._ensure_loaded()
        return self._built_from

    @contextmanager
    def building(self, wait: bool = True) -> Iterator[bool]:
        """Hold the right to build (yields True); with `wait` False, yields False at once if another thread or
        process of this data directory is building, so a search that noticed a stale index need not wait."""
        with ExitStack() as held:
            try:
                held.enter_context(file_lock(self._build_lock, timeout=None if wait else 0))
            except LockTimeout:
                yield False
                return
            yield True

    def rebuild(self, rows: Iterable[tuple[str, str]], version: int) -> int:
        """Write a new index from (chunk_id, space-separated tokens) of catalog `version`; returns the number of
        passages. Only inside `building`; `version` is read before the rows, so an index is never labelled newer
        than what it holds."""
        chunk_ids: list[str] = []
        vocab: dict[str, int] = {}
        corpus_ids: list[list[int]] = []
        for chunk_id, tokens in rows:
            chunk_ids.append(chunk_id)
            corpus_ids.append([vocab.setdefault(token, len(vocab)) for token in tokens.split()])
        staging = self._beside("new")
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        if chunk_ids:
            bm25 = bm25s.BM25()
            bm25.index(bm25s.tokenization.Tokenized(ids=corpus_ids, vocab=vocab), show_progress=False)
            bm25.save(staging, show_progress=False)
        (staging / _IDS_FILE).write_text(json.dumps(chunk_ids))
        (staging / _VERSION_FILE).write_text(json.dumps(version))
        sync_tree(staging)
        previous = self._beside("old")
        with self._lock, file_lock(self._swap_lock):
            shutil.rmtree(previous, ignore_errors=True)
            if self.directory.exists():
                self.directory.rename(previous)
            staging.rename(self.directory)
            sync_directory(self.directory.parent)
            shutil.rmtree(previous, ignore_errors=True)
            self._loaded = False
        return len(chunk_ids)

    def recover(self) -> None:
        """After a crash: put back an index that was renamed aside but not replaced, drop a half-written one.

        Skipped while another process builds (it holds the build lock): what looks half-written is its work.
        """
        with self.building(wait=False) as ours:
            if not ours:
                return
            previous = self._beside("old")
            with self._lock, file_lock(self._swap_lock):
                if previous.exists() and not self.directory.exists():
                    previous.rename(self.directory)
                shutil.rmtree(previous, ignore_errors=True)
                shutil.rmtree(self._beside("new"), ignore_errors=True)
                self._loaded = False

    def _beside(self, kind: str) -> Path:
        return self.directory.with_name(f"{self.directory.name}.{kind}")

    def search(self, query: str, k: int, allowed: np.ndarray | None = None) -> list[tuple[str, float]]:
        """Top `k` (chunk_id, score) pairs with a positive score; `allowed` is a boolean mask over passages."""
        self._ensure_loaded()
        tokens = [known for token in self.analyzer.tokens(query) if (known := self._known_form(token))]
        if self._bm25 is None or not tokens:
            return []
        scores = self._bm25.get_scores(tokens)
        if allowed is not None:
            scores = np.where(allowed, scores, 0.0)
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(self._chunk_ids[i], float(scores[i])) for i in top if scores[i] > 0]

    def mask_for_documents(self, doc_ids: set[str]) -> np.ndarray:
        """Boolean mask over the indexed passages: True where the passage belongs to one of `doc_ids`."""
        self._ensure_loaded()
        codes = [code for doc_id, code in self._doc_codes.items() if doc_id in doc_ids]
        return np.isin(self._passage_docs, codes)

    def term_weights(self, query: str) -> dict[str, float]:
        """The query's terms with their inverse document frequency, for judging how well a passage covers it.

        A compound's part that the knowledge base never uses is left out when the whole word is used: the
        splitter's guess „Abtei|lungen“ for „Abteilungen“ is no word the question asks about, and with the
        highest weight it would make every passage look as if it missed the question's rarest term."""
        self._ensure_loaded()
        terms: set[str] = set()
        for stem, parts in self.analyzer.words(query):
            known = self._known_form(stem)
            terms.add(known or stem)
            terms.update(p for p in parts if not known or p in self._vocab)
        return self.idf(sorted(terms))

    def _known_form(self, stem: str) -> str | None:
        """The stem as the knowledge base uses it, or None. The Snowball stemmer keeps a verb's „-t“
        („beginnt“, „betreibt“, „bezahlt“), so a question asking when something „beginnt“ would miss the
        „Beginn“ that answers it; a stem no passage uses is therefore also looked up without its „-t“ and
        with one added."""
        if stem in self._vocab:
            return stem
        variants = (stem[:-1], stem.removesuffix("et")) if stem.endswith("t") else (f"{stem}t",)
        return next((v for v in variants if len(v) >= _MIN_VERB_STEM and v in self._vocab), None)

    def idf(self, tokens: list[str]) -> dict[str, float]:
        """Inverse document frequency per token; a token the corpus never uses gets the highest value.

        Drafting uses it to judge whether a passage covers what a question is about: a question
        whose rare words the knowledge base never mentions has no basis for an answer.
        """
        self._ensure_loaded()
        total = len(self._chunk_ids)
        indptr = self._bm25.scores["indptr"] if self._bm25 else None
        result: dict[str, float] = {}
        for token in tokens:
            column = self._bm25.vocab_dict.get(token) if self._bm25 else None
            frequency = int(indptr[column + 1] - indptr[column]) if column is not None else 0
            result[token] = math.log(1 + (total - frequency + 0.5) / (frequency + 0.5))
        return result

    def _version(self) -> tuple[int, int] | None:
        """Identity of the index on disk: every rebuild writes a new file (new inode)."""
        try:
            status = (self.directory / _IDS_FILE).stat()
        except FileNotFoundError:
            return None
        return status.st_ino, status.st_mtime_ns

    def _ensure_loaded(self) -> None:
        if self._loaded and self._version() == self._loaded_version:
            return
        with self._lock, file_lock(self._swap_lock, shared=True):
            version = self._version()
            if self._loaded and version == self._loaded_version:
                return
            ids_file = self.directory / _IDS_FILE
            self._chunk_ids = json.loads(ids_file.read_text()) if version else []
            doc_ids = [chunk_id.rsplit(":", 1)[0] for chunk_id in self._chunk_ids]
            self._doc_codes = {doc_id: code for code, doc_id in enumerate(dict.fromkeys(doc_ids))}
            self._passage_docs = np.array([self._doc_codes[d] for d in doc_ids], dtype=np.int32)
            has_matrix = version is not None and (self.directory / "params.index.json").exists()
            self._bm25 = bm25s.BM25.load(self.directory, mmap=True, show_progress=False) if has_matrix else None
            self._vocab = set(self._bm25.vocab_dict) if self._bm25 else set()
            version_file = self.directory / _VERSION_FILE
            self._built_from = json.loads(version_file.read_text()) if version and version_file.exists() else None
            self._loaded_version = version
            self._loaded = True
