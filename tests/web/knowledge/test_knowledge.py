"""Knowledge-base pages: uploads with per-file results, documents, deletion, search with scores."""

from __future__ import annotations

import io
import re

from sqlalchemy import select

from tests.web.conftest import login, make_app, post, seed_users, stop_app, wait_for_jobs
from web.database import db
from web.knowledge_store import knowledge_base
from web.models import IngestionJob

NEW_DOCUMENT = """Antwort der Kreisverwaltung Talbach vom 3. März 2026

Betreff: Anfrage zur Hundesteuer

1. Wie hoch ist die Hundesteuer im Landkreis?
Antwort: Die Hundesteuer ist eine Gemeindesteuer; der Landkreis erhebt sie nicht. Die Sätze legen die
Verbandsgemeinden fest, in Talbach-Oberwiesen beträgt sie 96 Euro im Jahr für den ersten Hund.
"""


def upload(client, files, **fields):
    data = {"files": files, **fields}
    return post(client, "/knowledge/upload", data, content_type="multipart/form-data")


def jobs(app) -> dict[str, IngestionJob]:
    with app.app_context():
        return {j.filename: j for j in db.session.scalars(select(IngestionJob))}


def test_bad_files_get_a_german_reason_and_the_good_ones_still_ingest(tmp_path, knowledge_dir, embedder):
    app = make_app(tmp_path / "instance", knowledge_dir, embedder, START_WORKERS=True, MAX_FILE_BYTES=20_000)
    seed_users(app)
    try:
        curator = login(app, "curator")
        response = upload(
            curator,
            [
                (io.BytesIO(NEW_DOCUMENT.encode()), "2026-03-antwort-hundesteuer.txt"),
                (io.BytesIO(b"x" * 30_000), "riesig.txt"),
                (io.BytesIO(b"%PDF-1.7\n kaputt"), "beschaedigt.pdf"),
                (io.BytesIO(b"MZ\x90\x00"), "programm.exe"),
                (io.BytesIO(b""), "leer.txt"),
            ],
        )
        assert response.status_code == 302
        wait_for_jobs(app)
        page = curator.get(response.headers["Location"]).get_data(as_text=True)
        results = jobs(app)
        assert results["2026-03-antwort-hundesteuer.txt"].state == "done"
        assert "erlaubt sind höchstens" in results["riesig.txt"].error
        assert results["beschaedigt.pdf"].state == "failed" and results["beschaedigt.pdf"].error
        assert "wird nicht unterstützt" in results["programm.exe"].error
        assert "leer" in results["leer.txt"].error
        for job in results.values():
            if job.error:
                assert job.error.split(": ", 1)[1] in page  # each file's reason is on the page
        assert "1 von 5 Dateien eingelesen, 4 fehlgeschlagen" in page
        with app.app_context():
            hits = knowledge_base().search("Hundesteuer Talbach-Oberwiesen", k=3)
            assert hits[0].document.name == "2026-03-antwort-hundesteuer.txt"
            assert len(knowledge_base().documents()) == 9  # the eight samples are untouched
    finally:
        stop_app(app)


def test_delete_removes_the_document_from_search(app, curator):
    with app.app_context():
        kb = knowledge_base()
        target = next(d for d in kb.documents() if "kfz" in d.name)
    page = curator.get(f"/knowledge/documents/{target.doc_id}").get_data(as_text=True)
    assert "Passage 1" in page
    response = post(curator, f"/knowledge/documents/{target.doc_id}/delete")
    assert response.status_code == 302
    with app.app_context():
        kb = knowledge_base()
        assert target.doc_id not in {d.doc_id for d in kb.documents()}
        assert all(h.document.doc_id != target.doc_id for h in kb.search("Wunschkennzeichen Zulassungsstelle", k=20))
    assert curator.get(f"/knowledge/documents/{target.doc_id}").status_code == 404


def test_search_page_explains_each_score(app, curator):
    page = curator.get("/knowledge/search?q=Wunschkennzeichen+Gebühr").get_data(as_text=True)
    assert "Treffer für „Wunschkennzeichen Gebühr“" in page
    assert re.search(r"<dt>Bedeutung</dt><dd>Rang \d+, Ähnlichkeit 0,\d{3}</dd>", page)  # German decimals
    assert re.search(r"<dt>Stichwörter</dt><dd>Rang \d+, BM25-Wert \d+,\d</dd>", page)
    filtered = curator.get("/knowledge/search?q=Wunschkennzeichen&type=minutes").get_data(as_text=True)
    assert "Frühere Antwort" not in filtered.split("Treffer für")[1]


