"""What a user must be able to rely on: the status, the first sentence, the newest figure, the own authority.

Each test builds a small knowledge base from documents written for it, so the behaviour is shown on
text nobody tuned on.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from drafter.answer_types import AnswerType, answer_strength, expected_answer_type
from drafter.confidence import missing_nouns
from drafter.config import LLMSettings, Settings
from drafter.knowledge_base import KnowledgeBase
from drafter.llm import LLMDrafter
from drafter.models import DocType, DraftAnswer, DraftStatus, SubQuestion
from drafter.pipeline import draft_question
from drafter.retrieval.german_analyzer import GermanAnalyzer
from tests.llm.fake_llm_server import FakeLLMServer

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


def knowledge_base_fixture(documents: dict[str, str]):
    """A module-scoped fixture: a Talbach knowledge base of `documents`, built once for the module's tests."""

    @pytest.fixture(scope="module")
    def fixture(tmp_path_factory, embedder):
        base = talbach_knowledge_base(tmp_path_factory, embedder, documents)
        yield base
        base.close()

    return fixture


def talbach_knowledge_base(tmp_path_factory, embedder, documents: dict[str, str]) -> KnowledgeBase:
    """A knowledge base of the Landkreis Talbach holding `documents` (file name → text)."""
    folder = tmp_path_factory.mktemp("dokumente")
    for name, text in documents.items():
        (folder / name).write_text(text, encoding="utf-8")
    settings = replace(Settings.from_env(), data_dir=tmp_path_factory.mktemp("kb"), authority_name="Landkreis Talbach")
    base = KnowledgeBase(settings, embedder)
    base.ingest([folder])
    return base


kb = knowledge_base_fixture(
    {
        "2024-11-niederschrift.txt": MOBILE_2024,
        "2025-09-sachstandsbericht.txt": MOBILE_2025,
        "2025-02-antwort-radverkehr.txt": BIKES,
        "2025-03-stellungnahme-nordheim.txt": NEIGHBOUR,
    }
)


def draft(kb: KnowledgeBase, text: str) -> DraftAnswer:
    """The extractive draft as the command line and the web app make it."""
    return draft_question(kb, SubQuestion("1", text), kb.settings)


def test_a_question_about_something_no_document_mentions_is_not_marked_drafted(kb: KnowledgeBase):
    answer = draft(kb, "Wie viele Parkplätze stehen Besucherinnen und Besuchern des Kreishauses zur Verfügung?")
    assert answer.status in (DraftStatus.NEEDS_REVIEW, DraftStatus.INSUFFICIENT_EVIDENCE)
    if answer.status == DraftStatus.NEEDS_REVIEW:
        assert "‚Parkplätze‘ kommt in keiner zitierten Fundstelle vor" in answer.notice


def test_the_reason_names_what_the_question_is_about_not_the_words_that_frame_it(kb: KnowledgeBase):
    question = "Wie viele Parkplätze stehen Besuchern seit dem Frühjahr 2024 auf Grundlage der Satzung zur Verfügung?"
    named = missing_nouns(question, kb.search(question), cited=set(), limit=10)  # as if no passage held any
    assert "Parkplätze" in named and "Satzung" in named
    assert "Frühjahr" not in named and "Grundlage" not in named and "Verfügung" not in named


def test_the_reason_does_not_name_the_house_of_working_from_home(kb: KnowledgeBase):
    """„von zu Hause“ says where, as „unterwegs“ does: a passage on mobile work need not repeat „Hause“."""
    question = "Wie viele Beschäftigte arbeiten auf Grundlage einer Vereinbarung von zu Hause oder unterwegs?"
    named = missing_nouns(question, kb.search(question), cited=set(), limit=10)
    assert sorted(named) == ["Beschäftigte", "Vereinbarung"]


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


