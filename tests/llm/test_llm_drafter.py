"""The LLM drafting path against a fake OpenAI-compatible server (vLLM, llama.cpp) over real HTTP."""

from __future__ import annotations

import re
import socket
from dataclasses import replace

from drafter.config import LLMSettings
from drafter.extractive import draft_extractive
from drafter.llm import ABSTENTION_SENTENCE, DraftContext, LLMDrafter
from drafter.llm.output_parsing import ANSWER_SCHEMA
from drafter.models import DocType, DraftStatus, SearchHit, SubQuestion
from tests.llm.conftest import MIN_EVIDENCE, QUESTION, llm_settings, make_hit, sentences
from tests.llm.fake_llm_server import FakeLLMServer, Reply

RECEIVED = (
    "Im Jahr 2023 sind beim Landratsamt 42 Anträge nach dem Landestransparenzgesetz eingegangen.",
    [1],
    "Im Jahr 2023 sind beim Landratsamt 42 Anträge nach dem Landestransparenzgesetz eingegangen",
)
GRANTED = ("Davon wurden 37 Anträge vollständig bewilligt.", [1], "Davon wurden 37 Anträge vollständig bewilligt.")
DURATION = (
    "Die Bearbeitung dauerte im Durchschnitt 18 Tage.",
    [2],
    # line break and double space where the passage has single spaces: whitespace-normalised match
    "Die Bearbeitung der Anträge nach dem\nLandestransparenzgesetz dauerte im  Durchschnitt 18 Tage",
)


def drafter_for(server: FakeLLMServer, **overrides: object) -> LLMDrafter:
    return LLMDrafter(llm_settings(server, **overrides), MIN_EVIDENCE, backoff_base=0.01)


def test_well_cited_answer_is_accepted_with_quote_offsets(openai_server, hits):
    openai_server.reply_with(sentences(RECEIVED, GRANTED, DURATION))

    answer = drafter_for(openai_server).draft(QUESTION, hits)

    assert answer.status == DraftStatus.DRAFTED
    assert answer.method == "llm"
    assert answer.notice is None
    assert [s.verified for s in answer.sentences] == [True, True, True]
    assert [s.markers for s in answer.sentences] == [[1], [2], [3]]
    assert answer.answer.startswith(f"{RECEIVED[0]} [1] {GRANTED[0]} [2] ")
    assert answer.answer.endswith("18 Tage. [3]")
    quotes = {c.marker: c for c in answer.citations}
    assert [quotes[1].chunk_id, quotes[2].chunk_id, quotes[3].chunk_id] == ["doc1:0", "doc1:0", "doc2:0"]
    for citation in answer.citations:
        assert citation.passage_text[citation.quote_start : citation.quote_end] == citation.quote
    assert quotes[1].quote == RECEIVED[2]
    assert quotes[2].quote == GRANTED[2]
    assert quotes[3].quote == (
        "Die Bearbeitung der Anträge nach dem Landestransparenzgesetz dauerte im Durchschnitt 18 Tage"
    )
    assert quotes[3].quote_start == 0


def test_same_quote_twice_gets_one_marker(openai_server, hits):
    again = ("Es wurden 37 Anträge vollständig bewilligt.", [1], GRANTED[2])
    openai_server.reply_with(sentences(GRANTED, again))

    answer = drafter_for(openai_server).draft(QUESTION, hits)

    assert [s.markers for s in answer.sentences] == [[1], [1]]
    assert len(answer.citations) == 1


def test_fabricated_quote_is_flagged_and_other_sentences_stay_verified(openai_server, hits):
    invented = ("Alle Anträge wurden abgelehnt.", [1], "Alle Anträge wurden wegen Geheimhaltung abgelehnt")
    openai_server.reply_with(sentences(RECEIVED, invented, DURATION))

    answer = drafter_for(openai_server).draft(QUESTION, hits)

    assert answer.status == DraftStatus.NEEDS_REVIEW
    assert [s.verified for s in answer.sentences] == [True, False, True]
    assert answer.sentences[1].markers == []
    assert "Alle Anträge wurden abgelehnt. [unbelegt]" in answer.answer
    assert "Satz 2" in answer.notice and "Zitat" in answer.notice
    assert all("abgelehnt" not in c.quote for c in answer.citations)


def test_citation_of_a_passage_that_was_not_retrieved_is_rejected(openai_server, hits):
    elsewhere = ("Davon wurden 37 Anträge vollständig bewilligt.", [1, 7], GRANTED[2])
    openai_server.reply_with(sentences(RECEIVED, elsewhere))

    answer = drafter_for(openai_server).draft(QUESTION, hits)

    assert answer.status == DraftStatus.NEEDS_REVIEW
    assert [s.verified for s in answer.sentences] == [True, False]
    assert "Fundstelle 7" in answer.notice


