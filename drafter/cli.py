"""Command line: `python -m drafter ingest|search|split|draft|remove|list|check`.

The JSON output of `search`, `split` and `draft` is a stable contract (the evaluation drives
it); it goes to stdout alone, while logs and progress go to stderr. Errors are reported in
German with what to do next; the exit code is 0 on success, 1 when some files of an ingest
failed or `check` found what it could not repair, and 2 when the command could not run at all.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from drafter.config import Settings, quiet_third_party
from drafter.errors import DrafterError
from drafter.models import DocType, DraftAnswer, DraftStatus, SearchHit

log = logging.getLogger("drafter")

STATUS_DE = {"added": "neu", "updated": "aktualisiert", "unchanged": "unverändert", "failed": "FEHLER"}


def main(argv: Sequence[str] | None = None) -> int:
    quiet_third_party()
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING if args.quiet else logging.INFO, format="%(message)s", stream=sys.stderr)
    for noisy in ("httpx", "chromadb", "sentence_transformers", "transformers", "bm25s"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    try:
        return args.handler(args)
    except DrafterError as error:
        print(f"Fehler: {error}", file=sys.stderr)
        return 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m drafter", description="Belegte Antwortentwürfe für Anfragen.")
    parser.add_argument("-q", "--quiet", action="store_true", help="nur Warnungen und Fehler ausgeben")
    commands = parser.add_subparsers(required=True, metavar="BEFEHL")

    ingest = commands.add_parser("ingest", help="Dateien oder Ordner in die Wissensbasis aufnehmen")
    ingest.add_argument("paths", nargs="+", type=Path, metavar="PFAD")
    _data_dir(ingest)
    ingest.add_argument("--type", choices=[t.value for t in DocType], help="Dokumenttyp festlegen statt erkennen")
    ingest.set_defaults(handler=_ingest)

    search = commands.add_parser("search", help="Fundstellen zu Fragen suchen")
    search.add_argument("queries", nargs="*", metavar="FRAGE")
    search.add_argument("--queries", dest="queries_file", type=Path, help="Datei mit einer Frage pro Zeile")
    search.add_argument("-k", type=int, default=10, help="Anzahl Fundstellen je Frage (Standard 10)")
    search.add_argument("--type", action="append", choices=[t.value for t in DocType], help="nur diese Typen")
    search.add_argument("--from", dest="date_from", help="nur Dokumente ab diesem Datum (JJJJ-MM-TT)")
    search.add_argument("--to", dest="date_to", help="nur Dokumente bis zu diesem Datum (JJJJ-MM-TT)")
    _data_dir(search)
    _json(search)
    search.set_defaults(handler=_search)

    split = commands.add_parser("split", help="eine Anfrage in ihre Einzelfragen zerlegen")
    split.add_argument("file", type=Path, metavar="DATEI")
    _json(split)
    split.set_defaults(handler=_split)

    draft = commands.add_parser("draft", help="Antwortentwürfe für alle Fragen einer Anfrage erstellen")
    draft.add_argument("file", type=Path, metavar="DATEI")
    _data_dir(draft)
    _json(draft)
    draft.set_defaults(handler=_draft)

    remove = commands.add_parser("remove", help="ein Dokument aus der Wissensbasis entfernen")
    remove.add_argument("reference", metavar="DOKUMENT", help="Dateiname, Pfad oder Dokument-ID")
    _data_dir(remove)
    remove.set_defaults(handler=_remove)

    listing = commands.add_parser("list", help="die Dokumente der Wissensbasis auflisten")
    _data_dir(listing)
    _json(listing)
    listing.set_defaults(handler=_list)

    check = commands.add_parser("check", help="Katalog, Vektoren, Stichwortindex und Originale abgleichen")
    check.add_argument("--repair", action="store_true", help="gefundene Abweichungen beheben")
    _data_dir(check)
    check.set_defaults(handler=_check)
    return parser


def _data_dir(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data-dir", type=Path, help="Verzeichnis der Wissensbasis (Standard: DRAFTER_DATA_DIR)")


def _json(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="Ausgabe als JSON")


def _settings(args: argparse.Namespace) -> Settings:
    data_dir = getattr(args, "data_dir", None)
    return Settings.from_env(data_dir=data_dir) if data_dir else Settings.from_env()


def _knowledge_base(args: argparse.Namespace):
    from drafter.knowledge_base import KnowledgeBase

    return KnowledgeBase(_settings(args))


def _ingest(args: argparse.Namespace) -> int:
    kb = _knowledge_base(args)
    doc_type = DocType(args.type) if args.type else None
    report = kb.ingest(args.paths, doc_type=doc_type, show_progress=not args.quiet)
    for result in report.files:
        line = f"{STATUS_DE[result.status]:>13}  {result.path.name}"
        print(f"{line}  ({result.error})" if result.error else f"{line}  {result.chunks} Abschnitte", file=sys.stderr)
    counts = ", ".join(f"{report.count(s)} {STATUS_DE[s]}" for s in ("added", "updated", "unchanged", "failed"))
    print(f"Fertig: {counts}.", file=sys.stderr)
    if not report.files:
        print("Keine lesbaren Dateien gefunden (TXT, MD, HTML, PDF, DOCX, EML).", file=sys.stderr)
    return 1 if report.failed or not report.files else 0


def _search(args: argparse.Namespace) -> int:
    queries = list(args.queries)
    if args.queries_file:
        queries += [q.strip() for q in _read_text(args.queries_file).splitlines() if q.strip()]
    if not queries:
        raise DrafterError("Bitte mindestens eine Frage angeben oder mit --queries eine Datei nennen.")
    kb = _knowledge_base(args)
    doc_types = [DocType(t) for t in args.type] if args.type else None
    results = [
        (q, kb.search(q, k=args.k, doc_types=doc_types, date_from=args.date_from, date_to=args.date_to))
        for q in queries
    ]
    if args.json:
        payload = {"queries": [{"query": q, "results": [h.to_json() for h in hits]} for q, hits in results]}
        _print_json(payload)
    else:
        for query, hits in results:
            print(f"\n» {query}")
            print("\n".join(_format_hit(rank, hit) for rank, hit in enumerate(hits, 1)) or "  (keine Fundstellen)")
    return 0


def _split(args: argparse.Namespace) -> int:
    from drafter.inquiry_metadata import read_inquiry_metadata
    from drafter.loaders import load_document
    from drafter.splitting import split_inquiry

    document = load_document(args.file)
    questions = split_inquiry(document.text)
    metadata = read_inquiry_metadata(document.text, document.metadata)
    if args.json:
        _print_json({"questions": [q.to_json() for q in questions], **metadata.to_json()})
    else:
        for name, value in (("Betreff", metadata.subject), ("Eingang", metadata.received), ("Von", metadata.requester)):
            if value:
                print(f"{name}: {value}")
        for question in questions:
            group = f"[{question.group}] " if question.group else ""
            print(f"{question.label:>6}  {group}{question.text}")
    return 0


def _draft(args: argparse.Namespace) -> int:
    from drafter.pipeline import draft_inquiry

    questions = _split_file(args.file)
    kb = _knowledge_base(args)
    answers = draft_inquiry(kb, questions, kb.settings)
    if args.json:
        _print_json({"answers": [a.to_json() for a in answers]})
    else:
        print("\n\n".join(_format_answer(a) for a in answers))
    return 0


def _remove(args: argparse.Namespace) -> int:
    document = _knowledge_base(args).remove(args.reference)
    print(f"Entfernt: {document.name} ({document.chunk_count} Abschnitte).", file=sys.stderr)
    return 0


def _list(args: argparse.Namespace) -> int:
    documents = _knowledge_base(args).documents()
    if args.json:
        _print_json({"documents": [{**d.__dict__, "doc_type": str(d.doc_type)} for d in documents]})
        return 0
    for d in documents:
        print(f"{d.doc_id}  {d.doc_type.label_de:<16} {d.date or '—':<10}  {d.chunk_count:>4} Abschnitte  {d.name}")
    print(f"{len(documents)} Dokumente.", file=sys.stderr)
    return 0


def _check(args: argparse.Namespace) -> int:
    from drafter.consistency import find_inconsistencies, repair

    kb = _knowledge_base(args)
    found = find_inconsistencies(kb)
    for item in found:
        print(f"Abweichung: {item.message}")
    if not found:
        print("Keine Abweichungen: Katalog, Vektoren, Stichwortindex und Originale stimmen überein.")
        return 0
    if not args.repair:
        print(f"{len(found)} Abweichungen. Mit „python -m drafter check --repair“ beheben.")
        return 1
    for line in repair(kb, found):
        print(f"Behoben: {line}")
    remaining = find_inconsistencies(kb)
    for item in remaining:
        print(f"Bleibt: {item.message}")
    return 1 if remaining else 0


def _split_file(path: Path):
    from drafter.loaders import load_document
    from drafter.splitting import split_inquiry

    return split_inquiry(load_document(path).text)


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise DrafterError(f"Die Datei {path} kann nicht gelesen werden ({exc.strerror}).") from exc


def _print_json(payload: dict) -> None:
    json.dump(payload, sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")


def _format_hit(rank: int, hit: SearchHit) -> str:
    text = " ".join(hit.chunk.text.split())
    return (
        f"  {rank:>2}. {hit.document.name} ({hit.document.doc_type.label_de}, {hit.document.date or 'o. D.'})"
        f"  Punkte {hit.score:.4f}  Beleg {hit.evidence:.2f}\n      {text[:240]}{'…' if len(text) > 240 else ''}"
    )


def _format_answer(answer: DraftAnswer) -> str:
    lines = [f"Zu {answer.label}): {answer.question}", ""]
    lines.append(("[KEINE GRUNDLAGE] " if answer.status == DraftStatus.INSUFFICIENT_EVIDENCE else "") + answer.answer)
    if answer.notice:
        lines.append(f"Hinweis: {answer.notice}")
    for citation in answer.citations:
        page = f", S. {citation.page}" if citation.page else ""
        lines.append(f"  [{citation.marker}] {citation.doc}{page}: „{citation.quote}“")
    return "\n".join(lines)