E_FILES_2024 = """Antwort auf die Anfrage zur elektronischen Akte vom 12.04.2024

Landkreis Talbach

Die elektronische Akte wird seit 2022 in den Abteilungen der Kreisverwaltung schrittweise eingeführt. Derzeit
arbeiten 6 von 21 Organisationseinheiten vollständig elektronisch, darunter die Abteilung Zentrale Dienste.
Die Einführung soll bis Ende 2026 abgeschlossen sein.
"""

E_FILES_2025 = """Sachstandsbericht zur elektronischen Akte vom 02.09.2025

Landkreis Talbach

Die Poststelle scannt seit Januar 2025 die gesamte Eingangspost. Inzwischen arbeiten 14 von 21
Organisationseinheiten vollständig elektronisch; hinzugekommen sind die Abteilungen Soziales und Jugend.
"""


e_files_kb = knowledge_base_fixture(
    {"2024-04-antwort-e-akte.txt": E_FILES_2024, "2025-09-sachstandsbericht-e-akte.txt": E_FILES_2025}
)


def test_an_older_figure_is_marked_for_any_question_and_the_lead_does_not_read_on_into_it(e_files_kb):
    answer = draft(e_files_kb, "In welchen Abteilungen arbeitet die Kreisverwaltung bereits vollständig elektronisch?")
    assert any("14 von 21" in s.text and s.note is None for s in answer.sentences)  # the current figure is quoted
    assert all(s.note == "Stand 04/2024" for s in answer.sentences if "6 von 21" in s.text)


SERVICES_2024 = """Antwort auf den Antrag nach dem Landestransparenzgesetz vom 12.04.2024

Landkreis Talbach

1. Wie viele Verwaltungsleistungen können online beantragt werden?
Zum Stichtag 31. März 2024 standen 120 Online-Dienste zur Verfügung. Die Strategie sieht 150 Online-Dienste
bis Ende 2025 vor.
"""

SERVICES_2025 = """Sachstandsbericht Onlinezugangsgesetz vom 02.09.2025

Landkreis Talbach

2. Umsetzung des Onlinezugangsgesetzes

Zum Stichtag stehen 158 Online-Dienste zur Verfügung. Im ersten Halbjahr 2025 gingen 45.420 Anträge über
das Portal ein; das entspricht 34 % aller Anträge.
"""

SERVICES_NEIGHBOUR = """Bericht der Stadt Nordheim vom 10.01.2026

Stadt Nordheim

Zum Stichtag stehen in der Stadtverwaltung 96 Online-Dienste zur Verfügung.
"""


services_kb = knowledge_base_fixture(
    {
        "2024-04-antwort-ltranspg.txt": SERVICES_2024,
        "2025-09-sachstandsbericht-ozg.txt": SERVICES_2025,
        "2026-01-bericht-nordheim.txt": SERVICES_NEIGHBOUR,
    }
)


def test_a_figure_a_later_report_states_in_other_words_than_the_question_leads(services_kb: KnowledgeBase):
    answer = draft(services_kb, "Wie viele Verwaltungsleistungen können inzwischen online beantragt werden?")
    assert answer.sentences[0].text == "Zum Stichtag stehen 158 Online-Dienste zur Verfügung."
    assert answer.citations[0].date == "2025-09-02" and not answer.citations[0].other_authority
    older = [s for s in answer.sentences if "120 Online-Dienste" in s.text]
    assert older and all(s.note == "Stand 04/2024" for s in older)
    assert not any("45.420" in s.text or "96 Online-Dienste" in s.text for s in answer.sentences)


@pytest.fixture
def model_server() -> Iterator[FakeLLMServer]:
    server = FakeLLMServer("openai").start()
    yield server
    server.stop()


def model_draft(kb: KnowledgeBase, server: FakeLLMServer, text: str, max_passages: int = 8) -> DraftAnswer:
    """The draft with a language model answering, as the web app makes it; the model is shown `max_passages`
    of the retrieved passages."""
    settings = replace(kb.settings, llm=LLMSettings(url=server.url, model="fake-model", timeout=5.0, retries=0))
    model = LLMDrafter(settings.llm, settings.min_evidence, settings.authority_name, max_passages=max_passages)
    return draft_question(kb, SubQuestion("1", text), settings, model)