def test_list_filters_by_type_and_text(app, curator):
    page = curator.get("/knowledge/?type=minutes").get_data(as_text=True)
    assert "8 Dokumenten" in page
    assert "2024-11-niederschrift-ausschuss-digitales.txt" in page
    assert "2023-10-ifg-antwort-kfz-zulassung.txt" not in page
    assert "kfz-zulassung" in curator.get("/knowledge/?q=kfz").get_data(as_text=True)


def test_curator_corrects_metadata_and_reindexes(app, curator):
    with app.app_context():
        doc = next(d for d in knowledge_base().documents() if "pressemitteilung" in d.name)
    post(
        curator,
        f"/knowledge/documents/{doc.doc_id}/metadata",
        {"title": "Pressemitteilung Online-Dienste", "doc_type": "other", "date": "2025-03-19"},
    )
    with app.app_context():
        changed = knowledge_base().document(doc.doc_id)
        assert (changed.title, str(changed.doc_type), changed.date) == (
            "Pressemitteilung Online-Dienste",
            "other",
            "2025-03-19",
        )
    with app.app_context():
        successor = next(d for d in knowledge_base().documents() if "sachstandsbericht" in d.name)
    post(
        curator,
        f"/knowledge/documents/{doc.doc_id}/metadata",
        {"authority": "Kreisverwaltung Talbach", "superseded_by": successor.doc_id},
    )
    page = curator.get(f"/knowledge/documents/{doc.doc_id}").get_data(as_text=True)
    assert "ersetzt durch" in page and successor.title in page
    with app.app_context():
        assert knowledge_base().document(doc.doc_id).superseded_by == successor.doc_id
    post(curator, f"/knowledge/documents/{doc.doc_id}/metadata", {"superseded_by": ""})
    with app.app_context():
        assert not knowledge_base().document(doc.doc_id).superseded_by
    response = post(curator, "/knowledge/reindex")
    assert response.status_code == 302
    wait_for_jobs(app)
    assert jobs(app)["Neuindizierung"].state == "done"
    assert "Neuindizierung" in curator.get("/knowledge/jobs").get_data(as_text=True)


def test_staff_may_read_but_not_change_the_knowledge_base(app, staff):
    assert staff.get("/knowledge/").status_code == 200
    assert "Dokumente hochladen" not in staff.get("/knowledge/").get_data(as_text=True)
    assert upload(staff, [(io.BytesIO(b"x"), "a.txt")]).status_code == 403


def test_upload_without_files_asks_for_one(app, curator):
    response = post(curator, "/knowledge/upload", {"date": "morgen"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "mindestens eine Datei" in page and "kein gültiges Datum" in page


def test_reupload_of_a_changed_file_updates_instead_of_duplicating(app, curator):
    name = "2026-03-antwort-hundesteuer.txt"
    upload(curator, [(io.BytesIO(NEW_DOCUMENT.encode()), name)])
    wait_for_jobs(app)
    upload(curator, [(io.BytesIO(NEW_DOCUMENT.replace("96 Euro", "108 Euro").encode()), name)])
    wait_for_jobs(app)
    with app.app_context():
        results = [j.result for j in db.session.scalars(select(IngestionJob).order_by(IngestionJob.id))]
        assert results == ["added", "updated"]
        matching = [d for d in knowledge_base().documents() if d.name == name]
        assert len(matching) == 1
        assert "108 Euro" in knowledge_base().document_text(matching[0].doc_id)


def test_upload_over_the_total_limit_is_refused_in_german(tmp_path, knowledge_dir, embedder):
    app = make_app(tmp_path / "instance", knowledge_dir, embedder, MAX_CONTENT_LENGTH=50_000)
    seed_users(app)
    try:
        curator = login(app, "curator")
        response = upload(curator, [(io.BytesIO(b"x" * 60_000), "gross.txt")])
        assert response.status_code == 413
        assert "Upload zu groß" in response.get_data(as_text=True)
        with app.app_context():
            assert db.session.scalar(select(IngestionJob)) is None
    finally:
        stop_app(app)
