"""What a crash or a hand-made change leaves apart is found and repaired: `python -m drafter check`, and the keyword
index swapped in without a moment where no index exists (issue 17)."""

from __future__ import annotations

import socket
import subprocess
from pathlib import Path

from drafter.atomic_files import remove_leftovers
from drafter.config import Settings
from drafter.knowledge_base import KnowledgeBase

from .test_cli import REPLY, drafter

PARKING = """Antwort der Kreisverwaltung Talbach vom 9. Mai 2025

1. Wie viele Parkplätze hat das Kreishaus? Das Kreishaus hat 120 Parkplätze, davon 8 für Menschen mit Behinderung.
"""
CANTEEN = """Antwort der Kreisverwaltung Talbach vom 2. Juni 2025

1. Was kostet das Mittagessen in der Kantine? Ein Mittagessen kostet für Beschäftigte 4,80 Euro.
"""


def _knowledge_base(tmp_path: Path, embedder) -> tuple[KnowledgeBase, dict[str, str]]:
    docs = tmp_path / "docs"
    docs.mkdir()
    for name, text in (("ladepunkte.txt", REPLY), ("parken.txt", PARKING), ("kantine.txt", CANTEEN)):
        (docs / name).write_text(text, encoding="utf-8")
    kb = KnowledgeBase(Settings.from_env(data_dir=tmp_path / "data"), embedder=embedder)
    report = kb.ingest([docs])
    assert report.ok
    return kb, {d.name: d.doc_id for d in kb.documents()}


def test_check_finds_and_repairs_what_was_deleted_behind_the_catalogs_back(tmp_path, embedder):
    kb, ids = _knowledge_base(tmp_path, embedder)
    kb.vector_store.delete_document(ids["ladepunkte.txt"])  # the vectors of one document are gone
    kb.catalog.delete_document(ids["parken.txt"])  # a document gone from the catalog leaves vectors and keywords
    (tmp_path / "docs" / "kantine.txt").unlink()  # an original deleted by hand
    kb.close()
    data = str(tmp_path / "data")

    found = drafter("check", "--data-dir", data)
    assert found.returncode == 1, found.stderr
    assert "„ladepunkte.txt“: 2 von 2 Abschnitten fehlen in der Vektorsuche (Chroma)" in found.stdout
    assert f"Chroma enthält 1 Abschnitte des Dokuments {ids['parken.txt']}" in found.stdout
    assert (
        "Der Stichwortindex ist veraltet: 0 Abschnitte fehlen darin, 1 gehören zu keinem Dokument mehr." in found.stdout
    )
    assert "„kantine.txt“: die Originaldatei" in found.stdout and "erneut hochladen" in found.stdout
    assert "python -m drafter check --repair" in found.stdout

    repaired = drafter("check", "--repair", "--data-dir", data)
    assert "Behoben: Vektoren für 1 Dokumente neu berechnet." in repaired.stdout, repaired.stderr
    assert "Behoben: Vektoren von 1 Dokumenten ohne Katalogeintrag entfernt." in repaired.stdout
    remaining = [line for line in repaired.stdout.splitlines() if line.startswith("Bleibt:")]
    assert len(remaining) == 1 and "kantine.txt" in remaining[0]  # a missing original cannot be made up
    assert repaired.returncode == 1


def test_a_rebuild_killed_between_its_two_renames_leaves_the_previous_index_in_use(tmp_path, embedder):
    kb, _ = _knowledge_base(tmp_path, embedder)
    kb.close()
    keyword = tmp_path / "data" / "keyword"
    keyword.rename(keyword.with_name("keyword.old"))  # what a crash right after the first rename leaves
    (tmp_path / "data" / "keyword.new").mkdir()  # and a half-written new index

    kb = KnowledgeBase(Settings.from_env(data_dir=tmp_path / "data"), embedder=embedder)
    try:
        assert kb.keyword_index.search("Parkplätze Kreishaus", k=1)[0][0].startswith(
            next(d.doc_id for d in kb.documents() if d.name == "parken.txt")
        )
        assert sorted(p.name for p in (tmp_path / "data").glob("keyword*")) == ["keyword", "keyword.lock"]
    finally:
        kb.close()


def test_a_shared_upload_folder_keeps_the_copies_other_hosts_are_writing(tmp_path):
    finished = subprocess.Popen(["true"])
    finished.wait()  # a process id that no longer runs, on this host and (as far as this host can tell) any other
    mine = tmp_path / f".neu-{socket.gethostname()}-{finished.pid}-0123abcd"
    older = tmp_path / f".neu-{finished.pid}-4567cdef"  # written before copies carried their host's name
    theirs = tmp_path / f".neu-anderer-host-{finished.pid}-89abcdef"  # another host's writer, maybe still running
    for folder in (mine, older, theirs):
        folder.mkdir()
    assert sorted(remove_leftovers(tmp_path)) == sorted([mine, older])
    assert theirs.exists()


def test_containers_with_one_host_name_tell_their_copies_apart_by_drafter_host_name(tmp_path, monkeypatch):
    finished = subprocess.Popen(["true"])
    finished.wait()
    monkeypatch.setenv("DRAFTER_HOST_NAME", "app1")
    mine = tmp_path / f".neu-app1-{finished.pid}-0123abcd"
    theirs = tmp_path / f".neu-{socket.gethostname()}-{finished.pid}-89abcdef"  # a container named like this one
    for folder in (mine, theirs):
        folder.mkdir()
    assert remove_leftovers(tmp_path) == [mine]
    assert theirs.exists()