def shown_passages(server: FakeLLMServer) -> dict[int, str]:
    """Passage number → text of the passages the model was shown in its last request."""
    prompt = server.requests[-1]["messages"][-1]["content"]
    return {int(n): text for n, text in re.findall(r"<<<FUNDSTELLE (\d+)>>>(.*?)<<<ENDE FUNDSTELLE", prompt, re.S)}


def model_reply(*quotes: tuple[str, int]) -> str:
    """The model's answer: each quote as a sentence of its own, citing passage `number`."""
    return json.dumps({"saetze": [{"text": q, "quellen": [n], "zitat": q} for q, n in quotes]}, ensure_ascii=False)


SERVICES_QUESTION = "Wie viele Verwaltungsleistungen können inzwischen online beantragt werden?"
SERVICES_OLD = "Zum Stichtag 31. März 2024 standen 120 Online-Dienste zur Verfügung."
SERVICES_NEW = "Zum Stichtag stehen 158 Online-Dienste zur Verfügung."


def test_the_model_is_shown_the_later_report_that_states_the_figure_anew(services_kb, model_server):
    model_server.reply_with(model_reply((SERVICES_NEW, 2)))
    answer = model_draft(services_kb, model_server, SERVICES_QUESTION, max_passages=1)

    shown = shown_passages(model_server)
    assert SERVICES_OLD in " ".join(shown[1].split()) and SERVICES_NEW in " ".join(shown[2].split())
    assert "Datum: 2025-09-02" in shown[2]
    assert answer.sentences[0].text == SERVICES_NEW and answer.sentences[0].note is None
    assert answer.citations[0].date == "2025-09-02" and answer.sentences[0].verified


def test_a_model_answer_with_only_the_older_figure_is_dated_and_left_for_review(services_kb, model_server):
    model_server.reply_with(model_reply((SERVICES_OLD, 1)))
    answer = model_draft(services_kb, model_server, SERVICES_QUESTION, max_passages=1)

    assert answer.sentences[0].note == "Stand 04/2024"
    assert answer.answer.startswith(f"{SERVICES_OLD} (Stand 04/2024) [1]")
    assert answer.status == DraftStatus.NEEDS_REVIEW
    assert "Satz 1 nennt den Stand 04/2024" in answer.notice and SERVICES_NEW in answer.notice


def test_another_authoritys_passage_the_model_cites_is_labelled(kb, model_server):
    question = "Wie lange dauert die Bearbeitung eines Antrags auf Wohngeld?"
    model_server.reply_with("{}")  # first learn which number the model is shown the Nordheim passage under
    model_draft(kb, model_server, question)
    number = next(n for n, text in shown_passages(model_server).items() if "sechs Wochen" in text)
    quote = "Die Bearbeitungsdauer der Anträge auf Wohngeld beträgt im Durchschnitt sechs Wochen."
    model_server.reply_with(model_reply((quote, number)))

    answer = model_draft(kb, model_server, question)

    assert answer.method == "llm" and answer.sentences[0].verified
    assert answer.citations[0].other_authority and answer.citations[0].authority == "Stadt Nordheim"
    assert answer.status == DraftStatus.NEEDS_REVIEW
    assert answer.notice.count("anderen Behörde (Stadt Nordheim)") == 1


def test_another_authoritys_passage_is_labelled_and_never_marked_drafted(kb: KnowledgeBase):
    answer = draft(kb, "Wie lange dauert die Bearbeitung eines Antrags auf Wohngeld?")
    assert answer.citations and all(c.other_authority for c in answer.citations)
    assert answer.citations[0].authority == "Stadt Nordheim"
    assert answer.status == DraftStatus.NEEDS_REVIEW
    assert "anderen Behörde (Stadt Nordheim)" in answer.notice


