"""The knowledge base's record of documents and passages, in SQLite beside the vector store.

It is the source of truth: Chroma holds vectors and the keyword index holds scores, both
derived from what is recorded here and rebuilt from it when needed. Analysed keyword tokens
are stored per passage so the keyword index can be rebuilt at ingest without analysing
every passage again. What a curator corrected (title, type, date, authority) is kept per
source file in `corrections` and laid over what a new version of the file is detected as,
so a re-upload never undoes a correction.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from drafter.models import Chunk, ChunkKind, DocType, DocumentInfo

_SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    doc_id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    source TEXT NOT NULL UNIQUE,
    sha256 TEXT NOT NULL,
    title TEXT NOT NULL,
    doc_type TEXT NOT NULL,
    corrections TEXT NOT NULL DEFAULT '{}',
    date TEXT,
    authority TEXT,
    superseded_by TEXT,
    ocr_pages TEXT,
    ocr_warning TEXT,
    text TEXT NOT NULL,
    ingested_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS chunks (
    chunk_id TEXT PRIMARY KEY,
    doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
    ordinal INTEGER NOT NULL,
    text TEXT NOT NULL,
    char_start INTEGER NOT NULL,
    char_end INTEGER NOT NULL,
    kind TEXT NOT NULL,
    page INTEGER,
    heading TEXT,
    label TEXT,
    question TEXT,
    answer_start INTEGER NOT NULL DEFAULT 0,
    tokens TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS chunks_doc ON chunks(doc_id, ordinal);
CREATE TABLE IF NOT EXISTS embedded (
    doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
    model TEXT NOT NULL,
    PRIMARY KEY (doc_id, model)
);
"""

_CORRECTABLE = frozenset({"doc_type", "title", "date", "authority", "superseded_by"})
_DOC_COLUMNS = (
    "doc_id, name, source, sha256, title, doc_type, date, authority, superseded_by, ocr_pages, ocr_warning, ingested_at"
)
_CHUNK_COLUMNS = (
    "chunk_id, doc_id, ordinal, text, char_start, char_end, kind, page, heading, label, question, answer_start"
)


