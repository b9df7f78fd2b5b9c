"""What a user must be able to rely on: the status, the first sentence, the newest figure, the own authority.

Each test builds a small knowledge base from documents written for it, so the behaviour is shown on
text nobody tuned on.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from drafter.config import Settings
from drafter.extractive import draft_extractive
from drafter.knowledge_base import KnowledgeBase
from drafter.models import DocType, DraftAnswer, DraftStatus, SubQuestion
from drafter.pipeline import retrieve_evidence

MOBILE_2024 = """Niederschrift über die Sitzung des Ausschusses für Digitales vom 12.11.2024

Landkreis Talbach

Die Verwaltung berichtet über den Stand der Digitalisierung. Derzeit bestehen 448 Vereinbarungen über
mobiles Arbeiten mit Beschäftigten der Kreisverwaltung. Die Beschäftigten nutzen dafür dienstliche Notebooks.
Die Ausstattung der Sitzungsräume mit Bildschirmen ist abgeschlossen.
"""

MOBILE_2025 = """Sachstandsbericht Digitalisierung vom 30.09.2025

Landkreis Talbach

Mobiles Arbeiten hat sich in der Kreisverwaltung etabliert. Inzwischen haben 536 Beschäftigte eine
Vereinbarung über mobiles Arbeiten abgeschlossen. Die Telefonanlage wurde auf Internettelefonie umgestellt.
Für Besprechungen stehen Videokonferenzräume zur Verfügung.
"""

BIKES = """Antwort auf die Anfrage der Fraktion zum Radverkehr vom 14.02.2025

Landkreis Talbach

An den elf Schulen in Trägerschaft des Landkreises stehen 1.420 Fahrradabstellplätze zur Verfügung,
davon 610 überdacht. Das Kreisradverkehrskonzept wird im Jahr 2025 fertiggestellt. Die Kosten betragen
86.400 Euro; das Land fördert das Konzept mit 75 Prozent.
"""

NEIGHBOUR = """Stellungnahme der Stadt Nordheim vom 03.03.2025

Stadt Nordheim