NEIGHBOUR_MOBILE = """Stellungnahme der Stadt Nordheim vom 15.10.2025

Stadt Nordheim

In der Stadtverwaltung Nordheim bestehen inzwischen 212 Vereinbarungen über mobiles Arbeiten mit Beschäftigten.
"""


def test_another_authoritys_newer_figure_neither_dates_nor_replaces_the_own_one(tmp_path_factory, embedder):
    documents = {"2024-11-niederschrift.txt": MOBILE_2024, "2025-10-stellungnahme-nordheim.txt": NEIGHBOUR_MOBILE}
    base = talbach_knowledge_base(tmp_path_factory, embedder, documents)
    try:
        answer = draft(base, "Wie viele Vereinbarungen über mobiles Arbeiten bestehen mit Beschäftigten?")
    finally:
        base.close()
    assert "448 Vereinbarungen" in answer.sentences[0].text and answer.sentences[0].note is None
    assert not answer.citations[0].other_authority


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


STAFF_REPORT = """Personalbericht der Kreisverwaltung vom 15.03.2025

Landkreis Talbach

Die Dienstvereinbarung über mobiles Arbeiten von zu Hause gilt für alle Beschäftigten seit 3 Jahren.

Die Zahl der Nutzer steigt: 412 Beschäftigte arbeiten regelmäßig mobil.
"""

PAYMENT_2024 = """Pressemitteilung vom 04.11.2024

Landkreis Talbach

Seit dem 4. November 2024 können Gebühren bei 23 Online-Diensten direkt im Antrag bezahlt werden.
"""

SIGN_IN_2025 = """Sachstandsbericht Online-Dienste vom 30.06.2025

Landkreis Talbach

Im ersten Halbjahr 2025 wurden 61 % der Gebühren für Online-Dienste direkt im Antrag bezahlt.
"""


figures_kb = knowledge_base_fixture(
    {
        "2025-03-personalbericht.txt": STAFF_REPORT,
        "2024-11-pressemitteilung.txt": PAYMENT_2024,
        "2025-06-sachstandsbericht.txt": SIGN_IN_2025,
    }
)


def test_a_how_many_question_leads_with_the_count_of_what_it_asks_about(figures_kb: KnowledgeBase):
    answer = draft(figures_kb, "Wie viele Beschäftigte arbeiten auf Grundlage einer Vereinbarung von zu Hause?")
    # „seit 3 Jahren“ shares more words with the question, but counts years, not employees
    assert "412 Beschäftigte" in answer.sentences[0].text


def test_figures_of_different_things_are_not_marked_as_older_and_newer(figures_kb: KnowledgeBase):
    answer = draft(figures_kb, "Bei wie vielen Online-Diensten können Gebühren direkt bezahlt werden?")
    # the newer document's 61 % is a share of the fees paid, not a number of services that take payments:
    # the 23 services are the current figure, not an older statement of it
    quoted = {s.text: s.note for s in answer.sentences}
    figure = next(text for text in quoted if "23 Online-Diensten" in text)
    assert quoted[figure] is None


