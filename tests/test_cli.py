"""The command-line contract the evaluation drives: JSON on stdout only, German errors, exit codes."""

import json
import os
import subprocess
import sys
from pathlib import Path

from .conftest import ROOT

INQUIRY = """Sehr geehrte Damen und Herren,
bitte beantworten Sie folgende Fragen:
1a) Wie viele Ladepunkte betreibt die Kreisverwaltung?
1b) Wie hoch sind die Kantinenpreise im Kreishaus?

Mit freundlichen Grüßen
Erika Beispiel
"""
REPLY = """Antwort der Kreisverwaltung Talbach vom 3. März 2025

1. Wie viele Ladepunkte gibt es? An sieben Liegenschaften betreibt die Kreisverwaltung 34 Ladepunkte für Dienstfahrzeuge.
2. Sind sie öffentlich? Nein, die Ladepunkte sind nicht öffentlich zugänglich.
"""


def drafter(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "DRAFTER_LLM_URL": ""}
    return subprocess.run(
        [sys.executable, "-m", "drafter", *args], capture_output=True, text=True, cwd=ROOT, env=env, timeout=300
    )


def test_split_prints_labels_texts_and_groups_as_json(tmp_path: Path):
    inquiry = tmp_path / "anfrage.txt"
    inquiry.write_text("I. Verkehr\n1. Wann kommt der Radweg?\n2. Wer zahlt?\nII. Schulen\n1. Wie viele Schulen?\n")
    result = drafter("split", str(inquiry), "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "questions": [
            {"label": "1", "text": "Wann kommt der Radweg?", "group": "I. Verkehr"},
            {"label": "2", "text": "Wer zahlt?", "group": "I. Verkehr"},
            {"label": "1", "text": "Wie viele Schulen?", "group": "II. Schulen"},
        ],
        "subject": None,
        "received": None,
        "requester": None,
    }


def test_ingest_search_draft_list_and_remove_round_trip(tmp_path: Path):
    docs, data = tmp_path / "docs", tmp_path / "data"
    docs.mkdir()
    (docs / "antwort.txt").write_text(REPLY, encoding="utf-8")
    ingest = drafter("ingest", str(docs), "--data-dir", str(data))
    assert ingest.returncode == 0, ingest.stderr
    assert ingest.stdout == "" and "antwort.txt" in ingest.stderr

    queries = tmp_path / "fragen.txt"
    queries.write_text("Wie viele Ladepunkte gibt es?\nSind die Ladepunkte öffentlich?\n", encoding="utf-8")
    search = drafter("search", "--data-dir", str(data), "-k", "2", "--json", "--queries", str(queries))
    payload = json.loads(search.stdout)
    assert [q["query"] for q in payload["queries"]] == [
        "Wie viele Ladepunkte gibt es?",
        "Sind die Ladepunkte öffentlich?",
    ]
    first = payload["queries"][0]["results"][0]
    assert first["doc"] == "antwort.txt" and "34 Ladepunkte" in first["text"] and isinstance(first["score"], float)
    assert {"dense_score", "keyword_score", "question_score", "evidence"} <= set(first)

    inquiry = tmp_path / "anfrage.txt"
    inquiry.write_text(INQUIRY, encoding="utf-8")
    draft = drafter("draft", str(inquiry), "--data-dir", str(data), "--json")
    answers = json.loads(draft.stdout)["answers"]
    assert [(a["label"], a["status"]) for a in answers] == [("1a", "drafted"), ("1b", "insufficient_evidence")]
    citation = answers[0]["citations"][0]
    assert citation["doc"] == "antwort.txt" and citation["quote"] in citation["text"]
    assert "34 Ladepunkte" in answers[0]["answer"] and "[1]" in answers[0]["answer"]

    listing = drafter("list", "--data-dir", str(data), "--json")
    assert [d["name"] for d in json.loads(listing.stdout)["documents"]] == ["antwort.txt"]
    remove = drafter("remove", "antwort.txt", "--data-dir", str(data))
    assert remove.returncode == 0 and "Entfernt" in remove.stderr
    assert json.loads(drafter("list", "--data-dir", str(data), "--json").stdout) == {"documents": []}


def test_a_failed_file_is_named_with_its_reason_and_sets_the_exit_code(tmp_path: Path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "kaputt.pdf").write_bytes(b"%PDF-1.4 kein echtes PDF")
    (docs / "leer.txt").write_bytes(b"")
    result = drafter("ingest", str(docs), "--data-dir", str(tmp_path / "data"))
    assert result.returncode == 1
    assert "kaputt.pdf" in result.stderr and "leer.txt" in result.stderr and "FEHLER" in result.stderr


def test_errors_are_german_and_say_what_to_do(tmp_path: Path):
    missing = drafter("split", str(tmp_path / "fehlt.txt"), "--json")
    assert missing.returncode == 2 and missing.stdout == ""
    assert "Fehler: fehlt.txt: Die Datei wurde nicht gefunden." in missing.stderr

    prose = tmp_path / "gruss.txt"
    prose.write_text("Sehr geehrte Damen und Herren,\nvielen Dank für Ihre Mühe.\nMit freundlichen Grüßen\n")
    empty = drafter("split", str(prose), "--json")
    assert empty.returncode == 2 and "keine Frage gefunden" in empty.stderr

    unknown = drafter("remove", "gibtesnicht.txt", "--data-dir", str(tmp_path / "data"))
    assert unknown.returncode == 2 and "python -m drafter list" in unknown.stderr
