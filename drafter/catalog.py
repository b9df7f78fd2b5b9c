"""The knowledge base's record of documents and passages: a SQLite file in the data directory, or PostgreSQL.

It is the source of truth: Chroma holds vectors and the keyword index holds scores, both
derived from what is recorded here and rebuilt from it when needed. Analysed keyword tokens
are stored per passage so the keyword index can be rebuilt at ingest without analysing
every passage again. What a curator corrected (title, type, date, authority) is kept per
source file in `corrections` and laid over what a new version of the file is detected as,
so a re-upload never undoes a correction.

One code path (SQLAlchemy Core) serves both databases. The SQLite file keeps the table names
it always had, so catalogs written by earlier versions open as they are. In PostgreSQL, which
the web application's tables may share, every table's name starts with `knowledge_`; the
catalog creates its tables itself. Several application hosts share a PostgreSQL catalog:
`version` (a counter row changed in the same transaction as every change) tells each host
that its cached documents and its local keyword index are behind, and `writer_lock` lets one
writer of the knowledge base at a time in, across hosts (a PostgreSQL advisory lock) or, for
a SQLite file, across the processes of its host (a file lock beside it).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    Engine,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Table,
    Text,
    create_engine,
    delete,
    event,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite

from drafter.config import sqlalchemy_url
from drafter.interprocess import LockTimeout, file_lock
from drafter.models import Chunk, ChunkKind, DocType, DocumentInfo

_CORRECTABLE = frozenset({"doc_type", "title", "date", "authority", "superseded_by"})
_WRITER_LOCK_KEY = 0x64726166746572  # "drafter": the PostgreSQL advisory lock of the knowledge base's one writer
_SCHEMA_LOCK_KEY = _WRITER_LOCK_KEY + 1  # held while the tables are created, by whoever opens the catalog first
_BATCH = 500  # ids per IN (...): SQLite limits the number of parameters
SHARED_TABLE_PREFIX = "knowledge_"
"""The catalog's tables in a database it shares with the web application (PostgreSQL) start with this."""


@dataclass(frozen=True)
class CatalogVersion:
    """How often the catalog has changed: `changes` counts every change, `passages` only those of the passages
    (a document saved or deleted), which are all the keyword index depends on."""

    changes: int
    passages: int


class _Tables:
    """The catalog's tables; `prefix` keeps them apart from other tables in a shared database."""

    def __init__(self, prefix: str) -> None:
        self.metadata = MetaData()
        self.documents = Table(
            f"{prefix}documents",
            self.metadata,
            Column("doc_id", Text, primary_key=True),
            Column("name", Text, nullable=False),
            Column("source", Text, nullable=False, unique=True),
            Column("sha256", Text, nullable=False),
            Column("title", Text, nullable=False),
            Column("doc_type", Text, nullable=False),
            Column("corrections", Text, nullable=False, server_default="{}"),
            Column("date", Text),
            Column("authority", Text),
            Column("superseded_by", Text),
            Column("ocr_pages", Text),
            Column("ocr_warning", Text),
            Column("text", Text, nullable=False),
            Column("ingested_at", Text, nullable=False),
        )
        self.chunks = Table(
            f"{prefix}chunks",
            self.metadata,
            Column("chunk_id", Text, primary_key=True),
            Column("doc_id", Text, ForeignKey(self.documents.c.doc_id, ondelete="CASCADE"), nullable=False),
            Column("ordinal", Integer, nullable=False),
            Column("text", Text, nullable=False),
            Column("char_start", Integer, nullable=False),
            Column("char_end", Integer, nullable=False),
            Column("kind", Text, nullable=False),
            Column("page", Integer),
            Column("heading", Text),
            Column("label", Text),
            Column("question", Text),
            Column("answer_start", Integer, nullable=False, server_default="0"),
            Column("tokens", Text, nullable=False),
        )
        Index(f"{prefix}chunks_doc", self.chunks.c.doc_id, self.chunks.c.ordinal)
        self.embedded = Table(
            f"{prefix}embedded",
            self.metadata,
            Column("doc_id", Text, ForeignKey(self.documents.c.doc_id, ondelete="CASCADE"), primary_key=True),
            Column("model", Text, primary_key=True),
        )
        self.version = Table(
            f"{SHARED_TABLE_PREFIX}version",
            self.metadata,
            Column("id", Integer, primary_key=True, autoincrement=False),
            Column("changes", BigInteger, nullable=False),
            Column("passages", BigInteger, nullable=False),
        )
        d, c = self.documents.c, self.chunks.c
        passage_count = select(func.count()).where(c.doc_id == d.doc_id).scalar_subquery()
        self.document_columns = (
            d.doc_id,
            d.name,
            d.source,
            d.sha256,
            d.title,
            d.doc_type,
            d.date,
            d.authority,
            d.superseded_by,
            d.ocr_pages,
            d.ocr_warning,
            d.ingested_at,
            passage_count,
        )
        self.chunk_columns = (
            c.chunk_id,
            c.doc_id,
            c.ordinal,
            c.text,
            c.char_start,
            c.char_end,
            c.kind,
            c.page,
            c.heading,
            c.label,
            c.question,
            c.answer_start,
        )