def test_a_how_many_draft_without_any_number_is_not_marked_drafted(figures_kb: KnowledgeBase):
    answer = draft(figures_kb, "Wie viele Beschäftigte nutzen die Dienstvereinbarung über mobiles Arbeiten?")
    if not any(ch.isdigit() for s in answer.sentences for ch in s.text):
        assert answer.status != DraftStatus.DRAFTED
        assert "Gefragt ist eine Zahl" in answer.notice
    else:
        assert "412" in answer.answer


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Woran misst die Kreisverwaltung, wie weit die Digitalisierung vorangeschritten ist?", AnswerType.OPEN),
        ("Bei wie vielen Online-Diensten können Gebühren bezahlt werden?", AnswerType.NUMBER),
        ("Welcher Anteil der Fahrzeugzulassungen wird online abgewickelt?", AnswerType.NUMBER),
        ("Können Sie mitteilen, wie viele Anträge eingegangen sind?", AnswerType.NUMBER),
    ],
)
def test_the_asked_answer_type_comes_from_the_main_clause(question: str, expected: AnswerType):
    assert expected_answer_type(question) == expected


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Stellt der Kreis offene Daten über eine Programmierschnittstelle bereit?", AnswerType.POLAR),
        ("Nutzt die Verwaltung freie Software, und wenn ja, wo?", AnswerType.POLAR),
        ("In welchen Bereichen setzt die Verwaltung freie Software ein?", AnswerType.OPEN),
        ("Bitte nennen Sie die Maßnahmen zur Barrierefreiheit.", AnswerType.OPEN),
        ("a) Inwieweit wurden die Fördermittel bereits abgerufen?", AnswerType.OPEN),
        ("2. Stellt der Kreis offene Daten bereit?", AnswerType.POLAR),
    ],
)
def test_a_question_that_opens_with_its_verb_asks_for_a_yes_or_no(question: str, expected: AnswerType):
    assert expected_answer_type(question) == expected


CARE_STATISTICS = """Antwort der Kreisverwaltung Talbach auf die Anfrage zur Eingliederungshilfe vom 10.04.2026

Landkreis Talbach

Die Zahl der Leistungsberechtigten der Eingliederungshilfe im Landkreis Talbach wird in der nachfolgenden
Übersicht dargestellt. Zahlen für das Jahr 2026 liegen noch nicht vor.

Jahr Leistungsberechtigte
2022 1.184
2023 1.231
2024 1.297
2025 1.342
"""

SELECTION_PANEL = """Antwort auf die Anfrage zur Besetzung der Stelle der Gleichstellungsbeauftragten vom 02.02.2026

Landkreis Talbach

Das Gremium entschied sich nach den Vorstellungsgesprächen einstimmig für die Bewerberin aus Haselbach.
Dem Gremium gehörten die Leiterin des Personalamts, der Vorsitzende des Personalrats und eine externe
Personalberaterin an. Die Stelle wurde zum 1. März 2026 besetzt.
"""


ONLINE_SERVICES = """Antwort der Kreisverwaltung Talbach auf die Anfrage zum Onlinezugang vom 12.05.2026

Landkreis Talbach

Die Kreisverwaltung bietet 158 Leistungen online an. Ob und wann weitere Leistungen folgen, hängt von der
Bereitstellung der Fachverfahren durch das Land ab. Ein genauer Zeitpunkt, zu dem alle Leistungen der
Kreisverwaltung online beantragt werden können, ist nicht abzusehen.
"""


answers_kb = knowledge_base_fixture(
    {
        "2026-04-antwort-eingliederungshilfe.txt": CARE_STATISTICS,
        "2026-02-antwort-stelle.txt": SELECTION_PANEL,
    }
)


def test_a_how_many_question_answered_by_a_table_quotes_the_table_with_its_header(answers_kb: KnowledgeBase):
    answer = draft(answers_kb, "Wie viele Leistungsberechtigte der Eingliederungshilfe gibt es zuletzt im Landkreis?")
    lead = answer.citations[0].quote
    assert lead.startswith("Jahr Leistungsberechtigte") and lead.endswith("2025 1.342")
    rows = ["Jahr Leistungsberechtigte", "2022 1.184", "2023 1.231", "2024 1.297", "2025 1.342"]
    assert answer.sentences[0].text.splitlines() == rows  # a row per line, as in the document, not one line
    assert "nachfolgenden Übersicht" not in answer.sentences[0].text  # the pointer to the table is not the answer


def test_a_who_question_leads_with_the_sentence_that_names_the_people_not_its_own_words(answers_kb: KnowledgeBase):
    answer = draft(answers_kb, "Wer gehörte dem Gremium an, das die Gleichstellungsbeauftragte ausgewählt hat?")
    assert answer.sentences[0].text.startswith("Dem Gremium gehörten die Leiterin des Personalamts")