def test_quote_from_an_earlier_question_does_not_back_a_statement(openai_server, hits):
    presupposed = (
        "Nach dem Landestransparenzgesetz sind 2023 Anträge eingegangen.",
        [1],
        "Wie viele Anträge nach dem Landestransparenzgesetz sind 2023 eingegangen",
    )
    openai_server.reply_with(sentences(presupposed))

    answer = drafter_for(openai_server).draft(QUESTION, hits)

    assert answer.status == DraftStatus.NEEDS_REVIEW
    assert answer.sentences[0].verified is False


def test_an_answer_to_how_many_that_opens_without_a_number_is_left_for_review(openai_server, hits):
    vague = ("Anträge nach dem Landestransparenzgesetz wurden vollständig bewilligt.", [1], GRANTED[2])
    openai_server.reply_with(sentences(vague, RECEIVED))

    answer = drafter_for(openai_server).draft(QUESTION, hits)

    assert [s.verified for s in answer.sentences] == [True, True]
    assert answer.status == DraftStatus.NEEDS_REVIEW
    assert "Gefragt ist eine Zahl oder ein Betrag; erst ein späterer zitierter Satz nennt eine" in answer.notice


def test_an_answer_to_how_many_without_any_number_says_so(openai_server, hits):
    vague = ("Anträge nach dem Landestransparenzgesetz wurden vollständig bewilligt.", [1], GRANTED[2])
    openai_server.reply_with(sentences(vague))

    answer = drafter_for(openai_server).draft(QUESTION, hits)

    assert answer.status == DraftStatus.NEEDS_REVIEW
    assert "Gefragt ist eine Zahl oder ein Betrag; kein Satz der Antwort nennt das." in answer.notice


def test_changed_number_is_flagged(openai_server, hits):
    changed = ("Davon wurden 39 Anträge vollständig bewilligt.", [1], GRANTED[2])
    openai_server.reply_with(sentences(RECEIVED, changed, DURATION))

    answer = drafter_for(openai_server).draft(QUESTION, hits)

    assert answer.status == DraftStatus.NEEDS_REVIEW
    assert [s.verified for s in answer.sentences] == [True, False, True]
    assert "„39“" in answer.notice


def test_changed_paragraph_reference_is_flagged(openai_server, hits):
    fees = ("Gebühren wurden nach § 25 LTranspG erhoben.", [2], "Gebühren wurden nach § 24 LTranspG in 5 Fällen")
    openai_server.reply_with(sentences(fees))

    answer = drafter_for(openai_server).draft(QUESTION, hits)

    assert answer.status == DraftStatus.NEEDS_REVIEW
    assert answer.sentences[0].verified is False


def test_abstention_is_recognised(openai_server, hits):
    openai_server.reply_with(f'{{"abstention": true, "text": "{ABSTENTION_SENTENCE}"}}')

    answer = drafter_for(openai_server).draft(QUESTION, hits)

    assert answer.status == DraftStatus.INSUFFICIENT_EVIDENCE
    assert answer.answer == draft_extractive(QUESTION, [], MIN_EVIDENCE).answer  # same wording as without LLM
    assert answer.answer.startswith(ABSTENTION_SENTENCE)
    assert answer.citations == []
    assert answer.method == "llm"


def test_without_evidence_the_model_is_not_asked(openai_server, hits):
    openai_server.reply_with(sentences(RECEIVED))
    weak = [replace(hit, evidence=0.3) for hit in hits]

    answers = [drafter_for(openai_server).draft(QUESTION, found) for found in ([], weak)]

    assert [a.status for a in answers] == [DraftStatus.INSUFFICIENT_EVIDENCE] * 2
    assert answers[1] == draft_extractive(QUESTION, weak, MIN_EVIDENCE)
    assert openai_server.attempts == 0


def test_output_limit_reaches_the_server_as_max_tokens(openai_server, hits):
    openai_server.reply_with(sentences(RECEIVED))

    drafter_for(openai_server, max_tokens=321, temperature=0.2).draft(QUESTION, hits)

    body = openai_server.requests[0]
    assert body["max_tokens"] == 321  # llama.cpp server reads only this one
    assert body["max_completion_tokens"] == 321
    assert body["model"] == "fake-model"
    assert body["temperature"] == 0.2
    assert body["response_format"] == {"type": "json_object", "schema": ANSWER_SCHEMA}
    assert body.get("stream") in (None, False)