class Catalog:
    def __init__(self, location: Path | str) -> None:
        """`location`: the SQLite file (a path), or a database URL (`postgresql://…`, `sqlite:///…`)."""
        url = catalog_url(location)
        self.shared = not url.startswith("sqlite")
        """True for a database server that several hosts may share; False for a SQLite file on this host."""
        self._t = _Tables(SHARED_TABLE_PREFIX if self.shared else "")
        self._writer_lock_file: Path | None = None
        if self.shared:
            self._engine = create_engine(url, pool_pre_ping=True)
        else:
            file = Path(url.removeprefix("sqlite:///"))
            file.parent.mkdir(parents=True, exist_ok=True)
            self._writer_lock_file = file.with_name("write.lock")
            self._engine = create_engine(url, connect_args={"check_same_thread": False})
            _use_sqlite_transactions(self._engine)
        self._create_tables()

    def _create_tables(self) -> None:
        """CREATE TABLE for what is missing, and the counter row; under a lock from the first look at what exists
        (PostgreSQL: an advisory lock, SQLite: BEGIN IMMEDIATE), because two processes or hosts starting at once
        would otherwise both create the same table or add the same column."""
        with self._engine.connect().execution_options(immediate=True) as db, db.begin():
            if self.shared:
                db.execute(select(func.pg_advisory_xact_lock(_SCHEMA_LOCK_KEY)))
            self._t.metadata.create_all(db)
            if not self.shared:
                self._add_missing_columns(db)
            db.execute(_insert_ignoring_duplicates(db, self._t.version).values(id=1, changes=0, passages=0))

    def _add_missing_columns(self, db: Connection) -> None:
        """Catalogs written by earlier versions: corrections replaced a `type_fixed` flag (a fixed type becomes
        the first correction), and a document can since be marked as superseded."""
        columns = {row[1] for row in db.exec_driver_sql("PRAGMA table_info(documents)")}
        if "corrections" not in columns:
            db.exec_driver_sql("ALTER TABLE documents ADD COLUMN corrections TEXT NOT NULL DEFAULT '{}'")
            db.exec_driver_sql(
                "UPDATE documents SET corrections = json_object('doc_type', doc_type) WHERE type_fixed = 1"
            )
        for column in ("superseded_by", "ocr_pages", "ocr_warning"):
            if column not in columns:
                db.exec_driver_sql(f"ALTER TABLE documents ADD COLUMN {column} TEXT")

    def close(self) -> None:
        self._engine.dispose()

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        with self._engine.begin() as db:
            yield db

    def _changed(self, db: Connection, passages: bool) -> None:
        """Count a change, in the transaction that makes it: readers compare the count with what they have seen."""
        v = self._t.version.c
        values = {"changes": v.changes + 1, **({"passages": v.passages + 1} if passages else {})}
        db.execute(update(self._t.version).where(v.id == 1).values(**values))

    def version(self) -> CatalogVersion:
        with self._engine.connect() as db:
            changes, passages = db.execute(select(self._t.version.c.changes, self._t.version.c.passages)).one()
        return CatalogVersion(changes, passages)

    @contextmanager
    def writer_lock(self, timeout: float | None = None) -> Iterator[None]:
        """One writer of the knowledge base at a time: in PostgreSQL across all hosts (an advisory lock, released
        by the server when the holder's connection ends, so a killed process never keeps it), for a SQLite file
        across the processes of this host (`write.lock` beside it). `timeout` (seconds) gives up with LockTimeout."""
        if self._writer_lock_file is not None:
            with file_lock(self._writer_lock_file, timeout=timeout):
                yield
            return
        with self._engine.connect().execution_options(isolation_level="AUTOCOMMIT") as db:
            if timeout is None:
                db.execute(select(func.pg_advisory_lock(_WRITER_LOCK_KEY)))
            else:
                deadline = time.monotonic() + timeout
                while not db.execute(select(func.pg_try_advisory_lock(_WRITER_LOCK_KEY))).scalar():
                    if time.monotonic() >= deadline:
                        raise LockTimeout(f"Schreibsperre der Wissensbasis nicht binnen {timeout:g} s erhalten")
                    time.sleep(0.05)
            try:
                yield
            finally:
                db.execute(select(func.pg_advisory_unlock(_WRITER_LOCK_KEY)))

    def _rows(self, statement) -> list[tuple]:
        with self._engine.connect() as db:
            return [tuple(row) for row in db.execute(statement)]

    # documents

    def documents(self) -> list[DocumentInfo]:
        d = self._t.documents.c
        return [_document(row) for row in self._rows(select(*self._t.document_columns).order_by(d.name))]

    def document(self, doc_id: str) -> DocumentInfo | None:
        d = self._t.documents.c
        rows = self._rows(select(*self._t.document_columns).where(d.doc_id == doc_id))
        return _document(rows[0]) if rows else None

    def find_documents(self, reference: str) -> list[DocumentInfo]:
        """Documents whose id, file name or source path is `reference`."""
        d = self._t.documents.c
        rows = self._rows(
            select(d.doc_id).where(or_(d.doc_id == reference, d.name == reference, d.source == reference))
        )
        return [doc for (doc_id,) in rows if (doc := self.document(doc_id))]

    def by_source(self, source: str) -> tuple[str, str] | None:
        """(doc_id, sha256) of the document ingested from `source`."""
        d = self._t.documents.c
        rows = self._rows(select(d.doc_id, d.sha256).where(d.source == source))
        return (rows[0][0], rows[0][1]) if rows else None

    def document_text(self, doc_id: str) -> str | None:
        d = self._t.documents.c
        rows = self._rows(select(d.text).where(d.doc_id == doc_id))
        return rows[0][0] if rows else None

    def save_document(
        self, info: DocumentInfo, text: str, chunks: list[Chunk], tokens: list[list[str]], type_fixed: bool
    ) -> DocumentInfo:
        """Insert or replace a document together with all its passages, atomically; the curator's corrections
        of an earlier version of the same file win over what was detected. Returns the document as stored."""
        documents = self._t.documents
        with self.transaction() as db:
            row = db.execute(select(documents.c.corrections).where(documents.c.source == info.source)).first()
            corrections = json.loads(row[0]) if row else {}
            if type_fixed:
                corrections["doc_type"] = str(info.doc_type)
            info = replace(info, **{k: DocType(v) if k == "doc_type" else v for k, v in corrections.items()})
            db.execute(
                delete(documents).where(or_(documents.c.doc_id == info.doc_id, documents.c.source == info.source))
            )
            db.execute(
                insert(documents).values(
                    doc_id=info.doc_id,
                    name=info.name,
                    source=info.source,
                    sha256=info.sha256,
                    title=info.title,
                    doc_type=str(info.doc_type),
                    corrections=json.dumps(corrections),
                    date=info.date,
                    authority=info.authority,
                    superseded_by=info.superseded_by,
                    ocr_pages=info.ocr_pages,
                    ocr_warning=info.ocr_warning,
                    text=text,
                    ingested_at=_now(),
                )
            )
            if chunks:
                db.execute(
                    insert(self._t.chunks),
                    [
                        {
                            "chunk_id": c.chunk_id,
                            "doc_id": c.doc_id,
                            "ordinal": c.ordinal,
                            "text": c.text,
                            "char_start": c.char_start,
                            "char_end": c.char_end,
                            "kind": str(c.kind),
                            "page": c.page,
                            "heading": c.heading,
                            "label": c.label,
                            "question": c.question,
                            "answer_start": c.answer_start,
                            "tokens": " ".join(t),
                        }
                        for c, t in zip(chunks, tokens, strict=True)
                    ],
                )
            self._changed(db, passages=True)
        return info

    def update_document(self, doc_id: str, **fields: str | None) -> None:
        """A curator's correction: applied now and remembered for every later version of the file."""
        updates = {k: v for k, v in fields.items() if k in _CORRECTABLE and v is not None}
        if not updates:
            return
        documents = self._t.documents
        with self.transaction() as db:
            row = db.execute(select(documents.c.corrections).where(documents.c.doc_id == doc_id)).first()
            corrections = {**(json.loads(row[0]) if row else {}), **updates}
            db.execute(
                update(documents)
                .where(documents.c.doc_id == doc_id)
                .values(**updates, corrections=json.dumps(corrections))
            )
            self._changed(db, passages=False)

    def delete_document(self, doc_id: str) -> None:
        with self.transaction() as db:
            db.execute(delete(self._t.documents).where(self._t.documents.c.doc_id == doc_id))
            self._changed(db, passages=True)

    # passages

    def chunks(self, doc_id: str) -> list[Chunk]:
        c = self._t.chunks.c
        rows = self._rows(select(*self._t.chunk_columns).where(c.doc_id == doc_id).order_by(c.ordinal))
        return [_chunk(row) for row in rows]

    def chunks_by_id(self, chunk_ids: list[str]) -> dict[str, Chunk]:
        return {row[0]: _chunk(row) for row in self._rows_by_id(self._t.chunk_columns, chunk_ids)}

    def passages(self, chunk_ids: list[str]) -> dict[str, tuple[Chunk, frozenset[str]]]:
        """Passages with their analysed keyword tokens, for scoring candidates without analysing again."""
        rows = self._rows_by_id((*self._t.chunk_columns, self._t.chunks.c.tokens), chunk_ids)
        return {row[0]: (_chunk(row[:-1]), frozenset(row[-1].split())) for row in rows}

    def _rows_by_id(self, columns: tuple, chunk_ids: list[str]) -> Iterator[tuple]:
        for start in range(0, len(chunk_ids), _BATCH):
            batch = chunk_ids[start : start + _BATCH]
            yield from self._rows(select(*columns).where(self._t.chunks.c.chunk_id.in_(batch)))

    def all_tokens(self) -> Iterator[tuple[str, str]]:
        """(chunk_id, space-separated tokens) for every passage, in a stable order."""
        c = self._t.chunks.c
        yield from self._rows(select(c.chunk_id, c.tokens).order_by(c.doc_id, c.ordinal))

    def chunk_count(self) -> int:
        return self._rows(select(func.count()).select_from(self._t.chunks))[0][0]

    # which documents have vectors for which embedding model

    def embedded_documents(self, model: str) -> set[str]:
        e = self._t.embedded.c
        return {row[0] for row in self._rows(select(e.doc_id).where(e.model == model))}

    def mark_embedded(self, doc_id: str, model: str) -> None:
        """Not counted as a change: it alters nothing a search reads from the catalog."""
        with self.transaction() as db:
            db.execute(_insert_ignoring_duplicates(db, self._t.embedded).values(doc_id=doc_id, model=model))


def catalog_url(location: Path | str) -> str:
    """The SQLAlchemy URL of a catalog given as a file path or a URL."""
    return f"sqlite:///{location}" if isinstance(location, Path) else sqlalchemy_url(location)


def _use_sqlite_transactions(engine: Engine) -> None:
    """Let SQLAlchemy, not Python's sqlite3 module, begin transactions (the module would begin them late, after
    the first read of a read-then-write; the execution option `immediate` takes the write lock at once), and
    switch on what SQLite leaves off per connection: cascading
    deletes, and the write-ahead log that lets readers in other processes read while one writes."""

    @event.listens_for(engine, "connect")
    def _connect(connection, _record) -> None:
        connection.isolation_level = None
        connection.execute("PRAGMA foreign_keys=ON")
        connection.execute("PRAGMA journal_mode=WAL")

    @event.listens_for(engine, "begin")
    def _begin(connection) -> None:
        immediate = connection.get_execution_options().get("immediate")
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _insert_ignoring_duplicates(db: Connection, table: Table):
    dialect = postgresql if db.dialect.name == "postgresql" else sqlite
    return dialect.insert(table).on_conflict_do_nothing()


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