online_kb = knowledge_base_fixture({"2026-05-antwort-onlinezugang.txt": ONLINE_SERVICES})


def test_a_when_question_is_answered_by_saying_that_no_date_can_be_named(online_kb: KnowledgeBase):
    answer = draft(online_kb, "Ab wann können alle Leistungen der Kreisverwaltung online beantragt werden?")
    assert "nicht abzusehen" in answer.sentences[0].text
    assert "Gefragt ist ein Zeitpunkt" not in (answer.notice or "")


MINUTES = """Niederschrift über die 3. Sitzung des Ausschusses für Digitales vom 14.03.2026

Landkreis Talbach

TOP 2: Elektronische Akte

Herr Brandt fragt, wie weit die Einführung der elektronischen Akte ist. Frau Lenz teilt mit, dass die
Eingangspost für alle Referate mit elektronischer Akte in der Poststelle eingescannt werde. Die übrigen
Referate folgen bis Ende 2026.
"""

minutes_kb = knowledge_base_fixture({"2026-03-niederschrift-digitales.txt": MINUTES})


def test_a_yes_or_no_given_in_the_reported_speech_of_minutes_is_taken_as_the_answer(minutes_kb: KnowledgeBase):
    """„…, dass die Eingangspost … eingescannt werde“ affirms; the user is not told that it does not."""
    answer = draft(minutes_kb, "Wird die eingehende Post in der Poststelle eingescannt?")
    assert answer.sentences[0].text.startswith("Frau Lenz teilt mit, dass die Eingangspost")
    assert "bejaht oder verneint" not in (answer.notice or "")


CHATBOT_REQUEST = """Anfrage nach dem Landestransparenzgesetz: Chatbot für Bürgeranfragen

Landkreis Talbach

Antrag vom 02.05.2025

Sehr geehrte Damen und Herren,
bitte teilen Sie mir mit, ob die Kreisverwaltung einen Chatbot für Anfragen von Bürgern plant. Sollte diese
Anfrage wider Erwarten keine einfache Anfrage sein, bitte ich Sie, mich vorab über den Verwaltungsaufwand
für die Auskunft zum Chatbot zu informieren.

Antwort vom 20.05.2025

Konkrete Planungen für einen Chatbot gibt es in der Kreisverwaltung noch nicht. Vergleichbare Projekte
anderer Verwaltungen werden beobachtet.
"""

FLEET = """Antwort auf die Anfrage der Fraktion zum Fuhrpark vom 10.06.2025

Landkreis Talbach

A. Wie viele Fahrzeuge mit Verbrennungsmotor befinden sich im Eigentum ...
1. ... der Kreisverwaltung?
2. ... der kreiseigenen Gesellschaften?

1. Insgesamt befinden sich derzeit 84 Fahrzeuge mit Verbrennungsmotor im Eigentum der Kreisverwaltung
Talbach. Die Zulassungsstelle hat ihre Öffnungszeiten am Donnerstag bis 18 Uhr verlängert.

2. Bei den kreiseigenen Gesellschaften sind es 37 Fahrzeuge.
"""

replies_kb = knowledge_base_fixture(
    {"2025-05-ltranspg-chatbot.txt": CHATBOT_REQUEST, "2025-06-antwort-fuhrpark.txt": FLEET}
)


def test_the_request_an_foi_reply_prints_above_the_answer_is_never_quoted(replies_kb: KnowledgeBase):
    answer = draft(replies_kb, "Plant die Kreisverwaltung einen Chatbot für Anfragen von Bürgern?")
    assert answer.sentences[0].text.startswith("Konkrete Planungen für einen Chatbot")
    assert not any("wider Erwarten" in c.quote or "bitte teilen Sie" in c.quote for c in answer.citations)


def test_a_printed_question_without_its_question_mark_is_never_quoted(replies_kb: KnowledgeBase):
    answer = draft(
        replies_kb, "Wie viele Fahrzeuge mit Verbrennungsmotor befinden sich im Eigentum der Kreisverwaltung?"
    )
    assert answer.sentences[0].text.startswith("Insgesamt befinden sich derzeit 84 Fahrzeuge")
    assert not any("Wie viele" in c.quote for c in answer.citations)


