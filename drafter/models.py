"""Plain data passed between the core, the command line and the web app.

Everything here is a dataclass without behaviour beyond small conveniences, so that the
web layer, the CLI and tests can build and inspect these objects without touching a store.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from pathlib import Path


class DocType(StrEnum):
    """What kind of document a knowledge-base entry is; drives ranking and display."""

    PAST_REPLY = "past_reply"
    REPORT = "report"
    PRESS_RELEASE = "press_release"
    MINUTES = "minutes"
    INQUIRY = "inquiry"
    PARTICIPATION = "participation"
    """A participation portal's page (Bürgerdialog): its contributions are citizens' views, not the authority's."""
    OTHER = "other"

    @property
    def label_de(self) -> str:
        return {
            DocType.PAST_REPLY: "Frühere Antwort",
            DocType.REPORT: "Bericht",
            DocType.PRESS_RELEASE: "Pressemitteilung",
            DocType.MINUTES: "Niederschrift",
            DocType.INQUIRY: "Anfrage",
            DocType.PARTICIPATION: "Bürgerbeteiligung",
            DocType.OTHER: "Sonstiges",
        }[self]


@dataclass(frozen=True)
class Page:
    """A page of a paged source (PDF): its number and the character span it covers in the text."""

    number: int
    start: int
    end: int


@dataclass
class LoadedDocument:
    """A file turned into clean text, before chunking.

    `text` is normalised (whitespace, hyphenation, encoding) and every offset elsewhere in
    the system refers to it; `pages` maps offsets back to page numbers for paged formats.
    `metadata` carries what the format itself knows (e-mail headers, HTML title, DOCX core
    properties) under the keys `title`, `date` (ISO `YYYY-MM-DD`), `author`, `sender`, `subject`.
    """

    path: Path
    text: str
    title: str
    pages: list[Page] = field(default_factory=list)
    metadata: dict[str, str] = field(default_factory=dict)

    def page_at(self, offset: int) -> int | None:
        for page in self.pages:
            if page.start <= offset < page.end:
                return page.number
        return self.pages[-1].number if self.pages and offset >= self.pages[-1].start else None


@dataclass
class DocumentInfo:
    """A document as recorded in the knowledge-base catalog."""

    doc_id: str
    name: str
    source: str
    sha256: str
    title: str
    doc_type: DocType
    date: str | None = None
    authority: str | None = None
    superseded_by: str | None = None
    """The doc_id of the document a curator marked as replacing this one: demoted in search, labelled."""
    ocr_pages: str | None = None
    """Pages whose text was recognised from a scan („2, 3“): shown, so a reader knows the text may hold errors."""
    ocr_warning: str | None = None
    """The German note naming pages that could not be recognised."""
    chunk_count: int = 0
    ingested_at: str = ""


class ChunkKind(StrEnum):
    """`qa` chunks are a question of an earlier inquiry together with the answer given to it."""

    TEXT = "text"
    QA = "qa"


@dataclass
class Chunk:
    """A retrievable passage with its position in the source document.

    For `qa` chunks `question` holds the earlier question and `text` reads
    "Frage 1a): …\\nAntwort: …"; `answer_start` is the offset of the answer inside `text`
    so that drafting can quote the answer rather than the question.
    """

    chunk_id: str
    doc_id: str
    ordinal: int
    text: str
    char_start: int
    char_end: int
    kind: ChunkKind = ChunkKind.TEXT
    page: int | None = None
    heading: str | None = None
    label: str | None = None
    question: str | None = None
    answer_start: int = 0

    @property
    def answer(self) -> str:
        return self.text[self.answer_start :]


@dataclass
class SearchHit:
    """One retrieved passage with every score that led to its rank, for explanation in the UI."""

    chunk: Chunk
    document: DocumentInfo
    score: float
    dense_score: float | None = None
    dense_rank: int | None = None
    keyword_score: float | None = None
    keyword_rank: int | None = None
    question_score: float | None = None
    """Dense similarity of the query to the earlier question, for question/answer passages."""
    question_rank: int | None = None
    evidence: float = 0.0
    """IDF-weighted share of the query's content words the passage contains (0–1); drafting abstains below
    a threshold. Words the knowledge base never uses weigh most, so a question about something it does not
    cover scores low even when a passage sounds similar."""
    term_weights: dict[str, float] = field(default_factory=dict, repr=False)
    """IDF of each analysed query term, shared by all hits of one query; drafting ranks sentences with it."""

    def to_json(self) -> dict:
        return {
            "doc": self.document.name,
            "text": self.chunk.text,
            "score": round(self.score, 6),
            "chunk_id": self.chunk.chunk_id,
            "title": self.document.title,
            "doc_type": str(self.document.doc_type),
            "date": self.document.date,
            "page": self.chunk.page,
            "kind": str(self.chunk.kind),
            "dense_score": _round(self.dense_score),
            "dense_rank": self.dense_rank,
            "keyword_score": _round(self.keyword_score),
            "keyword_rank": self.keyword_rank,
            "question_score": _round(self.question_score),
            "question_rank": self.question_rank,
            "evidence": _round(self.evidence),
        }


@dataclass
class SubQuestion:
    """One question of an inquiry, with the label it carries in the source ("1a", "2.3", "II.1")."""

    label: str
    text: str
    group: str | None = None
    start: int = 0
    end: int = 0

    def to_json(self) -> dict:
        return {"label": self.label, "text": self.text, "group": self.group}


class DraftStatus(StrEnum):
    DRAFTED = "drafted"
    INSUFFICIENT_EVIDENCE = "insufficient_evidence"
    NEEDS_REVIEW = "needs_review"


@dataclass
class Citation:
    """A statement's source: which passage, and exactly which text of it the statement relies on.

    `quote_start`/`quote_end` are offsets of `quote` inside `passage_text`.
    """

    marker: int
    chunk_id: str
    doc: str
    title: str
    passage_text: str
    quote: str
    quote_start: int
    quote_end: int
    page: int | None = None
    doc_type: str | None = None
    date: str | None = None
    authority: str | None = None
    superseded: bool = False
    """The document was replaced by a newer one a curator named; shown as „überholt“."""
    other_authority: bool = False
    """The passage is another authority's: its figures must never be presented as the own authority's."""

    def to_json(self) -> dict:
        return {
            "marker": self.marker,
            "doc": self.doc,
            "text": self.passage_text,
            "quote": self.quote,
            "chunk_id": self.chunk_id,
            "title": self.title,
            "quote_start": self.quote_start,
            "quote_end": self.quote_end,
            "page": self.page,
            "date": self.date,
            "authority": self.authority,
            "superseded": self.superseded,
            "other_authority": self.other_authority,
        }


@dataclass
class DraftSentence:
    """A sentence of a draft and the citation markers that back it."""

    text: str
    markers: list[int]
    verified: bool = True
    note: str | None = None
    """Shown after the sentence, e.g. „Stand 11/2024“ when a newer document states the same figure."""


@dataclass
class DraftAnswer:
    label: str
    question: str
    answer: str
    status: DraftStatus
    citations: list[Citation] = field(default_factory=list)
    sentences: list[DraftSentence] = field(default_factory=list)
    group: str | None = None
    method: str = "extractive"
    notice: str | None = None

    def to_json(self) -> dict:
        return {
            "label": self.label,
            "question": self.question,
            "group": self.group,
            "answer": self.answer,
            "status": str(self.status),
            "method": self.method,
            "notice": self.notice,
            "citations": [c.to_json() for c in self.citations],
            "sentences": [asdict(s) for s in self.sentences],
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(float(value), 6)