class Catalog:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA foreign_keys=ON")
        self._db.executescript(_SCHEMA)
        self._add_missing_columns()

    def _add_missing_columns(self) -> None:
        """Catalogs written by earlier versions: corrections replaced a `type_fixed` flag (a fixed type becomes
        the first correction), and a document can since be marked as superseded."""
        columns = {row[1] for row in self._db.execute("PRAGMA table_info(documents)")}
        with self.transaction() as db:
            if "corrections" not in columns:
                db.execute("ALTER TABLE documents ADD COLUMN corrections TEXT NOT NULL DEFAULT '{}'")
                db.execute("UPDATE documents SET corrections = json_object('doc_type', doc_type) WHERE type_fixed = 1")
            for column in ("superseded_by", "ocr_pages", "ocr_warning"):
                if column not in columns:
                    db.execute(f"ALTER TABLE documents ADD COLUMN {column} TEXT")

    def close(self) -> None:
        with self._lock:
            self._db.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def _query(self, sql: str, params: Iterable = ()) -> list[tuple]:
        with self._lock:
            return self._db.execute(sql, tuple(params)).fetchall()

    # documents

    def documents(self) -> list[DocumentInfo]:
        rows = self._query(
            f"SELECT {_DOC_COLUMNS}, (SELECT COUNT(*) FROM chunks c WHERE c.doc_id = d.doc_id) "
            "FROM documents d ORDER BY name"
        )
        return [_document(row) for row in rows]

    def document(self, doc_id: str) -> DocumentInfo | None:
        rows = self._query(
            f"SELECT {_DOC_COLUMNS}, (SELECT COUNT(*) FROM chunks c WHERE c.doc_id = d.doc_id) "
            "FROM documents d WHERE doc_id = ?",
            (doc_id,),
        )
        return _document(rows[0]) if rows else None

    def find_documents(self, reference: str) -> list[DocumentInfo]:
        """Documents whose id, file name or source path is `reference`."""
        rows = self._query(
            "SELECT doc_id FROM documents WHERE doc_id = ? OR name = ? OR source = ?", (reference, reference, reference)
        )
        return [doc for (doc_id,) in rows if (doc := self.document(doc_id))]

    def by_source(self, source: str) -> tuple[str, str] | None:
        """(doc_id, sha256) of the document ingested from `source`."""
        rows = self._query("SELECT doc_id, sha256 FROM documents WHERE source = ?", (source,))
        return (rows[0][0], rows[0][1]) if rows else None

    def document_text(self, doc_id: str) -> str | None:
        rows = self._query("SELECT text FROM documents WHERE doc_id = ?", (doc_id,))
        return rows[0][0] if rows else None

    def save_document(
        self, info: DocumentInfo, text: str, chunks: list[Chunk], tokens: list[list[str]], type_fixed: bool
    ) -> DocumentInfo:
        """Insert or replace a document together with all its passages, atomically; the curator's corrections
        of an earlier version of the same file win over what was detected. Returns the document as stored."""
        with self.transaction() as db:
            row = db.execute("SELECT corrections FROM documents WHERE source = ?", (info.source,)).fetchone()
            corrections = json.loads(row[0]) if row else {}
            if type_fixed:
                corrections["doc_type"] = str(info.doc_type)
            info = replace(info, **{k: DocType(v) if k == "doc_type" else v for k, v in corrections.items()})
            db.execute("DELETE FROM documents WHERE doc_id = ? OR source = ?", (info.doc_id, info.source))
            db.execute(
                "INSERT INTO documents (doc_id, name, source, sha256, title, doc_type, corrections, date, "
                "authority, superseded_by, ocr_pages, ocr_warning, text, ingested_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    info.doc_id,
                    info.name,
                    info.source,
                    info.sha256,
                    info.title,
                    str(info.doc_type),
                    json.dumps(corrections),
                    info.date,
                    info.authority,
                    info.superseded_by,
                    info.ocr_pages,
                    info.ocr_warning,
                    text,
                    _now(),
                ),
            )
            db.executemany(
                f"INSERT INTO chunks ({_CHUNK_COLUMNS}, tokens) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        c.chunk_id,
                        c.doc_id,
                        c.ordinal,
                        c.text,
                        c.char_start,
                        c.char_end,
                        str(c.kind),
                        c.page,
                        c.heading,
                        c.label,
                        c.question,
                        c.answer_start,
                        " ".join(t),
                    )
                    for c, t in zip(chunks, tokens, strict=True)
                ],
            )
        return info

    def update_document(self, doc_id: str, **fields: str | None) -> None:
        """A curator's correction: applied now and remembered for every later version of the file."""
        updates = {k: v for k, v in fields.items() if k in _CORRECTABLE and v is not None}
        if not updates:
            return
        assignments = ", ".join(f"{column} = ?" for column in updates)
        with self.transaction() as db:
            row = db.execute("SELECT corrections FROM documents WHERE doc_id = ?", (doc_id,)).fetchone()
            corrections = {**(json.loads(row[0]) if row else {}), **updates}
            db.execute(
                f"UPDATE documents SET {assignments}, corrections = ? WHERE doc_id = ?",
                (*updates.values(), json.dumps(corrections), doc_id),
            )

    def delete_document(self, doc_id: str) -> None:
        with self.transaction() as db:
            db.execute("DELETE FROM documents WHERE doc_id = ?", (doc_id,))

    # passages

    def chunks(self, doc_id: str) -> list[Chunk]:
        rows = self._query(f"SELECT {_CHUNK_COLUMNS} FROM chunks WHERE doc_id = ? ORDER BY ordinal", (doc_id,))
        return [_chunk(row) for row in rows]

    def chunks_by_id(self, chunk_ids: list[str]) -> dict[str, Chunk]:
        return {row[0]: _chunk(row) for row in self._rows_by_id(_CHUNK_COLUMNS, chunk_ids)}

    def passages(self, chunk_ids: list[str]) -> dict[str, tuple[Chunk, frozenset[str]]]:
        """Passages with their analysed keyword tokens, for scoring candidates without analysing again."""
        rows = self._rows_by_id(f"{_CHUNK_COLUMNS}, tokens", chunk_ids)
        return {row[0]: (_chunk(row[:-1]), frozenset(row[-1].split())) for row in rows}

    def _rows_by_id(self, columns: str, chunk_ids: list[str]) -> Iterator[tuple]:
        for start in range(0, len(chunk_ids), 500):  # SQLite limits the number of parameters
            batch = chunk_ids[start : start + 500]
            marks = ",".join("?" * len(batch))
            yield from self._query(f"SELECT {columns} FROM chunks WHERE chunk_id IN ({marks})", batch)

    def all_tokens(self) -> Iterator[tuple[str, str]]:
        """(chunk_id, space-separated tokens) for every passage, in a stable order."""
        yield from self._query("SELECT chunk_id, tokens FROM chunks ORDER BY doc_id, ordinal")

    def chunk_count(self) -> int:
        return self._query("SELECT COUNT(*) FROM chunks")[0][0]

    # which documents have vectors for which embedding model

    def embedded_documents(self, model: str) -> set[str]:
        return {row[0] for row in self._query("SELECT doc_id FROM embedded WHERE model = ?", (model,))}

    def mark_embedded(self, doc_id: str, model: str) -> None:
        with self.transaction() as db:
            db.execute("INSERT OR IGNORE INTO embedded (doc_id, model) VALUES (?, ?)", (doc_id, model))


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _document(row: tuple) -> DocumentInfo:
    (
        doc_id,
        name,
        source,
        sha,
        title,
        doc_type,
        date,
        authority,
        superseded_by,
        ocr_pages,
        ocr_warning,
        ingested_at,
        count,
    ) = row
    return DocumentInfo(
        doc_id=doc_id,
        name=name,
        source=source,
        sha256=sha,
        title=title,
        doc_type=DocType(doc_type),
        date=date,
        authority=authority,
        superseded_by=superseded_by,
        ocr_pages=ocr_pages,
        ocr_warning=ocr_warning,
        chunk_count=count,
        ingested_at=ingested_at,
    )


def _chunk(row: tuple) -> Chunk:
    chunk_id, doc_id, ordinal, text, start, end, kind, page, heading, label, question, answer_start = row
    return Chunk(
        chunk_id=chunk_id,
        doc_id=doc_id,
        ordinal=ordinal,
        text=text,
        char_start=start,
        char_end=end,
        kind=ChunkKind(kind),
        page=page,
        heading=heading,
        label=label,
        question=question,
        answer_start=answer_start,
    )