def test_prompt_numbers_passages_with_title_type_and_date(openai_server, hits):
    openai_server.reply_with(sentences(RECEIVED))

    drafter_for(openai_server).draft(QUESTION, hits)

    system, user = openai_server.requests[0]["messages"]
    assert system["role"] == "system" and user["role"] == "user"
    assert ABSTENTION_SENTENCE in system["content"]
    assert "Ignoriere alle vorherigen Anweisungen" in system["content"]  # the rule naming the attack
    assert QUESTION.text in user["content"]
    for number, (title, label, date) in enumerate(
        [
            ("Antwort auf Anfrage 12/2024", "Frühere Antwort", "2024-02-01"),
            ("Transparenzbericht 2023", "Bericht", "2024-03-15"),
            ("Niederschrift Kreisausschuss", "Niederschrift", "2023-11-20"),
        ],
        start=1,
    ):
        block = re.search(rf"<<<FUNDSTELLE {number}>>>(.*?)<<<ENDE FUNDSTELLE {number}>>>", user["content"], re.S)
        assert block, f"Fundstelle {number} fehlt"
        assert f"Titel: {title}" in block.group(1)
        assert f"Art: {label}" in block.group(1)
        assert f"Datum: {date}" in block.group(1)
    # a passage cannot close its own delimiter early: the forged marker is neutralised
    assert user["content"].count("<<<ENDE FUNDSTELLE 3>>>") == 1


def test_injected_instruction_does_not_pass_as_verified(openai_server, hits):
    obeyed = (
        "Der Landkreis zahlt Ihnen eine Entschädigung von 1.000 Euro.",
        [3],
        "Der Landkreis zahlt Ihnen eine Entschädigung von 1.000 Euro",
    )
    openai_server.reply_with(sentences(RECEIVED, obeyed))

    answer = drafter_for(openai_server).draft(QUESTION, hits)

    assert answer.status == DraftStatus.NEEDS_REVIEW
    assert [s.verified for s in answer.sentences] == [True, False]
    assert "[unbelegt]" in answer.answer
    assert all(c.chunk_id != "doc3:0" for c in answer.citations)


def test_agreed_wording_is_offered_and_accepted_without_passage(openai_server, hits):
    wording = "Zu laufenden Verwaltungsverfahren äußert sich das Landratsamt nicht."
    approved = ("Wie viele LTranspG-Anträge gab es 2023?", "Im Jahr 2023 gingen 42 Anträge ein.")
    openai_server.reply_with(sentences(RECEIVED, (wording, [], wording)))

    context = DraftContext(guidance=[wording], approved_answers=[approved])
    answer = drafter_for(openai_server).draft(QUESTION, hits, context)

    user = openai_server.requests[0]["messages"][1]["content"]
    assert wording in user and approved[1] in user
    assert answer.status == DraftStatus.DRAFTED
    assert answer.sentences[1].verified and answer.sentences[1].markers == []


def test_sentence_without_passage_and_without_agreed_wording_is_flagged(openai_server, hits):
    openai_server.reply_with(sentences(RECEIVED, ("Wir danken für Ihre Anfrage.", [], "")))

    answer = drafter_for(openai_server).draft(QUESTION, hits)

    assert answer.status == DraftStatus.NEEDS_REVIEW
    assert [s.verified for s in answer.sentences] == [True, False]


def test_timeouts_fall_back_to_extractive_draft_after_all_attempts(openai_server, hits):
    openai_server.reply_with(Reply(content=sentences(RECEIVED), delay=1.5))

    answer = drafter_for(openai_server, timeout=0.3, retries=2).draft(QUESTION, hits)

    assert openai_server.attempts == 3
    assert answer.method == "extractive"
    assert answer.status == DraftStatus.DRAFTED
    assert answer.citations
    assert "Zeitüberschreitung" in answer.notice
    assert "extraktiv" in answer.notice


def test_server_errors_fall_back_after_retries(openai_server, hits):
    openai_server.reply_with(Reply(status=500))

    answer = drafter_for(openai_server, retries=3).draft(QUESTION, hits)

    assert openai_server.attempts == 4
    assert answer.method == "extractive"
    assert "HTTP 500" in answer.notice


def test_garbage_output_falls_back_after_retries(openai_server, hits):
    openai_server.reply_with("Gerne helfe ich Ihnen weiter! Die Antwort lautet: vielleicht.")

    answer = drafter_for(openai_server, retries=1).draft(QUESTION, hits)

    assert openai_server.attempts == 2
    assert answer.method == "extractive"
    assert "keine auswertbare Antwort" in answer.notice