def test_the_lead_does_not_read_on_into_a_sentence_about_something_else(replies_kb: KnowledgeBase):
    answer = draft(
        replies_kb, "Wie viele Fahrzeuge mit Verbrennungsmotor befinden sich im Eigentum der Kreisverwaltung?"
    )
    assert "Öffnungszeiten" not in answer.sentences[0].text


NETWORK = """Sachstandsbericht Digitalisierung vom 30.09.2025

Landkreis Talbach

Online-Dienste
{services}Vernetzung der Beschäftigten
Aus der Digitalstrategie ging hervor, dass der Wissenstransfer zwischen den Ämtern der Kreisverwaltung zu kurz kommt, weshalb das Digitalteam die offene Vernetzungsplattform „Treffpunkt digital“ eingerichtet hat. Auf der Vernetzungsplattform wurden seit Oktober 2023 elf Projekte der Ämter vorgestellt, zuletzt die elektronische Akte im Jugendamt.
"""
SERVICES = "".join(
    f"Im Jahr {year} kamen {year - 1990} Online-Dienste hinzu, darunter Anträge der Zulassungsstelle und des Sozialamts.\n"
    for year in range(2005, 2026)
)
network_kb = knowledge_base_fixture({"2025-09-sachstandsbericht.txt": NETWORK.format(services=SERVICES)})


def test_a_heading_above_a_paragraph_on_one_line_is_not_quoted_as_part_of_its_sentence(network_kb: KnowledgeBase):
    answer = draft(network_kb, "Warum hat das Digitalteam die Vernetzungsplattform eingerichtet?")
    assert answer.citations[0].passage_text.startswith("Vernetzung der Beschäftigten\nAus der")  # as in the seeds
    assert answer.sentences[0].text.startswith("Aus der Digitalstrategie ging hervor")


SCHOOLS = """Antwort auf die Bürgeranfrage zur Sanierung der Grundschulen vom 12.05.2025

Landkreis Talbach

Die Sanierung der Grundschule Eichtal wird nach heutiger Planung im Sommer 2028 abgeschlossen sein.
Der Beginn der Sanierung der Grundschule Eichtal ist für März 2027 vorgesehen. Die Grundschule
Birkenau wurde bereits im Jahr 2024 saniert.
"""

schools_kb = knowledge_base_fixture({"2025-05-antwort-grundschulen.txt": SCHOOLS})


def test_a_question_asking_when_something_begins_leads_with_the_start_not_the_end(schools_kb: KnowledgeBase):
    """„Wann beginnt …“ is answered by the „Beginn“: the verb's „-t“ does not hide it from the question."""
    answer = draft(schools_kb, "Wann beginnt die Sanierung der Grundschule Eichtal?")
    assert answer.sentences[0].text.startswith("Der Beginn der Sanierung der Grundschule Eichtal ist für März 2027")


BUILDING_PERMITS = """Sachstandsbericht Digitalisierung der Bauaufsicht vom 15.01.2026

Landkreis Talbach

Im Jahr 2025 wurden 62 Prozent der Bauanträge digital über das Bauportal eingereicht. Die Bauaufsicht
prüft die Unterlagen vollständig in der elektronischen Akte. Für Rückfragen steht das Bürgerbüro zur Verfügung.
Die Einführung der elektronischen Akte in der Bauaufsicht ist abgeschlossen; seit März 2025 werden keine
Papierakten mehr angelegt.
"""

permits_kb = knowledge_base_fixture({"2026-01-sachstand-bauaufsicht.txt": BUILDING_PERMITS})


