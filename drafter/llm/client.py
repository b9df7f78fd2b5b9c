"""Builds the LangChain chat model for the configured server: OpenAI-compatible or Ollama.

Two details matter on real servers. The output limit must be one the server honours:
langchain-openai sends only `max_completion_tokens`, which the llama.cpp server ignores (it
then writes until its context is full), so `max_tokens` also goes into the request body via
`extra_body`; Ollama reads `num_predict`. And LangChain's own retries are switched off, because
`LLMDrafter` retries a bounded number of times itself and then falls back to an extractive draft.
"""

from __future__ import annotations

import httpx
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_ollama import ChatOllama
from langchain_openai import ChatOpenAI
from pydantic import SecretStr

from drafter.config import LLMSettings
from drafter.errors import LLMUnavailable
from drafter.llm.output_parsing import ANSWER_SCHEMA

PROVIDERS = ("openai", "ollama")
_NO_KEY = "not-needed"


def build_chat_model(settings: LLMSettings, json_mode: bool = True) -> BaseChatModel:
    """The chat model for `settings`; asks the server for its model when none is configured.

    `json_mode` asks the server to constrain output to the answer's JSON schema
    (`response_format` for OpenAI-compatible servers, `format` for Ollama), which small local
    models need to keep to the answer format.
    """
    if not settings.url:
        raise LLMUnavailable(
            "Es ist kein Sprachmodell eingerichtet. Bitte DRAFTER_LLM_URL setzen "
            "(z. B. http://localhost:8000/v1 für vLLM oder http://localhost:11434 für Ollama)."
        )
    if settings.provider not in PROVIDERS:
        raise LLMUnavailable(
            f"Unbekannter Anbieter „{settings.provider}“ in DRAFTER_LLM_PROVIDER. "
            "Erlaubt sind „openai“ (vLLM, llama.cpp-Server) und „ollama“."
        )
    model = settings.model or server_default_model(settings)
    if settings.provider == "ollama":
        return _ollama(settings, model, json_mode)
    return _openai_compatible(settings, model, json_mode)


def server_default_model(settings: LLMSettings) -> str:
    """The first model the server lists, for deployments that serve exactly one model."""
    url = settings.url.rstrip("/")
    listing = f"{url}/api/tags" if settings.provider == "ollama" else f"{url}/models"
    response = httpx.get(listing, headers=_auth_headers(settings), timeout=min(settings.timeout, 30.0))
    response.raise_for_status()
    body = response.json()
    entries = body.get("models", []) if settings.provider == "ollama" else body.get("data", [])
    names = [entry.get("name") or entry.get("id") for entry in entries if isinstance(entry, dict)]
    names = [name for name in names if name]
    if not names:
        raise LLMUnavailable(
            f"Der Server {url} bietet kein Modell an. Bitte ein Modell laden oder "
            "DRAFTER_LLM_MODEL auf den Namen des bereitgestellten Modells setzen."
        )
    return names[0]


def _openai_compatible(settings: LLMSettings, model: str, json_mode: bool) -> ChatOpenAI:
    extra_body: dict[str, object] = {"max_tokens": settings.max_tokens}
    if json_mode:
        # `schema` inside `json_object` is read by llama.cpp (server and llama-cpp-python); vLLM
        # ignores the extra key and still constrains the output to JSON.
        extra_body["response_format"] = {"type": "json_object", "schema": ANSWER_SCHEMA}
    return ChatOpenAI(
        model=model,
        base_url=settings.url,
        api_key=SecretStr(settings.api_key or _NO_KEY),
        timeout=settings.timeout,
        max_retries=0,
        temperature=settings.temperature,
        max_tokens=settings.max_tokens,
        extra_body=extra_body,
    )


def _ollama(settings: LLMSettings, model: str, json_mode: bool) -> ChatOllama:
    return ChatOllama(
        model=model,
        base_url=settings.url,
        temperature=settings.temperature,
        num_predict=settings.max_tokens,
        format=ANSWER_SCHEMA if json_mode else None,
        client_kwargs={"timeout": settings.timeout, "headers": _auth_headers(settings)},
    )


def _auth_headers(settings: LLMSettings) -> dict[str, str]:
    if not settings.api_key or settings.api_key == _NO_KEY:
        return {}
    return {"Authorization": f"Bearer {settings.api_key}"}
