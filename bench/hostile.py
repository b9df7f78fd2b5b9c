"""Parse time and peak memory of hostile files next to a normal 50-page PDF, and the child process's cost per file.

    python bench/hostile.py

Makes in a temporary folder: a DOCX zip bomb (2.5 MB whose XML unpacks to 1 GB), a DOCX of
100,000 short paragraphs, a PDF of 50,000 pages and a normal 50-page PDF (both with fpdf2).
Each is read as `load_document` reads it, in a child process, twice: with the default limits,
and with the content limits lifted, so that only the child's memory and CPU-time limits hold.
Prints the seconds the caller waited, the child's peak resident memory and what came back.
Then reads the sample corpus (../shared/corpus/seeds and knowledge/documents) once in child
processes and once in-process: the cost of the child process per file on a normal ingest.
"""

from __future__ import annotations

import io
import sys
import tempfile
import time
import zipfile
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import docx  # noqa: E402
from fpdf import FPDF  # noqa: E402

from drafter.config import ParseLimits  # noqa: E402
from drafter.errors import DocumentError  # noqa: E402
from drafter.loaders import discover_files, load_document, read_document  # noqa: E402
from drafter.loaders.sandbox import run_limited  # noqa: E402

CORPUS = [ROOT.parent / "shared" / "corpus" / "seeds", ROOT / "knowledge" / "documents"]
SENTENCES = (
    "Die Kreisverwaltung hat die Anfrage geprüft und nimmt wie folgt Stellung. "
    "Im Haushaltsjahr 2024 wurden für die Digitalisierung der Verwaltung 1,2 Mio. Euro bereitgestellt. "
    "Die Umstellung auf die elektronische Akte ist im Bürger- und Ordnungsamt abgeschlossen. "
)


def docx_with_body(path: Path, body: Iterable[bytes]) -> Path:
    """A valid DOCX from python-docx's template whose body is `body`, streamed into the archive."""
    template = io.BytesIO()
    docx.Document().save(template)
    source = zipfile.ZipFile(template)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for entry in source.infolist():
            data = source.read(entry.filename)
            if entry.filename != "word/document.xml":
                archive.writestr(entry, data)
                continue
            head, tail = data.split(b"<w:body>")
            with archive.open(entry.filename, "w", force_zip64=True) as part:
                part.write(head + b"<w:body>")
                for chunk in body:
                    part.write(chunk)
                part.write(tail)
    return path


def pdf(path: Path, pages: int, text: str) -> Path:
    document = FPDF()
    document.set_font("helvetica", size=11)
    for number in range(1, pages + 1):
        document.add_page()
        document.multi_cell(0, 5, text.format(number=number))
    document.output(str(path))
    return path


def make_files(folder: Path) -> dict[str, Path]:
    paragraph = b"<w:p><w:r><w:t>" + b"A" * 1000 + b"</w:t></w:r></w:p>"
    return {
        "DOCX zip bomb (1 GB XML)": docx_with_body(folder / "bombe.docx", (paragraph * 1024 for _ in range(1024))),
        "DOCX 100,000 paragraphs": docx_with_body(
            folder / "absaetze.docx", [b"<w:p><w:r><w:t>Frage %d?</w:t></w:r></w:p>" % n for n in range(100_000)]
        ),
        "PDF 50,000 pages": pdf(folder / "seiten.pdf", 50_000, "Seite {number}"),
        "PDF 50 pages, normal": pdf(folder / "bericht.pdf", 50, "Abschnitt {number}\n" + SENTENCES * 12),
    }


def measure(path: Path, limits: ParseLimits) -> str:
    """Run in the child: what reading `path` gave, errors included, so that their cost is reported too."""
    try:
        document = read_document(path, None, limits)
    except DocumentError as error:
        cause = ", memory limit reached" if isinstance(error.__cause__, MemoryError) else ""
        return f"{type(error).__name__}{cause}: {error.reason[:60]}…"
    return f"{len(document.text):,} characters, {len(document.pages)} pages"


def report(name: str, path: Path, limits: ParseLimits) -> None:
    # The child imports the function by module name; as `__main__.measure` it would not find it.
    from hostile import measure as importable

    started = time.perf_counter()
    try:
        outcome, usage = run_limited(importable, path, limits, path=path, limits=limits)
        memory = f"{usage.peak_bytes / 1_048_576:7,.0f} MB"
    except DocumentError as error:  # the child was stopped: no figures of its own
        outcome, memory = f"{type(error).__name__}: {error.reason[:60]}…", "      –   "
    print(f"  {name:<26} {time.perf_counter() - started:7.2f} s  {memory}  {outcome}")


def per_file_cost(limits: ParseLimits) -> None:
    files = [f for f in discover_files([folder for folder in CORPUS if folder.is_dir()])]
    if not files:
        print("no sample corpus found; skipped")
        return
    load_document(files[0], limits=limits)  # the fork server starts once per process
    timings = {}
    for label, read in (
        ("child process", lambda file: load_document(file, limits=limits)),
        ("in-process", lambda file: read_document(file, None, limits)),
    ):
        started = time.perf_counter()
        for _ in range(3):
            for file in files:
                read(file)
        timings[label] = (time.perf_counter() - started) / (3 * len(files)) * 1000
    print(f"sample corpus, {len(files)} files, each read 3 times:")
    for label, milliseconds in timings.items():
        print(f"  {label:<14} {milliseconds:6.1f} ms per file")
    print(f"  cost of the child process: {timings['child process'] - timings['in-process']:.1f} ms per file")


def main() -> None:
    limits = ParseLimits.from_env()
    lifted = replace(
        limits, max_expanded_bytes=1 << 40, max_compression_ratio=1e9, max_paragraphs=10**9, max_pages=10**9
    )
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        files = make_files(Path(tmp))
        print(f"made the files in {time.perf_counter() - started:.0f} s")
        for title, chosen in (("default limits", limits), ("content limits lifted (memory and CPU only)", lifted)):
            print(
                f"{title}: memory {chosen.memory_bytes / 1_048_576:,.0f} MB, CPU {chosen.cpu_seconds} s"
                "  (name, seconds waited, child's peak memory, outcome)"
            )
            for name, path in files.items():
                report(name, path, chosen)
    per_file_cost(limits)


if __name__ == "__main__":
    main()