@pytest.mark.parametrize(
    ("question", "answer"),
    [
        ("Welcher Anteil der Bauanträge wird digital eingereicht?", "Im Jahr 2025 wurden 62 Prozent der Bauanträge"),
        ("Wie ist der Stand bei der Einführung der elektronischen Akte?", "Die Einführung der elektronischen Akte"),
    ],
)
def test_a_plain_answer_is_marked_drafted_when_the_question_names_the_kind_of_answer_first(
    permits_kb: KnowledgeBase, question: str, answer: str
):
    """„Welcher *Anteil* der Bauanträge …“ asks about the Bauanträge, „Wie ist der *Stand* bei der Einführung …“
    about the introduction: that the answering sentence does not repeat „Anteil“ or „Stand“ is no doubt."""
    drafted = draft(permits_kb, question)
    assert drafted.sentences[0].text.startswith(answer)
    assert drafted.status == DraftStatus.DRAFTED, drafted.notice


PARTICIPATION = """Bürgerdialog Digitale Verwaltung Talbach

• Zeitraum 01.03.2025 bis 30.04.2025
3 Beiträge
2 Kommentare

Bringen Sie Ihre Ideen zur digitalen Verwaltung ein!

Formulare zum Ausfüllen
Ich wünsche mir Formulare, die sich am Bildschirm ausfüllen lassen. Die Anträge auf Wohngeld sollten
auch mit dem Smartphone gestellt werden können, das spart Papier.
"""

HOUSING = """Antwort auf die Anfrage zum Wohngeld vom 10.06.2025

Landkreis Talbach

Anträge auf Wohngeld können seit Januar 2025 online über das Serviceportal gestellt werden. Das Portal ist
auch mit dem Smartphone nutzbar. Die Bearbeitung dauert im Durchschnitt fünf Wochen.
"""

participation_kb = knowledge_base_fixture(
    {"2025-04-buergerdialog.txt": PARTICIPATION, "2025-06-antwort-wohngeld.txt": HOUSING}
)


def test_a_draft_that_quotes_a_citizens_contribution_is_left_for_review_with_the_reason(participation_kb):
    """What citizens wished in a Bürgerdialog answers „Was wünschen sich …“, but as their view, never as
    the authority's: the draft is labelled and not marked `drafted`."""
    answer = draft(participation_kb, "Was wünschen sich Bürgerinnen und Bürger bei Formularen?")
    assert answer.sentences[0].text.startswith("Ich wünsche mir Formulare")
    assert answer.citations[0].doc_type == DocType.PARTICIPATION
    assert answer.status == DraftStatus.NEEDS_REVIEW
    assert "Beitrag aus einer Bürgerbeteiligung" in answer.notice


def test_a_citizens_contribution_is_not_quoted_beside_the_authoritys_answer(participation_kb):
    answer = draft(participation_kb, "Können Anträge auf Wohngeld mit dem Smartphone gestellt werden?")
    assert answer.sentences[0].text.startswith("Anträge auf Wohngeld können seit Januar 2025 online")
    assert all(c.doc_type != DocType.PARTICIPATION for c in answer.citations)


@pytest.mark.parametrize("services", ["Online-Diensten", "Onlinediensten"])
@pytest.mark.parametrize(
    ("sentence", "strength"),
    [
        ("Zum Start waren 23 Dienste angebunden, heute sind es 47.", 1.0),
        ("Im Jahr 2022 wurden bei insgesamt 48.300 Zulassungsvorgängen 3,1 % online abgewickelt.", 0.5),
    ],
)
def test_a_count_answers_a_how_many_question_about_a_compound_only_when_it_counts_the_compounds_head(
    services: str, sentence: str, strength: float
):
    """„Online-Dienste“ are services: „3,1 % online abgewickelt“ shares the word „online“, but counts no service;
    only a count of what is asked gives the answer type in full, which weighs in choosing the first sentence."""
    question = f"Bei wie vielen {services} können Gebühren direkt bezahlt werden?"
    stems = set(GermanAnalyzer().tokens(question))
    assert answer_strength(AnswerType.NUMBER, sentence, question, stems) == strength