In der Stadtverwaltung Nordheim wurden im vergangenen Jahr 212 Anträge auf Wohngeld digital gestellt.
Die Bearbeitungsdauer der Anträge auf Wohngeld beträgt im Durchschnitt sechs Wochen.
"""


@pytest.fixture(scope="module")
def kb(tmp_path_factory, embedder) -> KnowledgeBase:
    folder = tmp_path_factory.mktemp("dokumente")
    for name, text in {
        "2024-11-niederschrift.txt": MOBILE_2024,
        "2025-09-sachstandsbericht.txt": MOBILE_2025,
        "2025-02-antwort-radverkehr.txt": BIKES,
        "2025-03-stellungnahme-nordheim.txt": NEIGHBOUR,
    }.items():
        (folder / name).write_text(text, encoding="utf-8")
    settings = replace(Settings.from_env(), data_dir=tmp_path_factory.mktemp("kb"), authority_name="Landkreis Talbach")
    base = KnowledgeBase(settings, embedder)
    base.ingest([folder])
    yield base
    base.close()


def draft(kb: KnowledgeBase, text: str) -> DraftAnswer:
    question = SubQuestion("1", text)
    hits = retrieve_evidence(kb, question)
    return draft_extractive(question, hits, kb.settings.min_evidence, kb.settings.authority_name)


def test_a_question_about_something_no_document_mentions_is_not_marked_drafted(kb: KnowledgeBase):
    answer = draft(kb, "Wie viele Parkplätze stehen Besucherinnen und Besuchern des Kreishauses zur Verfügung?")
    assert answer.status in (DraftStatus.NEEDS_REVIEW, DraftStatus.INSUFFICIENT_EVIDENCE)
    if answer.status == DraftStatus.NEEDS_REVIEW:
        assert "‚Parkplätze‘ kommt in keiner zitierten Fundstelle vor" in answer.notice


def test_a_how_many_question_leads_with_the_sentence_that_holds_the_number(kb: KnowledgeBase):
    answer = draft(kb, "Wie viele Fahrradabstellplätze gibt es an den Schulen des Landkreises?")
    assert answer.status != DraftStatus.INSUFFICIENT_EVIDENCE
    assert "1.420 Fahrradabstellplätze" in answer.sentences[0].text
    assert answer.citations[0].quote.startswith("An den elf Schulen")


def test_the_newer_figure_leads_and_an_older_one_is_marked_with_its_date(kb: KnowledgeBase):
    answer = draft(kb, "Wie viele Beschäftigte haben eine Vereinbarung über mobiles Arbeiten?")
    assert "536 Beschäftigte" in answer.sentences[0].text
    assert answer.citations[0].date == "2025-09-30"
    older = [s for s in answer.sentences if "448" in s.text]
    assert all(s.note == "Stand 11/2024" for s in older)
    assert all("(Stand 11/2024)" in answer.answer for _ in older)


def test_another_authoritys_passage_is_labelled_and_never_marked_drafted(kb: KnowledgeBase):
    answer = draft(kb, "Wie lange dauert die Bearbeitung eines Antrags auf Wohngeld?")
    assert answer.citations and all(c.other_authority for c in answer.citations)
    assert answer.citations[0].authority == "Stadt Nordheim"
    assert answer.status == DraftStatus.NEEDS_REVIEW
    assert "anderen Behörde (Stadt Nordheim)" in answer.notice


def test_the_own_authoritys_passages_are_not_labelled(kb: KnowledgeBase):
    answer = draft(kb, "Wie viele Fahrradabstellplätze gibt es an den Schulen des Landkreises?")
    assert answer.citations and not any(c.other_authority for c in answer.citations)


def test_a_curators_corrections_survive_a_new_version_of_the_file(tmp_path: Path, embedder):
    folder = tmp_path / "dokumente"
    folder.mkdir()
    path = folder / "bericht.txt"
    path.write_text(BIKES, encoding="utf-8")
    base = KnowledgeBase(replace(Settings.from_env(), data_dir=tmp_path / "kb"), embedder)
    base.ingest([folder])
    (document,) = base.documents()
    base.update_metadata(document.doc_id, title="Radverkehr an Schulen", doc_type=DocType.REPORT, date="01.03.2025")
    path.write_text(BIKES + "\nNachtrag: Weitere 40 Abstellplätze werden 2026 gebaut.\n", encoding="utf-8")
    report = base.ingest([folder])
    assert [f.status for f in report.files] == ["updated"]
    (updated,) = base.documents()
    assert (updated.title, updated.doc_type, updated.date) == ("Radverkehr an Schulen", DocType.REPORT, "2025-03-01")
    assert "Nachtrag" in base.document_text(updated.doc_id)
    base.close()


def test_a_superseded_document_is_demoted_labelled_and_not_marked_drafted(tmp_path: Path, embedder):
    folder = tmp_path / "dokumente"
    folder.mkdir()
    (folder / "2024-11-niederschrift.txt").write_text(MOBILE_2024, encoding="utf-8")
    (folder / "2025-09-sachstandsbericht.txt").write_text(MOBILE_2025, encoding="utf-8")
    base = KnowledgeBase(replace(Settings.from_env(), data_dir=tmp_path / "kb"), embedder)
    base.ingest([folder])
    old, new = sorted(base.documents(), key=lambda d: d.name)
    question = "Bestehen Vereinbarungen über mobiles Arbeiten mit Beschäftigten der Kreisverwaltung?"
    assert base.search(question, k=1)[0].document.doc_id == old.doc_id  # its wording is closest

    base.update_metadata(old.doc_id, superseded_by=new.doc_id)
    assert base.search(question, k=1)[0].document.doc_id == new.doc_id
    answer = draft(base, question)
    assert all(c.superseded == (c.doc == old.name) for c in answer.citations)
    (folder / "2024-11-niederschrift.txt").write_text(MOBILE_2024 + "\nNachtrag.\n", encoding="utf-8")
    base.ingest([folder])
    assert base.document(old.doc_id).superseded_by == new.doc_id  # kept for the new version of the file
    base.close()


def test_search_can_keep_to_the_own_authority(kb: KnowledgeBase):
    assert kb.search("Anträge auf Wohngeld", k=3)[0].document.authority == "Stadt Nordheim"
    own = kb.search("Anträge auf Wohngeld", k=3, authority="Landkreis Talbach")
    assert own and all(h.document.authority != "Stadt Nordheim" for h in own)