def test_rate_limit_is_retried_until_the_model_answers(openai_server, hits):
    openai_server.reply_with(Reply(status=429), Reply(status=503), sentences(RECEIVED))

    answer = drafter_for(openai_server, retries=2).draft(QUESTION, hits)

    assert openai_server.attempts == 3
    assert answer.method == "llm"
    assert answer.status == DraftStatus.DRAFTED


def test_rejected_request_is_not_retried(openai_server, hits):
    openai_server.reply_with(Reply(status=401))

    answer = drafter_for(openai_server, retries=2).draft(QUESTION, hits)

    assert openai_server.attempts == 1
    assert answer.method == "extractive"
    assert "HTTP 401" in answer.notice and "DRAFTER_LLM_API_KEY" in answer.notice


def test_refused_connection_falls_back(hits):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings = LLMSettings(url=f"http://127.0.0.1:{port}/v1", model="fake-model", timeout=2.0, retries=1)

    answer = LLMDrafter(settings, MIN_EVIDENCE, backoff_base=0.01).draft(QUESTION, hits)

    assert answer.method == "extractive"
    assert "keine Verbindung" in answer.notice


def test_model_name_is_asked_from_the_server_when_not_configured(openai_server, hits):
    openai_server.model = "served-model-7b"
    openai_server.reply_with(sentences(RECEIVED))

    drafter_for(openai_server, model="").draft(QUESTION, hits)

    assert openai_server.requests[0]["model"] == "served-model-7b"


def numbered_jobs(count: int) -> list[tuple[SubQuestion, list[SearchHit]]]:
    jobs = []
    for k in range(1, count + 1):
        passage = f"Vorgang {k}: Im Jahr 2023 sind beim Landratsamt {k * 11} Anträge eingegangen."
        question = SubQuestion(label=str(k), text=f"Wie viele Anträge gingen im Vorgang {k} ein?")
        hit = make_hit(k, passage, DocType.REPORT, f"Bericht {k}", "2024-01-31", 0.9, query=question.text, rank=1)
        jobs.append((question, [hit]))
    return jobs


def test_concurrency_is_bounded_and_answers_keep_their_order(openai_server):
    def script(body: dict) -> Reply:
        k = int(re.search(r"Vorgang (\d+):", body["messages"][1]["content"]).group(1))
        text = f"Im Jahr 2023 sind beim Landratsamt {k * 11} Anträge eingegangen."
        return Reply(content=sentences((text, [1], text)), delay=0.2)

    openai_server.script = script
    jobs = numbered_jobs(6)
    finished = []

    answers = drafter_for(openai_server, concurrency=2).draft_all(jobs, on_answer=finished.append)

    assert openai_server.max_in_flight == 2
    assert openai_server.attempts == 6
    assert [a.label for a in answers] == ["1", "2", "3", "4", "5", "6"]
    assert all(a.method == "llm" and a.status == DraftStatus.DRAFTED for a in answers)
    assert [re.search(r"(\d+) Anträge", a.answer).group(1) for a in answers] == [str(k * 11) for k in range(1, 7)]
    assert sorted(a.label for a in finished) == ["1", "2", "3", "4", "5", "6"]


def test_a_failing_question_does_not_hold_up_the_others(openai_server):
    def script(body: dict) -> Reply:
        k = int(re.search(r"Vorgang (\d+):", body["messages"][1]["content"]).group(1))
        if k == 2:
            return Reply(status=500)
        text = f"Im Jahr 2023 sind beim Landratsamt {k * 11} Anträge eingegangen."
        return Reply(content=sentences((text, [1], text)))

    openai_server.script = script
    contexts = []

    answers = drafter_for(openai_server, retries=1).draft_all(
        numbered_jobs(3), context_for=lambda q: contexts.append(q.label) or None
    )

    assert [a.method for a in answers] == ["llm", "extractive", "llm"]
    assert "HTTP 500" in answers[1].notice
    assert sorted(contexts) == ["1", "2", "3"]


def test_unknown_provider_falls_back_with_a_german_hint_without_asking(openai_server, hits):
    openai_server.reply_with(sentences(RECEIVED))

    answer = drafter_for(openai_server, provider="azure").draft(QUESTION, hits)

    assert openai_server.attempts == 0
    assert answer.method == "extractive"
    assert "Unbekannter Anbieter „azure“" in answer.notice
    assert "DRAFTER_LLM_PROVIDER" in answer.notice
