"""The LLM drafting path against a fake Ollama server (`/api/chat`) over real HTTP."""

from __future__ import annotations

from drafter.llm import LLMDrafter
from drafter.llm.output_parsing import ANSWER_SCHEMA
from drafter.models import DraftStatus
from tests.llm.conftest import MIN_EVIDENCE, PAST_REPLY, QUESTION, llm_settings, sentences
from tests.llm.fake_llm_server import FakeLLMServer, Reply

GRANTED = ("Davon wurden 37 Anträge vollständig bewilligt.", [1], "Davon wurden 37 Anträge vollständig bewilligt.")


def drafter_for(server: FakeLLMServer, **overrides: object) -> LLMDrafter:
    return LLMDrafter(llm_settings(server, **overrides), MIN_EVIDENCE, backoff_base=0.01)


def test_ollama_answer_is_verified_with_offsets(ollama_server, hits):
    ollama_server.reply_with(sentences(GRANTED))

    answer = drafter_for(ollama_server).draft(QUESTION, hits)

    assert answer.status == DraftStatus.DRAFTED
    assert answer.method == "llm"
    citation = answer.citations[0]
    assert citation.quote_start == PAST_REPLY.index("Davon wurden")
    assert PAST_REPLY[citation.quote_start : citation.quote_end] == GRANTED[2]


def test_ollama_request_limits_output_with_num_predict(ollama_server, hits):
    ollama_server.reply_with(sentences(GRANTED))

    drafter_for(ollama_server, max_tokens=321, temperature=0.2).draft(QUESTION, hits)

    body = ollama_server.requests[0]
    assert body["options"]["num_predict"] == 321
    assert body["options"]["temperature"] == 0.2
    assert body["model"] == "fake-model"
    assert body["format"] == ANSWER_SCHEMA
    assert body["stream"] is False
    assert [m["role"] for m in body["messages"]] == ["system", "user"]


def test_ollama_fabricated_quote_is_flagged(ollama_server, hits):
    invented = ("Alle Anträge wurden abgelehnt.", [1], "Alle Anträge wurden wegen Geheimhaltung abgelehnt")
    ollama_server.reply_with(sentences(GRANTED, invented))

    answer = drafter_for(ollama_server).draft(QUESTION, hits)

    assert answer.status == DraftStatus.NEEDS_REVIEW
    assert [s.verified for s in answer.sentences] == [True, False]


def test_ollama_timeout_falls_back_after_all_attempts(ollama_server, hits):
    ollama_server.reply_with(Reply(content=sentences(GRANTED), delay=1.5))

    answer = drafter_for(ollama_server, timeout=0.3, retries=1).draft(QUESTION, hits)

    assert ollama_server.attempts == 2
    assert answer.method == "extractive"
    assert "Zeitüberschreitung" in answer.notice


def test_ollama_server_error_falls_back_after_all_attempts(ollama_server, hits):
    ollama_server.reply_with(Reply(status=500))

    answer = drafter_for(ollama_server, retries=2).draft(QUESTION, hits)

    assert ollama_server.attempts == 3
    assert answer.method == "extractive"
    assert "HTTP 500" in answer.notice


def test_ollama_model_not_pulled_is_not_retried(ollama_server, hits):
    ollama_server.reply_with(Reply(status=404))

    answer = drafter_for(ollama_server, retries=2).draft(QUESTION, hits)

    assert ollama_server.attempts == 1
    assert "HTTP 404" in answer.notice


def test_ollama_model_name_is_asked_from_the_server_when_not_configured(ollama_server, hits):
    ollama_server.model = "qwen2.5:7b-instruct"
    ollama_server.reply_with(sentences(GRANTED))

    drafter_for(ollama_server, model="").draft(QUESTION, hits)

    assert ollama_server.requests[0]["model"] == "qwen2.5:7b-instruct"
