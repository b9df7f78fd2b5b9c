"""Search in words: the matched words are marked (and stay escaped), each hit says why it was found, and a long
pasted passage is searched instead of ending on an error page."""

from __future__ import annotations

import io

from tests.web.answers.test_escaping import DOCUMENT, assert_escaped
from tests.web.conftest import login, make_app, post, seed_users, stop_app, wait_for_jobs
from tests.web.review.test_review import drafted


def test_the_search_marks_the_matched_words_and_says_why_in_words(app, curator):
    page = curator.get("/knowledge/search?q=Wunschkennzeichen+Gebühr").text
    assert "<mark>Wunschkennzeichen</mark>" in page and "<mark>Gebühr</mark>" in page
    assert "<dt>Gefunden über</dt><dd>Stichwörter: Wunschkennzeichen, Gebühr" in page
    assert "Gesamtwert" not in page


def test_a_long_pasted_passage_is_searched_by_its_beginning_with_a_german_note(app, curator):
    passage = "Die Gebühr für ein Wunschkennzeichen beträgt bei der Zulassungsstelle des Landkreises 10,20 Euro. "
    response = post(curator, "/knowledge/search", {"q": passage * 150})  # about 15.000 characters
    page = response.text
    assert response.status_code == 200
    assert "Die Suchanfrage war länger als 2.000 Zeichen; gesucht wurde mit ihrem Anfang." in page
    assert "<mark>Wunschkennzeichen</mark>" in page


def test_markup_in_a_passage_stays_text_where_the_search_marks_words_inside_it(app, curator):
    files = {"files": [(io.BytesIO(DOCUMENT.encode()), "winterdienst.txt")]}
    post(curator, "/knowledge/upload", files, content_type="multipart/form-data")
    wait_for_jobs(app)
    page = post(curator, "/knowledge/search", {"q": "Winterdienst script alert onerror"}).text
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;<mark>script</mark>&gt;<mark>alert</mark>(&#34;x&#34;)" in page
    assert_escaped(curator.get("/knowledge/search?q=Winterdienst").text)  # the same passage, nothing marked in it


def test_further_passages_in_the_workspace_mark_the_words_of_the_own_search(app, staff):
    ids = drafted(app, staff)
    page = post(staff, f"/answers/{ids[1]}/passages", {"q": "Wunschkennzeichen"}, headers={"HX-Request": "true"}).text
    assert "<mark>Wunschkennzeichen</mark>" in page and "Gefunden über" in page
    long = post(login(app, "reviewer"), f"/answers/{ids[1]}/passages", {"q": "Wunschkennzeichen " * 200}).text
    assert "Die Suchbegriffe waren länger als 2.000 Zeichen" in long


def test_the_reindex_page_follows_the_run_until_it_is_done(tmp_path, knowledge_dir, embedder):
    app = make_app(tmp_path / "instance", knowledge_dir, embedder)  # workers start below, so the job waits first
    seed_users(app)
    try:
        curator = login(app, "curator")
        started = post(curator, "/knowledge/reindex")
        waiting = curator.get(started.headers["Location"]).text
        assert "<h1>Suchindex wird neu aufgebaut</h1>" in waiting
        assert (
            'hx-trigger="every 2s"' in waiting
            and "Neuindizierung wartet … Die Seite aktualisiert sich selbst." in waiting
        )
        app.extensions["drafter_jobs"].start()
        wait_for_jobs(app)
        polled = curator.get(started.headers["Location"], headers={"HX-Request": "true"})
        assert polled.status_code == 286  # htmx stops polling
        assert "Neuindizierung fertig." in polled.text
    finally:
        stop_app(app)
