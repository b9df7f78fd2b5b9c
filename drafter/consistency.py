"""`python -m drafter check`: does what Chroma, the keyword index and the originals hold match the catalog?

The catalog is the source of truth (see `drafter.catalog`); the vectors and the keyword index
are derived from it and can always be rebuilt. A process killed mid-write, a disk that filled
up or a file deleted by hand can still leave them apart: a document whose passages have no
vectors is found by keyword search only, vectors of a removed document come back as hits
without a document, a stale keyword index misses new passages. `find_inconsistencies` names
each case in German; `repair` rebuilds what is derived and reads changed originals anew. A
missing original cannot be recreated; the message says what to do.

With several hosts on one PostgreSQL catalog and one Chroma server, every host judges the shared
vectors against the shared catalog, so no host takes another host's vectors for orphans; the repair
asks the catalog again under the writer lock before it deletes any. The keyword index is each host's
own replica: KEYWORD_STALE speaks of this host's, and the repair rebuilds this host's. A Chroma server
checked against a catalog of this host alone (a SQLite file, DRAFTER_CATALOG_URL forgotten) would take
every other host's vectors for orphans: then they are named, with what to set, but never deleted.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from drafter.knowledge_base import KnowledgeBase


class Problem(StrEnum):
    VECTORS_MISSING = "vectors_missing"
    VECTORS_ORPHANED = "vectors_orphaned"
    KEYWORD_STALE = "keyword_stale"
    ORIGINAL_MISSING = "original_missing"
    ORIGINAL_CHANGED = "original_changed"


@dataclass(frozen=True)
class Inconsistency:
    problem: Problem
    doc_id: str | None
    message: str

    @property
    def repairable(self) -> bool:
        return self.problem != Problem.ORIGINAL_MISSING


def find_inconsistencies(kb: KnowledgeBase) -> list[Inconsistency]:
    """Every way the vectors, the keyword index and the originals differ from the catalog."""
    documents = {d.doc_id: d for d in kb.documents()}
    passages: dict[str, set[str]] = defaultdict(set)
    for chunk_id, _ in kb.catalog.all_tokens():
        passages[chunk_id.rsplit(":", 1)[0]].add(chunk_id)
    found = []
    vectors = kb.vector_store.passages_by_document()
    for doc_id, document in documents.items():
        expected = passages.get(doc_id, set())
        missing = expected - vectors.get(doc_id, set())
        if missing:
            found.append(
                Inconsistency(
                    Problem.VECTORS_MISSING,
                    doc_id,
                    f"„{document.name}“: {len(missing)} von {len(expected)} Abschnitten fehlen in "
                    "der Vektorsuche (Chroma); sie werden nur über Stichwörter gefunden.",
                )
            )
    for doc_id, chunk_ids in vectors.items():
        unknown = chunk_ids - passages.get(doc_id, set())
        if unknown:
            whose = f"des Dokuments „{documents[doc_id].name}“" if doc_id in documents else f"des Dokuments {doc_id}"
            message = (
                f"Chroma enthält {len(unknown)} Abschnitte {whose}, die im Katalog nicht (mehr) stehen; "
                "die Suche fände Fundstellen ohne Text."
            )
            if _vectors_may_belong_to_other_catalogs(kb):
                message += (
                    " Der Chroma-Server kann sie für andere Hosts halten, der Katalog hier ist nur eine SQLite-Datei "
                    "dieses Hosts: bitte mit DRAFTER_CATALOG_URL (dem gemeinsamen Katalog) erneut prüfen; "
                    "--repair entfernt sie so nicht."
                )
            found.append(Inconsistency(Problem.VECTORS_ORPHANED, doc_id, message))
    indexed = set(kb.keyword_index.chunk_ids)
    cataloged = set().union(*passages.values()) if passages else set()
    if indexed != cataloged:
        found.append(
            Inconsistency(
                Problem.KEYWORD_STALE,
                None,
                f"Der Stichwortindex ist veraltet: {len(cataloged - indexed)} Abschnitte fehlen darin, "
                f"{len(indexed - cataloged)} gehören zu keinem Dokument mehr.",
            )
        )
    for doc_id, document in documents.items():
        original = Path(document.source)
        if not original.is_file():
            found.append(
                Inconsistency(
                    Problem.ORIGINAL_MISSING,
                    doc_id,
                    f"„{document.name}“: die Originaldatei {original} fehlt. Die Abschnitte bleiben durchsuchbar; "
                    f"bitte die Datei erneut hochladen oder das Dokument mit „python -m drafter remove {doc_id}“ "
                    "entfernen.",
                )
            )
        elif _sha256(original) != document.sha256:
            found.append(
                Inconsistency(
                    Problem.ORIGINAL_CHANGED,
                    doc_id,
                    f"„{document.name}“: die Originaldatei {original} wurde nach dem Einlesen geändert; "
                    "die Wissensbasis enthält einen anderen Stand.",
                )
            )
    return found


def repair(kb: KnowledgeBase, found: list[Inconsistency]) -> list[str]:
    """Rebuild what is derived, read changed originals anew; returns what was done, in German."""
    by_problem: dict[Problem, list[str | None]] = defaultdict(list)
    for item in found:
        by_problem[item.problem].append(item.doc_id)
    known = {d.doc_id for d in kb.documents()}
    orphaned = [d for d in by_problem[Problem.VECTORS_ORPHANED] if d not in known]
    if _vectors_may_belong_to_other_catalogs(kb):
        orphaned = []
    reembed = sorted(
        {*by_problem[Problem.VECTORS_MISSING], *(d for d in by_problem[Problem.VECTORS_ORPHANED] if d in known)}
    )
    done = []
    if orphaned or reembed or by_problem[Problem.KEYWORD_STALE]:
        kb.rebuild_derived(reembed=reembed, orphaned=orphaned)
        if orphaned:
            done.append(f"Vektoren von {len(orphaned)} Dokumenten ohne Katalogeintrag entfernt.")
        if reembed:
            done.append(f"Vektoren für {len(reembed)} Dokumente neu berechnet.")
        done.append("Stichwortindex neu aufgebaut.")
    changed = [kb.document(d).source for d in by_problem[Problem.ORIGINAL_CHANGED]]
    if changed:
        report = kb.ingest([Path(source) for source in changed])
        done.append(f"{len(changed) - len(report.failed)} geänderte Originale neu eingelesen.")
        done += [f"Nicht eingelesen: {failure.error}" for failure in report.failed]
    return done


def _vectors_may_belong_to_other_catalogs(kb: KnowledgeBase) -> bool:
    """A Chroma server with a catalog only this host has: vectors unknown here may be another host's."""
    return kb.settings.chroma_url is not None and not kb.catalog.shared


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()
